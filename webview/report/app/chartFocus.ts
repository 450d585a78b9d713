/**
 * Keyboard and hover reading of chart marks: each chart is one tab stop (roving tabindex); arrow keys, Home and End
 * move between its marks, and the focused or hovered mark's sentence shows in the figure's readout line.
 */

const MARK = '.mark';

function marks(svg: Element): SVGElement[] {
  return Array.from(svg.querySelectorAll<SVGElement>(MARK));
}

function show(figure: Element, mark: Element): void {
  const readout = figure.querySelector('.chart-readout');
  if (readout) readout.textContent = mark.getAttribute('data-tip') ?? '';
}

/** Wires every chart SVG inside `root` (call again after a chart is redrawn: it only touches new ones). */
export function enableChartFocus(root: HTMLElement): void {
  for (const svg of root.querySelectorAll<SVGSVGElement>('svg.chart-svg:not([data-focus-ready])')) {
    svg.setAttribute('data-focus-ready', '');
    const all = marks(svg);
    all.forEach((m, i) => m.setAttribute('tabindex', i === 0 ? '0' : '-1'));
    const figure = svg.closest('figure') ?? svg;
    const focusAt = (i: number): void => {
      const list = marks(svg);
      const j = Math.max(0, Math.min(list.length - 1, i));
      list.forEach((m, k) => m.setAttribute('tabindex', k === j ? '0' : '-1'));
      list[j]?.focus();
    };
    svg.addEventListener('keydown', (event) => {
      const current = (event.target as Element).closest(MARK);
      if (!current) return;
      const i = marks(svg).indexOf(current as SVGElement);
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (step !== undefined) focusAt(i + step);
      else if (event.key === 'Home') focusAt(0);
      else if (event.key === 'End') focusAt(Number.MAX_SAFE_INTEGER);
      else return;
      event.preventDefault();
    });
    svg.addEventListener('focusin', (event) => {
      const current = (event.target as Element).closest(MARK);
      if (!current) return;
      for (const m of marks(svg)) m.setAttribute('tabindex', m === current ? '0' : '-1');
      show(figure, current);
    });
    svg.addEventListener('mouseover', (event) => {
      const current = (event.target as Element).closest(MARK);
      if (current) show(figure, current);
    });
  }
}
