/**
 * This run next to a baseline report (`check --baseline OLD.json`): per explainer, over the paper's operators together
 * and under each, the change in violation ratio on the samples both reports explained (this run − baseline, positive:
 * more violations), with both sides' ratios and the paired interval; ✱ and a tint where the interval excludes 0 (the
 * violates colour for a rise, the consistent colour for a fall). Its title adds the exact McNemar test per operator.
 * Then the change in accuracy, the explainers left out and why, and the notes. Hidden when the report has none.
 */
import type { ComparedRatio, ModelComparison, ReportView } from '../../../src/core/datasetRun/datasetReport';
import { changeShown } from '../../../src/core/datasetRun/datasetReport';
import { explainedSymbol } from '../../../src/core/datasetRun/sampleWords';
import { headWords } from '../../../src/core/explain/headWords';
import { el, replaceChildren, srOnly } from '../../shared/dom';
import { formatCount, formatFixed, formatSigned, plural } from '../logic/reportFormat';

/** A confidence level as a percentage with the digits it needs (95%, 98.75%). */
const percent = (confidence: number) => `${Number((confidence * 100).toPrecision(4))}%`;

/** One cell: the change (bold and marked when its interval excludes 0), both sides' ratios, the interval. */
function changeCell(r: ComparedRatio | undefined, column: string, what: string, higherIsWorse = true): HTMLElement {
  if (!r || r.change.mean === null)
    return el('td', {
      class: 'num muted',
      text: '—',
      title: `${what}: no shared sample judged on both sides (outside † operators, whose verdicts are by construction)`,
      attrs: { 'data-column': column },
    });
  const shown = changeShown(r);
  const worse = higherIsWorse ? r.change.mean > 0 : r.change.mean < 0;
  // Signed ends in brackets: an en-dash range of negative numbers reads as a subtraction.
  const { lo, hi } = r.change;
  const interval = lo === null || hi === null ? '' : `[${formatSigned(lo)}, ${formatSigned(hi)}]`;
  const test = r.mcnemar
    ? `. McNemar on ${plural(r.mcnemar.n, 'sample')}: only this run ${r.mcnemar.onlyCurrent}, only the baseline ${r.mcnemar.onlyBaseline}, p ${formatFixed(r.mcnemar.p)}${r.mcnemar.pHolm !== r.mcnemar.p ? `, Holm p ${formatFixed(r.mcnemar.pHolm)}` : ''}`
    : '';
  return el(
    'td',
    {
      class: `num${shown ? (worse ? ' pair-more' : ' pair-less') : ''}`,
      title: `${what}: baseline ${formatFixed(r.baseline.mean)}, this run ${formatFixed(r.current.mean)}, change ${formatSigned(r.change.mean)}${interval ? `, ${percent(r.change.confidence)} CI ${interval}` : ''} over ${plural(r.change.n, 'shared sample')}${shown ? ' (excludes 0)' : ' (includes 0: no change shown)'}${test}`,
      attrs: { 'data-column': column, 'data-change': r.change.mean },
    },
    el('span', { class: 'cell-main', text: formatSigned(r.change.mean, 3) }),
    shown && el('span', { class: 'pair-mark', text: '✱' }),
    shown && srOnly(worse ? ' (worse, beyond noise)' : ' (better, beyond noise)'),
    el('span', { class: 'cell-ci', text: `${formatFixed(r.baseline.mean)} → ${formatFixed(r.current.mean)}` }),
    interval && el('span', { class: 'cell-ci', text: interval }),
  );
}

function introText(c: ModelComparison): string {
  const model = (m: ModelComparison['current']['model']) => `${m.name} (sha256 ${m.sha256.slice(0, 12)}…)`;
  const { shared, onlyBaseline, onlyCurrent, changedText } = c.rows;
  return (
    `Baseline: ${c.baseline.file}, written ${c.baseline.createdAt}, model ${model(c.baseline.model)}; this run: model ${model(c.current.model)}. ` +
    `Rows paired by index and text: ${formatCount(shared)} shared, ${formatCount(onlyBaseline)} only in the baseline, ${formatCount(onlyCurrent)} only in this run` +
    `${changedText ? ` (${formatCount(changedText)} with the same index but another text)` : ''}.`
  );
}

function legendText(report: ReportView, c: ModelComparison): string {
  const words = headWords(report.model.head);
  const confidence = c.explainers[0]?.mean.change.confidence ?? 0.95;
  return (
    `Violation ratio on the shared samples: the share whose top unit's weight sign disagrees with the real change in ${explainedSymbol(report)} (${words.quantity}) when it is erased, per erasure operator; ` +
    `the mean of operators is each sample's share over the operators marked † on neither side. Each cell: the change (this run − baseline; positive: more violations, worse), the baseline → this run, ` +
    `and the paired t interval, Bonferroni-adjusted over the ${plural(c.explainers.length, 'explainer')} (each at ${percent(confidence)}) so that a column holds together at 95%. ✱: it excludes 0. Hover a cell for the exact McNemar test (Holm-adjusted over the explainers).`
  );
}

/** Draws the comparison, or hides the section for a report without one. */
export function renderComparison(section: HTMLElement, report: ReportView): void {
  const c = report.comparison;
  section.hidden = c === undefined;
  if (!c) return;
  const ops = report.settings.operators.filter((op) => c.explainers.some((e) => e.operators[op]));
  const accuracy = c.accuracy;
  replaceChildren(
    section,
    el(
      'div',
      { class: 'section-head' },
      el('h2', {
        id: 'comparison-heading',
        text: `Compared with the baseline: ${c.baseline.model.name} → ${c.current.model.name}`,
      }),
    ),
    el('p', { id: 'comparison-models', class: 'muted section-intro', text: introText(c) }),
    el('p', { class: 'muted section-intro', text: legendText(report, c) }),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        {
          id: 'comparison-table',
          class: 'data-table report-table pair-table',
          attrs: { 'aria-labelledby': 'comparison-heading' },
        },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { attrs: { scope: 'col' }, text: 'explainer' }),
            el('th', { class: 'num', attrs: { scope: 'col' }, text: 'shared samples' }),
            el('th', { class: 'num', attrs: { scope: 'col' }, text: 'violation: mean of operators' }),
            ...ops.map((op) => el('th', { class: 'num', attrs: { scope: 'col' }, text: `violation: ${op}` })),
          ),
        ),
        el(
          'tbody',
          {},
          ...c.explainers.map((e) =>
            el(
              'tr',
              { attrs: { 'data-explainer': e.id } },
              el('th', { attrs: { scope: 'row' }, text: e.label }),
              el('td', { class: 'num', text: formatCount(e.mean.change.n) }),
              changeCell(e.mean, 'mean', `${e.label}, violation ratio, mean of operators`),
              ...ops.map((op) => changeCell(e.operators[op], op, `${e.label}, violation ratio under ${op}`)),
            ),
          ),
        ),
        accuracy &&
          el(
            'tfoot',
            {},
            el(
              'tr',
              { attrs: { 'data-explainer': 'accuracy' } },
              el('th', { attrs: { scope: 'row' }, text: 'Accuracy (ŷ = gold; higher is better)' }),
              el('td', { class: 'num', text: formatCount(accuracy.change.n) }),
              changeCell(accuracy, 'accuracy', 'Accuracy on the shared samples labelled alike in both', false),
              ...ops.map(() => el('td', { class: 'num muted' })),
            ),
          ),
      ),
    ),
    c.excluded.length > 0 &&
      el(
        'ul',
        { id: 'comparison-excluded', class: 'notes' },
        ...c.excluded.map((x) =>
          el('li', { attrs: { 'data-explainer': x.id } }, `Not compared: ${x.id}: ${x.reason}.`),
        ),
      ),
    c.notes.length > 0 &&
      el('ul', { id: 'comparison-notes', class: 'notes' }, ...c.notes.map((note) => el('li', { text: note }))),
  );
}
