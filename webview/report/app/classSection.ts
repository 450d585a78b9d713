/**
 * The report per class (single-label models): by predicted class ŷ and by gold label, each with its sample count,
 * accuracy and every explainer's violation mean [95% interval], then the confusion matrix. Which class every Δ is about
 * is said first: each sample's ŷ, or the one class the run was asked to explain.
 */
import type { ClassBreakdown, ClassRow, ReportView } from '../../../src/core/datasetRun/datasetReport';
import type { MeanEstimate, Proportion } from '../../../src/core/datasetRun/datasetReport';
import { el, replaceChildren } from '../../shared/dom';
import { formatCount, formatFixed, formatInterval } from '../logic/reportFormat';

function estimateCell(e: Proportion | MeanEstimate | null | undefined, what: string): HTMLElement {
  if (!e) return el('td', { class: 'num muted', text: '—' });
  const value = 'ratio' in e ? e.ratio : e.mean;
  const interval = formatInterval(e.lo, e.hi);
  const count = 'ratio' in e ? `${formatCount(e.k)} of ${formatCount(e.n)}` : `mean over ${formatCount(e.n)} samples`;
  return el(
    'td',
    { class: 'num', title: `${what}: ${formatFixed(value)}${interval ? `; 95% CI ${interval}` : ''}; ${count}` },
    el('span', { class: 'cell-main', text: formatFixed(value) }),
    interval && el('span', { class: 'cell-ci', text: interval }),
  );
}

/** `share`: what ŷ = gold among the group's samples is: precision for a predicted class, recall for a gold label. */
function groupTable(
  id: string,
  caption: string,
  rows: ClassRow[],
  report: ReportView,
  share: string,
): HTMLElement | null {
  if (rows.length === 0) return null;
  const head = el(
    'tr',
    {},
    el('th', { attrs: { scope: 'col' }, text: '' }),
    ...rows.map((r) => el('th', { class: 'num', attrs: { scope: 'col' }, text: r.label })),
  );
  const line = (name: string, cells: HTMLElement[]) =>
    el('tr', {}, el('th', { attrs: { scope: 'row' }, text: name }), ...cells);
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { id, class: 'data-table report-table' },
      el('caption', { text: caption }),
      el('thead', {}, head),
      el(
        'tbody',
        {},
        line(
          'Samples',
          rows.map((r) => el('td', { class: 'num', text: formatCount(r.samples) })),
        ),
        line(
          share,
          rows.map((r) => estimateCell(r.accuracy, `${share} of ${r.label}`)),
        ),
        ...report.explainers.map((e) =>
          line(
            e.label,
            rows.map((r) => estimateCell(r.violation[e.id], `${e.label}, violation mean on ${r.label}`)),
          ),
        ),
      ),
    ),
  );
}

function confusionTable(confusion: number[][], labels: string[]): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { id: 'confusion-matrix', class: 'data-table report-table' },
      el('caption', { text: 'Confusion matrix: rows are gold labels, columns the predicted class ŷ' }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { attrs: { scope: 'col' }, text: 'gold \\ ŷ' }),
          ...labels.map((l) => el('th', { class: 'num', attrs: { scope: 'col' }, text: l })),
        ),
      ),
      el(
        'tbody',
        {},
        ...confusion.map((row, g) =>
          el(
            'tr',
            {},
            el('th', { attrs: { scope: 'row' }, text: labels[g] }),
            ...row.map((n, p) =>
              el('td', {
                class: `num${g === p ? ' diagonal' : ''}`,
                title: `gold ${labels[g]}, predicted ${labels[p]}: ${formatCount(n)}`,
                text: formatCount(n),
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Draws the section, or hides it when the report has no per-class part (multi-label, regression, older reports). */
export function renderClasses(section: HTMLElement, report: ReportView): void {
  const classes: ClassBreakdown | undefined = report.classes;
  section.hidden = !classes;
  if (!classes) return;
  const target = classes.target === null ? undefined : report.model.labels[classes.target];
  replaceChildren(
    section,
    el('div', { class: 'section-head' }, el('h2', { id: 'classes-heading', text: 'By class' })),
    el(
      'p',
      { id: 'classes-target', class: 'muted section-intro' },
      target === undefined
        ? 'Each sample is explained for its own prediction ŷ. Per class: accuracy, and each explainer’s violation mean over the paper’s operators, with 95% intervals.'
        : `Every sample is explained for the class “${target}”: every Δ is a change in p(${target}), whatever the model predicts. Accuracy and the grouping by ŷ still use the prediction.`,
    ),
    groupTable(
      'classes-predicted',
      'By predicted class ŷ',
      classes.byPredicted,
      report,
      'Precision (gold = ŷ among these)',
    ),
    groupTable('classes-gold', 'By gold label', classes.byGold, report, 'Recall (ŷ = gold among these)'),
    classes.confusion && confusionTable(classes.confusion, report.model.labels),
  );
}
