/**
 * Redraws part of the report without losing the reader's place: a partial report arrives every second or so while a
 * run goes on, and the element that had focus (a sort header, a chart mark, a picker) is found again by its
 * data-focus-key or id. (The explain panel's panelApp.ts has its own, for token rows.)
 */
export function keepFocus(root: Element, redraw: () => void): void {
  const active = document.activeElement;
  let selector: string | undefined;
  if (active && active !== document.body && root.contains(active)) {
    const key = active.getAttribute('data-focus-key');
    if (key) selector = `[data-focus-key="${CSS.escape(key)}"]`;
    else if (active.id) selector = `#${CSS.escape(active.id)}`;
  }
  redraw();
  if (!selector) return;
  const again = root.querySelector<HTMLElement | SVGElement>(selector);
  if (again && again !== document.activeElement) again.focus();
}
