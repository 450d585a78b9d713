/**
 * The violation summary table: per explainer the verdict under each operator, the violation mean over the paper's
 * three, the token-level rate and the runtime. Headers sort (click, Enter or Space on their buttons) and say so with
 * aria-sort; the sort lives in PanelViewState so it survives reloads. Below it, the other faithfulness metrics.
 */
import type { ExplainResult } from '../../../src/core/explain/explainResult';
import type { PanelState, SummaryColumn } from '../../../src/pages/explain/explainProtocol';
import { formatNumber, formatPercent, formatRuntime, formatViolationMean } from '../../shared/format';
import { topUnit } from '../logic/panelModel';
import { operatorTitle } from '../../../src/core/erasure/operators';
import { ariaSort } from '../../shared/sortOrder';
import { operatorColumn, SortState, sortRows, summaryRows } from '../logic/summaryTable';
import { constructionNote, verdictMark, verdictWord, whySentence } from '../logic/verdictText';
import { el, replaceChildren, srOnly } from '../../shared/dom';

interface Column {
  id: SummaryColumn;
  label: string;
  title: string;
  numeric: boolean;
}

export function renderSummary(section: HTMLElement, state: PanelState, onSort: (column: SummaryColumn) => void): void {
  const { result, settings, view } = state;
  const metricsOpen = section.querySelector('details.metrics')?.hasAttribute('open') ?? false;
  const columns: Column[] = [
    { id: 'explainer', label: 'Explainer', title: 'Sort by explainer name', numeric: false },
    ...result.impacts.map((i) => ({
      id: operatorColumn(i.operator),
      label: i.operator,
      title: `Violation test with ${operatorTitle(i.operator)}: ${i.description}`,
      numeric: true,
    })),
    {
      id: 'violationMean',
      label: 'Violation mean',
      title:
        'Share of the paper’s three operators under which the top unit’s sign is wrong (0, 1/3, 2/3, 1); lower is better',
      numeric: true,
    },
    {
      id: 'tokenLevelRate',
      label: `Token-level (${settings.operator})`,
      title: `Share of all units whose weight sign disagrees with their own Δ under ${settings.operator} (beyond the paper); lower is better`,
      numeric: true,
    },
    { id: 'runtimeMs', label: 'Runtime', title: 'Wall time of the explainer', numeric: true },
  ];

  const head = el(
    'tr',
    {},
    ...columns.map((c) => {
      const button = el(
        'button',
        { class: 'sort-button', title: c.title, attrs: { type: 'button', 'data-focus-key': `sort:${c.id}` } },
        c.label,
        el('span', { class: 'sort-indicator', attrs: { 'aria-hidden': 'true' } }),
      );
      const th = el(
        'th',
        {
          class: c.numeric ? 'num' : undefined,
          attrs: { scope: 'col', 'data-column': c.id, 'aria-sort': ariaSort(view.sort, c.id) },
        },
        button,
      );
      th.addEventListener('click', () => onSort(c.id));
      return th;
    }),
  );

  const body = el('tbody', {});
  for (const row of sortRows(summaryRows(result, settings.operator), view.sort)) {
    const explanation = result.explanations.find((e) => e.id === row.id)!;
    const top = topUnit(explanation);
    const unitText = top >= 0 ? result.units[top]?.text : undefined;
    const marked = explanation.verdicts.some((v) => v.byConstruction);
    const cells = result.impacts.map((impact) => {
      const verdict = explanation.verdicts.find((v) => v.operator === impact.operator);
      if (!verdict)
        return el(
          'td',
          { class: 'num verdict-cell none', attrs: { 'data-operator': impact.operator } },
          '—',
          srOnly('not run'),
        );
      const why = whySentence(verdict, unitText, result.target.label, result.deltaTolerance);
      return el(
        'td',
        {
          class: `num verdict-cell ${verdict.violates ? 'violates' : 'consistent'}`,
          title: `${verdictWord(verdict.violates)}: ${why}${constructionNote(verdict)}`,
          attrs: { 'data-operator': impact.operator },
        },
        el('span', { text: verdictMark(verdict.violates), attrs: { 'aria-hidden': 'true' } }),
        verdict.byConstruction &&
          el('span', { class: 'construction-mark', text: '†', attrs: { 'aria-hidden': 'true' } }),
        srOnly(` ${verdictWord(verdict.violates)}${verdict.byConstruction ? ', by construction' : ''}`),
      );
    });
    body.appendChild(
      el(
        'tr',
        { class: row.failed ? 'failed' : undefined, attrs: { 'data-explainer': row.id } },
        el(
          'th',
          { attrs: { scope: 'row' }, title: explanation.error ?? explanation.quantity },
          row.label,
          row.failed ? srOnly(' (could not run)') : null,
        ),
        ...cells,
        el(
          'td',
          {
            class: 'num',
            title: marked
              ? `Over the operators whose verdict is not by construction (†): ${formatViolationMean(explanation.heldOutMean)}`
              : undefined,
            attrs: { 'data-value': row.violationMean ?? '' },
          },
          formatViolationMean(row.violationMean),
          marked &&
            el('span', { class: 'held-out', text: ` (held-out ${formatViolationMean(explanation.heldOutMean)})` }),
        ),
        el(
          'td',
          { class: 'num', attrs: { 'data-value': row.tokenLevelRate ?? '' } },
          formatPercent(row.tokenLevelRate),
        ),
        el(
          'td',
          { class: 'num', attrs: { 'data-value': row.runtimeMs } },
          row.failed ? '—' : formatRuntime(row.runtimeMs),
        ),
      ),
    );
  }

  replaceChildren(
    section,
    el('div', { class: 'section-head' }, el('h2', { id: 'summary-heading', text: 'Violation summary' })),
    el(
      'p',
      { class: 'muted section-intro' },
      'Each explainer’s top unit (largest |w|) is erased; ✗ when its weight’s sign disagrees with the real change in p(ŷ) (Liu et al., ICML 2022). Unsigned explainers always claim support.',
    ),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        {
          id: 'summary',
          class: 'data-table',
          attrs: { 'aria-labelledby': 'summary-heading', 'aria-describedby': 'summary-sort-note' },
        },
        el('thead', {}, head),
        body,
      ),
    ),
    el('p', { id: 'summary-sort-note', class: 'sr-only', text: sortNote(view.sort, columns) }),
    metricsTable(result, metricsOpen),
  );
}

function sortNote(sort: SortState, columns: Column[]): string {
  const column = columns.find((c) => c.id === sort.column);
  return `Sorted by ${column?.label ?? sort.column}, ${sort.descending ? 'descending' : 'ascending'}. Activate a column header to sort by it.`;
}

/** The other metrics (comprehensiveness, sufficiency, AOPC, rank correlations, decision flip), folded away. */
function metricsTable(result: ExplainResult, open: boolean): HTMLElement | null {
  const withMetrics = result.explanations.filter((e) => e.metrics.length > 0);
  if (withMetrics.length === 0) return null;
  const metrics = withMetrics[0].metrics;
  return el(
    'details',
    { class: 'metrics', attrs: { open } },
    el('summary', { text: `Other faithfulness metrics (${metrics[0].operator})` }),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { id: 'metrics', class: 'data-table' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { attrs: { scope: 'col' }, text: 'Explainer' }),
            ...metrics.map((m) =>
              el(
                'th',
                { class: 'num', title: `${m.description} (${m.better} is better)`, attrs: { scope: 'col' } },
                `${m.label} ${m.better === 'higher' ? '↑' : '↓'}`,
              ),
            ),
          ),
        ),
        el(
          'tbody',
          {},
          ...withMetrics.map((e) =>
            el(
              'tr',
              { attrs: { 'data-explainer': e.id } },
              el('th', { attrs: { scope: 'row' }, text: e.label }),
              ...metrics.map((m) => {
                const value = e.metrics.find((x) => x.id === m.id)?.value;
                return el('td', {
                  class: 'num',
                  text: value === null || value === undefined ? '—' : formatNumber(value),
                });
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
