/**
 * The explainer summary table's columns, cells, order and best values. DOM-free: the table component only draws what
 * this computes, and Node tests pin it against the report's own numbers.
 */
import type {
  ExplainerSummary,
  MeanEstimate,
  Proportion,
  ReportView,
} from '../../../src/core/datasetRun/datasetReport';
import type { ReportSummaryColumn, ReportViewState } from '../../../src/pages/report/reportProtocol';
import { compareValues } from '../../shared/sortOrder';
import { headWords } from '../../../src/core/explain/headWords';

export type SummarySort = ReportViewState['sort'];
export type Better = 'lower' | 'higher';

export interface SummaryColumnDef {
  id: ReportSummaryColumn;
  label: string;
  /** What the number is, in words (units and direction): shown under the label and as its title. */
  unit: string;
  title: string;
  better: Better | null;
}

/** A cell: the number, its 95% interval when it has one, and the count behind it. */
export interface SummaryCell {
  value: number | null;
  lo: number | null;
  hi: number | null;
  /** Samples (k of n for a proportion). */
  k?: number;
  n?: number;
}

export { operatorTitle } from '../../../src/core/erasure/operators';
import { measured } from '../../../src/core/datasetRun/measures';
import { operatorTitle } from '../../../src/core/erasure/operators';

/** The id of the explainer that is the floor, not a method: never ranked. */
export const RANDOM_ID = 'random';

const METRIC_UNITS: Record<string, string> = {
  comprehensiveness: 'Δp, probability',
  sufficiency: 'Δp, probability',
  aopc: 'Δp, probability',
  'spearman-loo': 'rank correlation, −1…1',
  'kendall-loo': 'rank correlation, −1…1',
  'decision-flip': 'ratio of samples',
  'decision-flip-signed': 'ratio of samples',
};

const betterWord = (b: Better): string => (b === 'lower' ? 'lower is better' : 'higher is better');

export function summaryColumns(report: ReportView): SummaryColumnDef[] {
  const op = report.settings.operator;
  const { symbol } = headWords(report.model.head);
  const col = (
    id: ReportSummaryColumn,
    label: string,
    unit: string,
    title: string,
    better: Better | null,
  ): SummaryColumnDef => ({
    id,
    label,
    unit: better ? `${unit}; ${betterWord(better)}` : unit,
    title: better ? `${title} (${betterWord(better)})` : title,
    better,
  });
  return [
    col('explainer', 'Explainer', '', 'Sort by explainer name', null),
    ...report.settings.operators.map((o) =>
      col(
        `operator:${o}`,
        operatorTitle(o),
        'ratio of samples',
        `Share of samples whose top unit’s weight sign disagrees with the real change in ${symbol} when it is erased with ${operatorTitle(o)}; 95% Wilson interval below`,
        'lower',
      ),
    ),
    col(
      'violationMean',
      `Mean of ${report.settings.operators.length} operators`,
      'ratio of samples, 95% CI',
      'Mean over samples of the share of the paper’s operators under which the top unit’s sign is wrong; 95% interval below',
      'lower',
    ),
    col(
      'heldOutMean',
      'Held-out mean',
      'ratio of samples, 95% CI',
      'The mean over only the operators whose verdict is not by construction (†: the explainer was fitted with that operator, or the model’s structure decides the verdict); the same as the mean where none is',
      'lower',
    ),
    // Columns of what the run did not compute are left out (the summary says so), not filled with dashes.
    ...(measured(report.settings, 'token-level')
      ? [
          col(
            'tokenLevelRate',
            `Token-level (${op})`,
            'ratio of units',
            `Share of all units whose claimed sign disagrees with their own Δ under ${op}, mean over samples (beyond the paper)`,
            'lower',
          ),
          col(
            'weightedRate',
            `|w|-weighted (${op})`,
            'ratio, weighted by |w|',
            `The token-level rate with each unit weighted by its |w| under ${op}`,
            'lower',
          ),
        ]
      : []),
    ...report.metrics.map((m) =>
      col(
        `metric:${m.id}`,
        m.label,
        METRIC_UNITS[m.id] ?? 'mean over samples',
        `${m.description} Mean over samples, under ${op}`,
        m.better,
      ),
    ),
    col(
      'msPerSample',
      'Time',
      'ms per sample',
      'Wall time per sample of this explainer; model runs it shares with the leave-one-out pass or an earlier explainer (coalitions LIME drew before Kernel SHAP) are not counted again',
      'lower',
    ),
    col('failures', 'Failures', 'samples', 'Samples on which the explainer could not run', 'lower'),
  ];
}

const fromProportion = (p: Proportion | undefined): SummaryCell =>
  p ? { value: p.ratio, lo: p.lo, hi: p.hi, k: p.k, n: p.n } : { value: null, lo: null, hi: null };
const fromMean = (m: MeanEstimate | undefined): SummaryCell =>
  m ? { value: m.mean, lo: m.lo, hi: m.hi, n: m.n } : { value: null, lo: null, hi: null };

/** The number an explainer shows in a column (null where it has none: did not run, metric undefined). */
export function summaryCell(e: ExplainerSummary, column: ReportSummaryColumn): SummaryCell {
  if (column.startsWith('operator:'))
    return fromProportion(e.violation[column.slice('operator:'.length) as keyof ExplainerSummary['violation']]);
  if (column.startsWith('metric:')) return fromMean(e.metrics[column.slice('metric:'.length)]);
  switch (column) {
    case 'violationMean':
      return fromMean(e.violationMean);
    case 'heldOutMean':
      return fromMean(e.heldOutMean ?? e.violationMean);
    case 'tokenLevelRate':
      return fromMean(e.tokenLevelRate);
    case 'weightedRate':
      return fromMean(e.weightedRate);
    case 'msPerSample':
      return { value: e.runs + e.failures > 0 ? e.msPerSample : null, lo: null, hi: null };
    case 'failures':
      return { value: e.failures, lo: null, hi: null };
    default:
      return { value: null, lo: null, hi: null };
  }
}

export function sortValue(e: ExplainerSummary, column: ReportSummaryColumn): number | string | null {
  return column === 'explainer' ? e.label : summaryCell(e, column).value;
}

/** Rows in the sort's order; ties (and missing values, always last) keep the report's order. */
export function sortExplainers(explainers: readonly ExplainerSummary[], sort: SummarySort): ExplainerSummary[] {
  const order = new Map(explainers.map((e, i) => [e.id, i]));
  return [...explainers].sort(
    (a, b) =>
      compareValues(sortValue(a, sort.column), sortValue(b, sort.column), sort.descending) ||
      order.get(a.id)! - order.get(b.id)!,
  );
}

/**
 * The best explainer(s) per numeric column: the lowest or highest value by the column's direction, ties all marked.
 * Random (the floor) is not ranked, and a column where every ranked value is equal marks nobody.
 */
export function bestPerColumn(
  explainers: readonly ExplainerSummary[],
  columns: readonly SummaryColumnDef[],
): Map<ReportSummaryColumn, Set<string>> {
  const best = new Map<ReportSummaryColumn, Set<string>>();
  const ranked = explainers.filter((e) => e.id !== RANDOM_ID && e.runs > 0);
  for (const c of columns) {
    if (!c.better) continue;
    const values = ranked
      .map((e) => ({ id: e.id, v: summaryCell(e, c.id).value }))
      .filter((x): x is { id: string; v: number } => x.v !== null && Number.isFinite(x.v));
    if (values.length < 2) continue;
    const target = c.better === 'lower' ? Math.min(...values.map((x) => x.v)) : Math.max(...values.map((x) => x.v));
    const winners = values.filter((x) => x.v === target).map((x) => x.id);
    if (winners.length < values.length) best.set(c.id, new Set(winners));
  }
  return best;
}

/** Activating a header: the same column flips; a new one starts best first (names A→Z). */
export function nextSort(current: SummarySort, column: SummaryColumnDef): SummarySort {
  if (current.column === column.id) return { column: column.id, descending: !current.descending };
  return { column: column.id, descending: column.better === 'higher' };
}

export const DEFAULT_SUMMARY_SORT: SummarySort = { column: 'violationMean', descending: false };

/** A saved sort the report can show; a column it lacks (another operator or metric set) falls back to the default. */
export function validSummarySort(sort: Partial<SummarySort> | undefined, report: ReportView): SummarySort {
  if (!sort || typeof sort.column !== 'string' || typeof sort.descending !== 'boolean') return DEFAULT_SUMMARY_SORT;
  const column = sort.column;
  return summaryColumns(report).some((c) => c.id === column)
    ? { column, descending: sort.descending }
    : DEFAULT_SUMMARY_SORT;
}

/** The Random floor per operator (mean over seeds), and the report's mean ± spread over seeds of the operator mean. */
export interface RandomFloor {
  perOperator: Record<string, number | null>;
  mean: number | null;
  spread: number | null;
  seeds: { seed: number; mean: number | null }[];
}

export function randomFloor(report: ReportView): RandomFloor {
  const { perSeed, mean, spread } = report.random;
  const ops = report.settings.operators;
  const meanOf = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const perOperator: Record<string, number | null> = {};
  for (const op of ops)
    perOperator[op] = meanOf(perSeed.map((s) => s.violation[op]).filter((v): v is number => typeof v === 'number'));
  const seeds = perSeed.map((s) => ({
    seed: s.seed,
    mean: meanOf(ops.map((op) => s.violation[op]).filter((v): v is number => typeof v === 'number')),
  }));
  return { perOperator, mean, spread, seeds };
}
