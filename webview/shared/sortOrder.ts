/** How both webviews order their sortable tables, so the panel's summary and the report's tables cannot drift apart. */

export type SortValue = number | string | null;

/**
 * Compares two values, numbers or names; missing values sort last in both directions, so "descending" never floats
 * the explainers that did not run (or samples it did not explain) to the top. Ties return 0 so callers break them by
 * their own stable order.
 */
export function compareValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c =
    typeof a === 'string' || typeof b === 'string'
      ? String(a).localeCompare(String(b), undefined, { sensitivity: 'base', numeric: true })
      : a - b;
  return descending ? -c : c;
}

/** A header's aria-sort: its direction when the table is sorted by it, else none. */
export function ariaSort<C extends string>(
  sort: { column: C; descending: boolean },
  column: C,
): 'ascending' | 'descending' | 'none' {
  if (sort.column !== column) return 'none';
  return sort.descending ? 'descending' : 'ascending';
}
