/**
 * Inline SVG built like dom.ts builds HTML: createElementNS, attributes and text nodes only, so a token such as
 * `<img src=x onerror=…>` in a chart label is text. Plus the pieces every chart shares: a <title> for hover, axes,
 * and the visually-hidden table that is each chart's text alternative.
 */
import { append, Child, el, replaceChildren } from '../../shared/dom';

const NS = 'http://www.w3.org/2000/svg';

export type SvgAttrs = Record<string, string | number | undefined>;

export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, String(value));
  append(node, ...children);
  return node;
}

/**
 * A chart mark the reader can reach: hover shows its <title>, keyboard focus (chartFocus.ts) its data-tip, and
 * assistive technology reads its aria-label. All three carry the same sentence.
 */
export function mark<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs,
  tip: string,
): SVGElementTagNameMap[K] {
  return svgEl(
    tag,
    {
      ...attrs,
      class: `mark ${attrs.class ?? ''}`.trim(),
      role: 'img',
      'aria-label': tip,
      'data-tip': tip,
      tabindex: -1,
    },
    svgEl('title', {}, tip),
  );
}

/** The root <svg>: fixed pixel size (the wrapper scrolls), a group named by the figure's caption. */
export function chartSvg(
  id: string,
  width: number,
  height: number,
  labelledBy: string,
  describedBy: string,
): SVGSVGElement {
  return svgEl('svg', {
    id,
    class: 'chart-svg',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'group',
    'aria-labelledby': labelledBy,
    'aria-describedby': describedBy,
  });
}

export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A y axis from 0 to max with gridlines, tick labels and a rotated axis title. */
export function yAxis(
  plot: Plot,
  max: number,
  tickValues: number[],
  format: (x: number) => string,
  title: string,
): SVGGElement {
  const y = (v: number): number => plot.top + plot.height - (plot.height * v) / (max || 1);
  return svgEl(
    'g',
    { class: 'axis y-axis', 'aria-hidden': 'true' },
    ...tickValues.map((v) =>
      svgEl(
        'g',
        {},
        svgEl('line', { class: 'grid', x1: plot.left, x2: plot.left + plot.width, y1: y(v), y2: y(v) }),
        svgEl(
          'text',
          { class: 'tick', x: plot.left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' },
          format(v),
        ),
      ),
    ),
    svgEl('line', { class: 'axis-line', x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.top + plot.height }),
    svgEl(
      'text',
      {
        class: 'axis-title',
        transform: `translate(${plot.left - 40} ${plot.top + plot.height / 2}) rotate(-90)`,
        'text-anchor': 'middle',
      },
      title,
    ),
  );
}

/** The x axis's baseline and its title under the plot. */
export function xAxis(plot: Plot, title: string, titleY: number): SVGGElement {
  const bottom = plot.top + plot.height;
  return svgEl(
    'g',
    { class: 'axis x-axis', 'aria-hidden': 'true' },
    svgEl('line', { class: 'axis-line', x1: plot.left, x2: plot.left + plot.width, y1: bottom, y2: bottom }),
    svgEl('text', { class: 'axis-title', x: plot.left + plot.width / 2, y: titleY, 'text-anchor': 'middle' }, title),
  );
}

/** A chart's numbers as a table only assistive technology sees (the chart's full text alternative). */
export function hiddenTable(caption: string, headers: string[], rows: string[][]): HTMLElement {
  return el(
    'div',
    { class: 'sr-only' },
    el(
      'table',
      {},
      el('caption', { text: caption }),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el(
        'tbody',
        {},
        ...rows.map((r) =>
          el(
            'tr',
            {},
            ...r.map((c, i) => (i === 0 ? el('th', { text: c, attrs: { scope: 'row' } }) : el('td', { text: c }))),
          ),
        ),
      ),
    ),
  );
}

/** What a chart draws for the current report: replaced on every update, while its figure and pickers stay. */
export interface ChartBody {
  /** One or two sentences on what is plotted and how to read it. */
  description: string;
  legend?: HTMLElement | null;
  chart: Element | null;
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string;
  table?: HTMLElement | null;
}

/** A chart's <figure>, built once: caption (title, then how to read it), pickers, and the body fillFigure replaces. */
export function figureShell(id: string, title: string, controls?: HTMLElement | null): HTMLElement {
  return el(
    'figure',
    { id, class: 'chart' },
    el(
      'figcaption',
      {},
      el('h3', { id: `${id}-title`, class: 'chart-title', text: title }),
      el('p', { id: `${id}-desc`, class: 'muted chart-desc' }),
    ),
    controls,
    el('div', { class: 'chart-body' }),
  );
}

/** Draws a body into its figure: the description, legend, the SVG (or why there is none), a readout, the table. */
export function fillFigure(figure: HTMLElement, body: ChartBody): void {
  const desc = figure.querySelector('.chart-desc');
  if (desc) desc.textContent = body.description;
  const slot = figure.querySelector('.chart-body');
  if (!slot) return;
  replaceChildren(
    slot,
    body.chart ? body.legend : null,
    body.chart
      ? el('div', { class: 'chart-wrap' }, body.chart)
      : el('p', { class: 'muted empty', text: body.empty ?? 'Nothing to draw yet.' }),
    el('p', { class: 'chart-readout', attrs: { 'aria-hidden': 'true' } }),
    body.chart ? body.table : null,
  );
}
