/**
 * The explainer summary table: per explainer the violation ratio under each paper operator, their mean with its 95%
 * interval, the token-level and |w|-weighted rates, every other faithfulness metric, time and failures; the Random
 * floor in the footer. Headers sort (click, Enter or Space on their buttons, aria-sort); the best value of each
 * column is marked with ★ and bold, and said in words to screen readers.
 */
import type { ExplainerSummary, ReportView } from '../../../src/core/datasetRun/datasetReport';
import type { ReportViewState } from '../../../src/pages/report/reportProtocol';
import { el, replaceChildren, srOnly } from '../../shared/dom';
import { formatCount, formatFixed, formatInterval, plural } from '../logic/reportFormat';
import { ariaSort } from '../../shared/sortOrder';
import {
  bestPerColumn,
  randomFloor,
  SummaryCell,
  SummaryColumnDef,
  summaryCell,
  summaryColumns,
  sortExplainers,
} from '../logic/reportSummary';
import { headWords } from '../../../src/core/explain/headWords';
import { explainedSymbol, sampleWords } from '../../../src/core/datasetRun/sampleWords';
import { measured, measuredUnderChosenOperator, notMeasuredNote } from '../../../src/core/datasetRun/measures';

function cellText(column: SummaryColumnDef, cell: SummaryCell): string {
  if (column.id === 'msPerSample')
    return cell.value === null ? '—' : cell.value < 10 ? cell.value.toFixed(1) : formatCount(cell.value);
  if (column.id === 'failures') return cell.value === null ? '—' : formatCount(cell.value);
  return formatFixed(cell.value);
}

function cellTitle(e: ExplainerSummary, column: SummaryColumnDef, cell: SummaryCell): string {
  const interval = formatInterval(cell.lo, cell.hi);
  const count =
    cell.k !== undefined && cell.n !== undefined
      ? `${formatCount(cell.k)} of ${plural(cell.n, 'sample')}`
      : cell.n !== undefined
        ? `mean over ${plural(cell.n, 'sample')}`
        : '';
  return [
    `${e.label} — ${column.label}: ${cellText(column, cell)}`,
    interval && `95% CI ${interval}`,
    count,
    column.unit,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Why an operator column's verdicts are by construction for this explainer (†), if they are. */
function constructionOf(e: ExplainerSummary, column: SummaryColumnDef): string | undefined {
  if (!column.id.startsWith('operator:')) return undefined;
  return e.byConstruction?.[
    column.id.slice('operator:'.length) as keyof NonNullable<ExplainerSummary['byConstruction']>
  ];
}

function dataCell(e: ExplainerSummary, column: SummaryColumnDef, best: boolean): HTMLElement {
  const cell = summaryCell(e, column.id);
  const interval = formatInterval(cell.lo, cell.hi);
  const construction = constructionOf(e, column);
  return el(
    'td',
    {
      class: `num${best ? ' best' : ''}`,
      title: `${cellTitle(e, column, cell)}${construction ? `. † Not independent evidence, by construction: ${construction}` : ''}`,
      attrs: { 'data-column': column.id, 'data-value': cell.value ?? '' },
    },
    best && el('span', { class: 'best-mark', text: '★ ', attrs: { 'aria-hidden': 'true' } }),
    el('span', { class: 'cell-main', text: cellText(column, cell) }),
    construction && el('span', { class: 'construction-mark', text: '†' }),
    construction && srOnly(' (by construction)'),
    best && srOnly(' (best in column)'),
    interval && el('span', { class: 'cell-ci', text: interval }),
  );
}

function headerCell(
  column: SummaryColumnDef,
  sort: ReportViewState['sort'],
  onSort: (c: SummaryColumnDef) => void,
): HTMLElement {
  const arrow = column.better === 'lower' ? ' ↓' : column.better === 'higher' ? ' ↑' : '';
  const button = el(
    'button',
    { class: 'sort-button', title: column.title, attrs: { type: 'button', 'data-focus-key': `sort:${column.id}` } },
    el(
      'span',
      { class: 'col-label' },
      column.label,
      arrow && el('span', { class: 'better', text: arrow, attrs: { 'aria-hidden': 'true' } }),
      column.unit && el('span', { class: 'col-unit', text: column.unit }),
    ),
    el('span', { class: 'sort-indicator', attrs: { 'aria-hidden': 'true' } }),
  );
  button.addEventListener('click', () => onSort(column));
  return el(
    'th',
    {
      class: column.better ? 'num' : undefined,
      attrs: { scope: 'col', 'data-column': column.id, 'aria-sort': ariaSort(sort, column.id) },
    },
    button,
  );
}

function floorRow(report: ReportView, columns: SummaryColumnDef[]): HTMLElement {
  const floor = randomFloor(report);
  const seeds = floor.seeds.map((s) => `seed ${s.seed}: ${formatFixed(s.mean)}`).join(', ');
  return el(
    'tr',
    { class: 'floor-row', attrs: { 'data-explainer': 'random-floor' } },
    el(
      'th',
      {
        attrs: { scope: 'row' },
        title: `Uniform random weights with ${plural(floor.seeds.length, 'seed')} (${seeds}): what chance alone scores`,
      },
      `Random floor (${plural(floor.seeds.length, 'seed')})`,
    ),
    ...columns.slice(1).map((c) => {
      if (c.id.startsWith('operator:'))
        return el(
          'td',
          {
            class: 'num',
            attrs: { 'data-column': c.id, 'data-value': floor.perOperator[c.id.slice('operator:'.length)] ?? '' },
          },
          formatFixed(floor.perOperator[c.id.slice('operator:'.length)]),
        );
      if (c.id === 'violationMean') {
        const spread = floor.spread === null ? '' : ` ± ${formatFixed(floor.spread)}`;
        return el(
          'td',
          {
            class: 'num',
            title: `Mean over seeds of the operator mean, ± the spread (max − min) over seeds; ${seeds}`,
            attrs: { 'data-column': c.id, 'data-value': floor.mean ?? '' },
          },
          el('span', { class: 'cell-main', text: `${formatFixed(floor.mean)}${spread}` }),
          el('span', { class: 'cell-ci', text: 'mean ± spread over seeds' }),
        );
      }
      return el('td', { class: 'num muted', attrs: { 'data-column': c.id } });
    }),
  );
}

function measureAllButton(onClick: () => void): HTMLElement {
  const button = el(
    'vscode-button',
    {
      id: 'report-measure-all',
      attrs: {
        secondary: true,
        title:
          'Run this report’s dataset again with the same model and settings, measuring everything; every sample is computed again (a run measuring more has its own cache)',
      },
    },
    'Run Again Measuring Everything',
  );
  button.addEventListener('click', onClick);
  return button;
}

export function renderSummary(
  section: HTMLElement,
  report: ReportView,
  sort: ReportViewState['sort'],
  onSort: (c: SummaryColumnDef) => void,
  /** Live webview only: the button that runs the report again measuring everything. */
  onMeasureAll?: () => void,
): void {
  const columns = summaryColumns(report);
  const missing = notMeasuredNote(report.settings);
  const best = bestPerColumn(report.explainers, columns);
  const words = headWords(report.model.head);
  const body = el(
    'tbody',
    {},
    ...sortExplainers(report.explainers, sort).map((e) =>
      el(
        'tr',
        { class: e.runs === 0 && e.failures > 0 ? 'failed' : undefined, attrs: { 'data-explainer': e.id } },
        el(
          'th',
          {
            attrs: { scope: 'row' },
            title: `${e.family}, ${e.signed ? 'signed' : 'unsigned'}; ran on ${plural(e.runs, 'sample')}${e.error ? `; first error: ${e.error}` : ''}`,
          },
          e.label,
          e.failures > 0 && e.runs === 0 ? srOnly(' (could not run)') : null,
        ),
        ...columns.slice(1).map((c) => dataCell(e, c, best.get(c.id)?.has(e.id) ?? false)),
      ),
    ),
  );
  const sortColumn = columns.find((c) => c.id === sort.column);
  replaceChildren(
    section,
    el('div', { class: 'section-head' }, el('h2', { id: 'summary-heading', text: 'Faithfulness by explainer' })),
    el(
      'p',
      { class: 'muted section-intro' },
      `Violation ratio: the share of samples whose top unit (largest |w|) has a weight sign that disagrees with the real change in ${explainedSymbol(report)} (${words.quantity}) when it is erased (Liu et al., ICML 2022); lower is better. ` +
        `Under each value its 95% interval (Wilson for ratios, t for means${sampleWords(report).multiLabel ? `; ${sampleWords(report).clusterNote}` : ''}). ${measuredUnderChosenOperator(report.settings) ? `Rates and metrics use the ${report.settings.operator} operator. ` : ''}` +
        `★ and bold mark the best explainer per column (Random, the floor, is not ranked).`,
    ),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        {
          id: 'report-summary',
          class: 'data-table report-table',
          attrs: { 'aria-labelledby': 'summary-heading', 'aria-describedby': 'report-sort-note' },
        },
        el('thead', {}, el('tr', {}, ...columns.map((c) => headerCell(c, sort, onSort)))),
        body,
        measured(report.settings, 'random-floor') ? el('tfoot', {}, floorRow(report, columns)) : null,
      ),
    ),
    missing &&
      el(
        'div',
        { class: 'not-measured' },
        el('p', { id: 'report-not-measured', text: missing }),
        onMeasureAll && measureAllButton(onMeasureAll),
      ),
    el('p', {
      id: 'report-sort-note',
      class: 'sr-only',
      text: `Sorted by ${sortColumn?.label ?? sort.column}, ${sort.descending ? 'descending' : 'ascending'}. Activate a column header to sort by it.`,
    }),
  );
}
