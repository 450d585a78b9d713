/**
 * Charts (b) and (c): the violation mean per bin of input length and of model confidence, one line per explainer the
 * reader picked (series differ by colour, marker shape and dash), points with their values on hover and focus.
 */
import type { BinRow, ExplainerSummary } from '../../../src/core/datasetRun/datasetReport';
import { DASHES, MARKERS, markerPath, niceMax, ticks } from '../logic/chartModel';
import { formatCount, formatFixed } from '../logic/reportFormat';
import { el } from '../../shared/dom';
import { ChartBody, chartSvg, hiddenTable, mark, Plot, svgEl, xAxis, yAxis } from './svg';

const SERIES_COLOURS = 6;

function seriesStyle(i: number): { colour: string; marker: (typeof MARKERS)[number]; dash: string } {
  return {
    colour: `series-${i % SERIES_COLOURS}`,
    marker: MARKERS[i % MARKERS.length],
    dash: DASHES[i % DASHES.length],
  };
}

/** The legend swatch of series i: its dash and its marker. */
function swatch(i: number): SVGSVGElement {
  const s = seriesStyle(i);
  return svgEl(
    'svg',
    { class: 'legend-swatch-svg', width: 26, height: 14, 'aria-hidden': 'true' },
    svgEl('line', {
      class: `series-line ${s.colour}`,
      x1: 1,
      x2: 25,
      y1: 7,
      y2: 7,
      'stroke-dasharray': s.dash || undefined,
    }),
    svgEl('path', { class: `series-marker ${s.colour}`, d: markerPath(s.marker, 13, 7, 3.5) }),
  );
}

export interface BinChartSpec {
  id: string;
  /** What the bins are, for the hidden table's caption. */
  what: string;
  description: string;
  xTitle: string;
  bins: BinRow[];
  explainers: ExplainerSummary[];
}

export function binChart(spec: BinChartSpec): ChartBody {
  const { bins, explainers } = spec;
  const values = bins.flatMap((b) => explainers.map((e) => b.violation[e.id] ?? 0));
  const max = niceMax(Math.max(0.05, ...values));
  const step = 96;
  const plot: Plot = { left: 56, top: 14, width: Math.max(1, bins.length) * step, height: 170 };
  const width = plot.left + plot.width + 16;
  const height = plot.top + plot.height + 64;
  const x = (i: number): number => plot.left + (i + 0.5) * step;
  const y = (v: number): number => plot.top + plot.height - (plot.height * Math.min(v, max)) / max;

  const svg = chartSvg(`${spec.id}-svg`, width, height, `${spec.id}-title`, `${spec.id}-desc`);
  svg.appendChild(yAxis(plot, max, ticks(max, 5), (v) => formatFixed(v, 2), 'violation mean'));
  bins.forEach((b, i) =>
    svg.appendChild(
      svgEl(
        'text',
        {
          class: 'tick x-label',
          x: x(i),
          y: plot.top + plot.height + 16,
          'text-anchor': 'middle',
          'aria-hidden': 'true',
        },
        b.label,
        svgEl('tspan', { x: x(i), dy: 13, class: 'tick-sub' }, `n = ${formatCount(b.samples)}`),
      ),
    ),
  );
  explainers.forEach((e, k) => {
    const s = seriesStyle(k);
    const g = svgEl('g', { class: 'series', 'data-explainer': e.id });
    // Lines join consecutive bins with a value; a bin where the explainer did not run breaks the line.
    let path = '';
    let pen = false;
    bins.forEach((b, i) => {
      const v = b.violation[e.id];
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${x(i)} ${y(v)}`;
      pen = true;
    });
    if (path)
      g.appendChild(
        svgEl('path', {
          class: `series-line ${s.colour}`,
          d: path,
          'stroke-dasharray': s.dash || undefined,
          'aria-hidden': 'true',
        }),
      );
    bins.forEach((b, i) => {
      const v = b.violation[e.id];
      if (v === null || v === undefined) return;
      const tip = `${e.label}, ${b.label} (${formatCount(b.samples)} samples): violation mean ${formatFixed(v)}`;
      g.appendChild(
        mark(
          'path',
          {
            class: `point series-marker ${s.colour}`,
            d: markerPath(s.marker, x(i), y(v), 4),
            'data-bin': b.label,
            'data-value': v,
            'data-focus-key': `${spec.id}:${e.id}:${i}`,
          },
          tip,
        ),
      );
    });
    svg.appendChild(g);
  });
  svg.appendChild(xAxis(plot, spec.xTitle, height - 6));

  const legend = el(
    'ul',
    { class: 'legend chart-legend', attrs: { 'aria-label': 'Explainers' } },
    ...explainers.map((e, k) =>
      el('li', { class: 'legend-item', attrs: { 'data-explainer': e.id } }, swatch(k), e.label),
    ),
  );
  const table = hiddenTable(
    `Violation mean per ${spec.what} bin`,
    ['Bin', 'Samples', ...explainers.map((e) => e.label)],
    bins.map((b) => [b.label, formatCount(b.samples), ...explainers.map((e) => formatFixed(b.violation[e.id]))]),
  );
  const drawable = bins.length > 0 && explainers.length > 0;
  return {
    description: spec.description,
    legend,
    chart: drawable ? svg : null,
    empty: bins.length === 0 ? 'No samples yet.' : 'Pick at least one explainer to draw.',
    table,
  };
}
