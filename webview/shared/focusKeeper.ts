/** Keeps the reader's place across a redraw (both webviews redraw whole sections): the focused element is found again. */

/**
 * Redraws a section and puts focus back on the element that had it, found by its data-focus-key or id, else by the
 * page's own `locate` (the panel's tokens have neither). SVG chart marks count too.
 */
export function keepFocus(
  root: Element,
  redraw: () => void,
  locate: (active: Element) => string | undefined = () => undefined,
): void {
  const active = document.activeElement;
  let selector: string | undefined;
  if (active && active !== document.body && root.contains(active)) {
    const key = active.getAttribute('data-focus-key');
    if (key) selector = `[data-focus-key="${CSS.escape(key)}"]`;
    else if (active.id) selector = `#${CSS.escape(active.id)}`;
    else selector = locate(active);
  }
  redraw();
  if (!selector) return;
  const again = root.querySelector<HTMLElement | SVGElement>(selector);
  if (again && again !== document.activeElement) again.focus();
}
