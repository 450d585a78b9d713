/**
 * The virtual list's arithmetic: which rows of a fixed-row-height list a scroll position shows, and where to scroll
 * to bring a row into view. DOM-free, so the maths is tested without a browser.
 */

export interface WindowRange {
  /** First row to render (inclusive) and the row after the last (exclusive). */
  start: number;
  end: number;
  /** The first rendered row's top, in pixels from the top of the list. */
  top: number;
  /** Height of the whole list. */
  height: number;
}

/** The rows intersecting [scrollTop, scrollTop + viewport), plus `overscan` rows either side, clamped to the list. */
export function virtualWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): WindowRange {
  const height = Math.max(0, count * rowHeight);
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, top: 0, height };
  const top = clampScroll(scrollTop, viewport, rowHeight, count);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewport)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, top: start * rowHeight, height };
}

/** A scroll offset the list can have: 0 to its height minus the viewport. */
export function clampScroll(scrollTop: number, viewport: number, rowHeight: number, count: number): number {
  const max = Math.max(0, count * rowHeight - viewport);
  return Number.isFinite(scrollTop) ? Math.min(max, Math.max(0, scrollTop)) : 0;
}

/** The scroll offset that shows row `index` whole, moving as little as possible (unchanged when it is visible). */
export function revealRow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const rowTop = index * rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowTop + rowHeight > scrollTop + viewport) return Math.max(0, rowTop + rowHeight - viewport);
  return scrollTop;
}

/** How many whole rows a viewport shows (at least 1): the step of PageUp/PageDown. */
export function rowsPerPage(viewport: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewport / rowHeight));
}
