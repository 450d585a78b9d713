/**
 * Chart (e): the tokens that were most often the violating top unit, for one predicted class and one explainer, as
 * horizontal bars with their counts. Token text goes into <text> nodes as text, whatever it contains.
 */
import type { ReportView } from '../../../src/core/datasetRun/datasetReport';
import { clip, violationTokens } from '../logic/chartModel';
import { formatCount } from '../logic/reportFormat';
import { ChartBody, chartSvg, hiddenTable, mark, svgEl } from './svg';

export const TOKEN_CHART_ID = 'chart-tokens';
const ID = TOKEN_CHART_ID;
const ROW = 22;
const LEFT = 170;
const BAR_MAX = 300;

export function tokenChart(report: ReportView, cls: string | undefined, explainerId: string | undefined): ChartBody {
  const explainer = report.explainers.find((e) => e.id === explainerId);
  const tokens = violationTokens(report, cls, explainerId);
  const description = `Under ${report.settings.operator}: how often each token was the top unit of a violating explanation, among samples predicted as the chosen class.`;
  if (!explainer || tokens.length === 0) {
    return { description, chart: null, empty: 'No violating top tokens for this class and explainer.' };
  }
  const max = Math.max(1, ...tokens.map((t) => t[1]));
  const height = tokens.length * ROW + 40;
  const width = LEFT + BAR_MAX + 70;
  const svg = chartSvg(`${ID}-svg`, width, height, `${ID}-title`, `${ID}-desc`);
  tokens.forEach(([token, count], i) => {
    const y = 6 + i * ROW;
    const w = Math.max(1, (BAR_MAX * count) / max);
    const tip = `“${token}”: top unit of ${formatCount(count)} violating ${explainer.label} explanations of samples predicted ${cls ?? ''}`;
    svg.appendChild(
      svgEl(
        'text',
        {
          class: 'tick token-label',
          x: LEFT - 8,
          y: y + ROW / 2 - 2,
          'text-anchor': 'end',
          'dominant-baseline': 'middle',
          'aria-hidden': 'true',
        },
        svgEl('title', {}, token),
        clip(token, 24),
      ),
    );
    svg.appendChild(
      mark(
        'rect',
        {
          class: 'bar token-bar series-fill series-0',
          x: LEFT,
          y,
          width: w,
          height: ROW - 6,
          'data-token': token,
          'data-value': count,
          'data-focus-key': `${ID}:${i}`,
        },
        tip,
      ),
    );
    svg.appendChild(
      svgEl(
        'text',
        { class: 'tick', x: LEFT + w + 6, y: y + ROW / 2 - 2, 'dominant-baseline': 'middle', 'aria-hidden': 'true' },
        formatCount(count),
      ),
    );
  });
  svg.appendChild(
    svgEl('line', {
      class: 'axis-line',
      x1: LEFT,
      x2: LEFT,
      y1: 2,
      y2: tokens.length * ROW + 4,
      'aria-hidden': 'true',
    }),
  );
  svg.appendChild(
    svgEl(
      'text',
      { class: 'axis-title', x: LEFT + BAR_MAX / 2, y: height - 8, 'text-anchor': 'middle', 'aria-hidden': 'true' },
      'violating samples (count)',
    ),
  );
  const table = hiddenTable(
    `Tokens most often the violating top unit: ${explainer.label}, predicted ${cls ?? ''}`,
    ['Token', 'Violating samples'],
    tokens.map(([t, c]) => [t, formatCount(c)]),
  );
  return { description, chart: svg, table };
}
