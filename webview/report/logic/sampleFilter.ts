/**
 * The sample browser's filters and order, DOM-free: what a view shows is a list of indices into
 * ReportView.sampleRows, computed here in one pass (fast enough for 100,000 rows on every keystroke).
 */
import type { ReportView, SampleRow } from '../../../src/core/datasetRun/datasetReport';
import type { SampleFilters, SampleSort } from '../../../src/pages/report/reportProtocol';
import { compareValues } from '../../shared/sortOrder';

export type ViolationState = 'violates' | 'consistent' | 'none';

/** A sample's verdict for one explainer: violates when its top unit was wrong under at least one paper operator. */
export function violationState(share: number | null | undefined): ViolationState {
  if (share === null || share === undefined || !Number.isFinite(share)) return 'none';
  return share > 0 ? 'violates' : 'consistent';
}

/** The column of SampleRow.violation an explainer's values are in (-1 when the report lacks it). */
export function explainerColumn(report: Pick<ReportView, 'explainers'>, id: string | undefined): number {
  if (id === undefined) return report.explainers.length > 0 ? 0 : -1;
  return report.explainers.findIndex((e) => e.id === id);
}

const lowered = new WeakMap<readonly SampleRow[], string[]>();

/** Lower-cased texts for search, computed once per rows array. */
function lowerTexts(rows: readonly SampleRow[]): string[] {
  let texts = lowered.get(rows);
  if (!texts) lowered.set(rows, (texts = rows.map((r) => r.text.toLowerCase())));
  return texts;
}

export function matchesCorrectness(row: SampleRow, filter: SampleFilters['correctness']): boolean {
  switch (filter) {
    case 'correct':
      return row.correct === true;
    case 'wrong':
      return row.correct === false;
    case 'unlabelled':
      return row.correct === null;
    default:
      return true;
  }
}

/** Indices of the rows every filter accepts, in the rows' order. `column`: the filter explainer's violation column. */
export function filterSamples(rows: readonly SampleRow[], filters: SampleFilters, column: number): number[] {
  const query = filters.search.trim().toLowerCase();
  const texts = query ? lowerTexts(rows) : undefined;
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (filters.label !== undefined && r.label !== filters.label) continue;
    if (filters.prediction !== undefined && r.prediction !== filters.prediction) continue;
    if (!matchesCorrectness(r, filters.correctness)) continue;
    if (filters.violation !== 'any' && violationState(column >= 0 ? r.violation[column] : null) !== filters.violation)
      continue;
    if (texts && !texts[i].includes(query)) continue;
    out.push(i);
  }
  return out;
}

/** The key a row sorts by; ties always fall back to the row number ascending. */
function sortKey(row: SampleRow, sort: SampleSort, column: number): number | null {
  switch (sort.key) {
    case 'confidence':
      return row.probability;
    case 'violation':
      return column >= 0 ? row.violation[column] : null;
    default:
      return row.row;
  }
}

/** Orders filtered indices (a new array); missing violations sort last in both directions. */
export function sortSamples(
  rows: readonly SampleRow[],
  indices: readonly number[],
  sort: SampleSort,
  column: number,
): number[] {
  if (sort.key === 'row' && !sort.descending) return [...indices].sort((a, b) => rows[a].row - rows[b].row);
  const keys = new Map(indices.map((i) => [i, sortKey(rows[i], sort, column)]));
  return [...indices].sort(
    (a, b) => compareValues(keys.get(a)!, keys.get(b)!, sort.descending) || rows[a].row - rows[b].row,
  );
}

/** What the browser shows: filtered, then sorted. */
export function visibleSamples(
  report: Pick<ReportView, 'explainers' | 'sampleRows'>,
  filters: SampleFilters,
  sort: SampleSort,
): number[] {
  const column = explainerColumn(report, filters.explainer);
  return sortSamples(report.sampleRows, filterSamples(report.sampleRows, filters, column), sort, column);
}

/** The gold labels present (null first when some rows have none), then the model's classes, each once. */
export function distinctLabels(rows: readonly SampleRow[]): (string | null)[] {
  const seen = new Set<string | null>();
  for (const r of rows) seen.add(r.label);
  const labels = [...seen]
    .filter((l): l is string => l !== null)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return seen.has(null) ? [null, ...labels] : labels;
}

export const DEFAULT_FILTERS: SampleFilters = { correctness: 'any', violation: 'any', search: '' };
export const DEFAULT_SAMPLE_SORT: SampleSort = { key: 'row', descending: false };
