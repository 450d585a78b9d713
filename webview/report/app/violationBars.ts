/**
 * Chart (a): the violation ratio of every explainer under each paper operator as grouped bars (operators told apart
 * by fill pattern as well as colour), with the Random floor as a dashed reference line.
 */
import type { ReportView } from '../../../src/core/datasetRun/datasetReport';
import { clip, niceMax, ticks } from '../logic/chartModel';
import { formatFixed, formatInterval, formatCount } from '../logic/reportFormat';
import { operatorTitle, randomFloor } from '../logic/reportSummary';
import { el } from '../../shared/dom';
import { ChartBody, chartSvg, hiddenTable, mark, Plot, svgEl, xAxis, yAxis } from './svg';

const BAR = 11;
const GAP = 16;
export const VIOLATION_CHART_ID = 'chart-violation';
const ID = VIOLATION_CHART_ID;

/** One <pattern> per operator: solid, diagonal hatch, dots (drawn in the series colour with background lines). */
function patterns(count: number): SVGDefsElement {
  const defs = svgEl('defs');
  for (let i = 0; i < count; i++) {
    const pattern = svgEl(
      'pattern',
      {
        id: `${ID}-pattern-${i}`,
        width: 6,
        height: 6,
        patternUnits: 'userSpaceOnUse',
        patternTransform: i === 1 ? 'rotate(45)' : undefined,
      },
      svgEl('rect', { class: `series-fill series-${i}`, width: 6, height: 6 }),
    );
    if (i % 3 === 1) pattern.appendChild(svgEl('line', { class: 'pattern-ink', x1: 0, y1: 0, x2: 0, y2: 6 }));
    if (i % 3 === 2) pattern.appendChild(svgEl('circle', { class: 'pattern-ink-fill', cx: 3, cy: 3, r: 1.2 }));
    defs.appendChild(pattern);
  }
  return defs;
}

/** A legend swatch: a small square in the operator's pattern. */
function swatch(i: number): SVGSVGElement {
  return svgEl(
    'svg',
    { class: 'legend-swatch-svg', width: 14, height: 14, 'aria-hidden': 'true' },
    svgEl('rect', { class: 'bar-outline', x: 0.5, y: 0.5, width: 13, height: 13, fill: `url(#${ID}-pattern-${i})` }),
  );
}

export function violationBars(report: ReportView): ChartBody {
  const ops = report.settings.operators;
  const explainers = report.explainers;
  const floor = randomFloor(report);
  const values = explainers.flatMap((e) => ops.map((o) => e.violation[o]?.ratio ?? 0));
  const max = niceMax(Math.max(0.05, floor.mean ?? 0, ...values));
  const group = ops.length * BAR + GAP;
  const plot: Plot = { left: 56, top: 18, width: Math.max(240, explainers.length * group), height: 200 };
  const labelSpace = 120;
  const width = plot.left + plot.width + 130;
  const height = plot.top + plot.height + labelSpace;
  const y = (v: number): number => plot.top + plot.height - (plot.height * Math.min(v, max)) / max;
  const hasData = explainers.some((e) =>
    ops.some((o) => e.violation[o]?.ratio !== null && e.violation[o]?.ratio !== undefined),
  );

  const svg = chartSvg(`${ID}-svg`, width, height, `${ID}-title`, `${ID}-desc`);
  svg.appendChild(patterns(ops.length));
  svg.appendChild(yAxis(plot, max, ticks(max, 5), (v) => formatFixed(v, 2), 'violation ratio (share of samples)'));
  explainers.forEach((e, i) => {
    const x0 = plot.left + GAP / 2 + i * group;
    const g = svgEl('g', { class: 'bar-group', 'data-explainer': e.id });
    ops.forEach((o, j) => {
      const p = e.violation[o];
      const ratio = p?.ratio ?? null;
      const interval = p ? formatInterval(p.lo, p.hi) : '';
      const tip =
        ratio === null
          ? `${e.label}, ${operatorTitle(o)}: not run`
          : `${e.label}, ${operatorTitle(o)}: violation ratio ${formatFixed(ratio)} (${formatCount(p!.k)} of ${formatCount(p!.n)} samples${interval ? `; 95% CI ${interval}` : ''})`;
      const top = y(ratio ?? 0);
      g.appendChild(
        mark(
          'rect',
          {
            class: 'bar bar-outline',
            x: x0 + j * BAR,
            y: top,
            width: BAR - 1,
            height: Math.max(ratio === null ? 0 : 0.5, plot.top + plot.height - top),
            fill: `url(#${ID}-pattern-${j})`,
            'data-operator': o,
            'data-value': ratio ?? '',
            'data-focus-key': `${ID}:${e.id}:${o}`,
          },
          tip,
        ),
      );
    });
    const cx = x0 + (ops.length * BAR) / 2;
    g.appendChild(
      svgEl(
        'text',
        {
          class: 'tick x-label',
          transform: `translate(${cx} ${plot.top + plot.height + 8}) rotate(-40)`,
          'text-anchor': 'end',
          'dominant-baseline': 'middle',
          'aria-hidden': 'true',
        },
        svgEl('title', {}, e.label),
        clip(e.label, 20),
      ),
    );
    svg.appendChild(g);
  });
  if (floor.mean !== null) {
    const fy = y(floor.mean);
    const tip = `Random floor: violation ratio ${formatFixed(floor.mean)} (mean over ${floor.seeds.length} seeds of the operator mean${floor.spread !== null ? `, spread ${formatFixed(floor.spread)}` : ''})`;
    svg.appendChild(
      mark(
        'line',
        {
          class: 'reference-line',
          'data-focus-key': `${ID}:random`,
          x1: plot.left,
          x2: plot.left + plot.width,
          y1: fy,
          y2: fy,
        },
        tip,
      ),
    );
    svg.appendChild(
      svgEl(
        'text',
        {
          class: 'reference-label',
          x: plot.left + plot.width + 6,
          y: fy,
          'dominant-baseline': 'middle',
          'aria-hidden': 'true',
        },
        `Random ${formatFixed(floor.mean)}`,
      ),
    );
  }
  svg.appendChild(xAxis(plot, 'explainer', height - 6));

  const legend = el(
    'ul',
    { class: 'legend chart-legend', attrs: { 'aria-label': 'Operators' } },
    ...ops.map((o, i) => el('li', { class: 'legend-item' }, swatch(i), operatorTitle(o))),
    floor.seeds.length > 0 &&
      el(
        'li',
        { class: 'legend-item' },
        svgEl(
          'svg',
          { class: 'legend-swatch-svg', width: 22, height: 14, 'aria-hidden': 'true' },
          svgEl('line', { class: 'reference-line', x1: 0, x2: 22, y1: 7, y2: 7 }),
        ),
        'Random floor',
      ),
  );
  const table = hiddenTable(
    'Violation ratio (share of samples) per explainer and operator',
    ['Explainer', ...ops.map(operatorTitle)],
    [
      ...explainers.map((e) => [e.label, ...ops.map((o) => formatFixed(e.violation[o]?.ratio))]),
      ...(floor.seeds.length
        ? [['Random floor (mean of seeds)', ...ops.map((o) => formatFixed(floor.perOperator[o]))]]
        : []),
    ],
  );
  return {
    description: `Share of samples whose top unit’s sign is wrong, under each of the paper’s operators; lower is better. ${floor.seeds.length ? `The dashed line is the Random floor${floor.mean !== null ? ` (${formatFixed(floor.mean)})` : ''}: an explainer near it does no better than chance.` : 'The Random floor was not computed in this run (--measure random-floor).'}`,
    legend,
    chart: hasData ? svg : null,
    empty: 'No explainer has run on a sample yet.',
    table,
  };
}
