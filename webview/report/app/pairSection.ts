/**
 * Paired differences between explainers on the same samples, as a matrix: the cell in row A, column B is A − B, the
 * mean difference of their violation shares (negative: A violates less), marked ✱ and tinted when its paired 95%
 * interval excludes 0; its title has the interval and the Holm-adjusted McNemar p per operator. Two summary intervals
 * that overlap do not mean two explainers are alike; this is the comparison that can say so.
 */
import type { PairedDifference, ReportView } from '../../../src/core/datasetRun/datasetReport';
import { pairDiffers } from '../../../src/core/datasetRun/datasetReport';
import { el, replaceChildren } from '../../shared/dom';
import { formatFixed, formatInterval } from '../logic/reportFormat';

/** A confidence level as a percentage with the digits it needs (95%, 99.97%). */
function percent(confidence: number | undefined): string {
  return confidence === undefined ? '95%' : `${Number((confidence * 100).toPrecision(4))}%`;
}

/** The pair (row, column) as row − column: a stored pair read forwards or backwards. */
function oriented(pairs: Map<string, PairedDifference>, row: string, col: string): PairedDifference | undefined {
  const forward = pairs.get(`${row}\u0000${col}`);
  if (forward) return forward;
  const back = pairs.get(`${col}\u0000${row}`);
  if (!back) return undefined;
  const { n, mean, lo, hi, confidence } = back.difference;
  const swapped = Object.fromEntries(
    Object.entries(back.mcnemar).map(([op, m]) => [op, { ...m, onlyA: m.onlyB, onlyB: m.onlyA }]),
  );
  return {
    a: row,
    b: col,
    difference: {
      n,
      mean: mean === null ? null : -mean,
      lo: hi === null ? null : -hi,
      hi: lo === null ? null : -lo,
      confidence,
    },
    mcnemar: swapped,
  };
}

function pairCell(p: PairedDifference | undefined, rowLabel: string, colLabel: string): HTMLElement {
  if (!p || p.difference.mean === null) return el('td', { class: 'num muted', text: '—' });
  const differs = pairDiffers(p);
  const interval = formatInterval(p.difference.lo, p.difference.hi);
  const tests = Object.entries(p.mcnemar)
    .map(
      ([op, m]) =>
        `${op}: only ${rowLabel} violates ${m.onlyA}, only ${colLabel} ${m.onlyB}, Holm p ${formatFixed(m.pHolm)}`,
    )
    .join('; ');
  return el(
    'td',
    {
      class: `num pair${differs ? (p.difference.mean < 0 ? ' pair-less' : ' pair-more') : ''}`,
      title: `${rowLabel} − ${colLabel}: ${formatFixed(p.difference.mean)}${interval ? `, ${percent(p.difference.confidence)} CI ${interval}` : ''} over ${p.difference.n} samples${differs ? ' (excludes 0)' : ' (includes 0: no difference shown)'}${tests ? `. McNemar: ${tests}` : ''}`,
      attrs: { 'data-a': p.a, 'data-b': p.b },
    },
    formatFixed(p.difference.mean, 2),
    differs && el('span', { class: 'pair-mark', text: '✱' }),
  );
}

/** Draws the matrix, or hides the section for a report without pairs (older reports, a single explainer). */
export function renderPairs(section: HTMLElement, report: ReportView): void {
  const list = report.pairs ?? [];
  section.hidden = list.length === 0;
  if (list.length === 0) return;
  const pairs = new Map(list.map((p) => [`${p.a}\u0000${p.b}`, p]));
  const ran = report.explainers.filter((e) => e.runs > 0);
  replaceChildren(
    section,
    el('div', { class: 'section-head' }, el('h2', { id: 'pairs-heading', text: 'Paired differences' })),
    el(
      'p',
      { class: 'muted section-intro' },
      `Row − column: the mean over the samples both ran on of the row explainer’s violation share minus the column’s over the operators marked † for neither (negative: the row violates less). ✱: its paired t interval excludes 0 (${list.filter(pairDiffers).length} of ${list.length} pairs); the intervals are Bonferroni-adjusted (each at ${percent(list[0].difference.confidence)}) so that all ${list.length} hold together at 95%. Hover a cell for the interval and the exact McNemar test per operator (Holm-adjusted over all pairs).`,
    ),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { id: 'pair-matrix', class: 'data-table report-table pair-table' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { attrs: { scope: 'col' }, text: 'row − column' }),
            ...ran.map((e) => el('th', { class: 'num', attrs: { scope: 'col' }, text: e.label })),
          ),
        ),
        el(
          'tbody',
          {},
          ...ran.map((r) =>
            el(
              'tr',
              { attrs: { 'data-explainer': r.id } },
              el('th', { attrs: { scope: 'row' }, text: r.label }),
              ...ran.map((c) =>
                c.id === r.id
                  ? el('td', { class: 'num muted', text: '·' })
                  : pairCell(oriented(pairs, r.id, c.id), r.label, c.label),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
