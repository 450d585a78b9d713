/**
 * One comparison for every sortable thing in the report: numbers or names, missing values last in both directions,
 * so "descending" never floats the explainers that did not run (or samples it did not explain) to the top.
 */

export type SortValue = number | string | null;

/** Compares two values; ties return 0 so callers break them by their own stable order. */
export function compareValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c = typeof a === 'string' || typeof b === 'string' ? String(a).localeCompare(String(b), undefined, { sensitivity: 'base', numeric: true }) : a - b;
  return descending ? -c : c;
}
