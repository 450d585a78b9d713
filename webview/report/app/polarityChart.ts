/**
 * Chart (d): one explainer's polarity confusion matrix over all units of all samples: the sign its weight claims
 * (rows) against the sign erasing the unit measured (columns). Off-diagonal cells are violations, marked ✗ in text
 * as well as by colour; units with no sign (w = 0 or |Δ| ≈ 0) are counted apart.
 */
import type { ExplainerSummary } from '../../../src/core/datasetRun/datasetReport';
import { polarityMatrix, PolarityCell } from '../logic/chartModel';
import { formatCount } from '../logic/reportFormat';
import { formatPercent } from '../../shared/format';
import { ChartBody, chartSvg, hiddenTable, mark, svgEl } from './svg';

export const POLARITY_CHART_ID = 'chart-polarity';
const ID = POLARITY_CHART_ID;
const CELL_W = 150;
const CELL_H = 64;
const LEFT = 200;
const TOP = 44;

const claimWord = (c: PolarityCell['claims']): string =>
  c === 'supports' ? 'w > 0 (claims supports ŷ)' : 'w < 0 (claims suppresses ŷ)';
const measuredWord = (m: PolarityCell['measured']): string =>
  m === 'supports' ? 'Δ > 0 (supports ŷ)' : 'Δ < 0 (suppresses ŷ)';

export function polarityChart(explainer: ExplainerSummary | undefined, operator: string): ChartBody {
  const m = explainer?.polarity ? polarityMatrix(explainer.polarity) : undefined;
  const description =
    `Every unit of every sample under ${operator}: the sign the weight claims against the sign of Δ = p(ŷ) − p(ŷ without the unit). ` +
    'The diagonal (✓) is consistent, the other two cells (✗) are violations; shares are of the units with both signs.';
  if (explainer && !explainer.polarity)
    return {
      description,
      chart: null,
      empty: 'Not computed in this run: the matrix needs every unit erased (the token-level measure).',
    };
  if (!explainer || !m || m.total === 0) {
    return { description, chart: null, empty: 'No units counted for this explainer yet.' };
  }
  const width = LEFT + 2 * CELL_W + 10;
  const height = TOP + 2 * CELL_H + 40;
  const svg = chartSvg(`${ID}-svg`, width, height, `${ID}-title`, `${ID}-desc`);
  svg.setAttribute('data-explainer', explainer.id);
  svg.appendChild(
    svgEl(
      'text',
      { class: 'axis-title', x: LEFT + CELL_W, y: 12, 'text-anchor': 'middle', 'aria-hidden': 'true' },
      'impact: sign of Δ when erased',
    ),
  );
  (['supports', 'suppresses'] as const).forEach((measured, j) =>
    svg.appendChild(
      svgEl(
        'text',
        { class: 'tick', x: LEFT + (j + 0.5) * CELL_W, y: TOP - 10, 'text-anchor': 'middle', 'aria-hidden': 'true' },
        measuredWord(measured),
      ),
    ),
  );
  svg.appendChild(
    svgEl(
      'text',
      {
        class: 'axis-title',
        transform: `translate(12 ${TOP + CELL_H}) rotate(-90)`,
        'text-anchor': 'middle',
        'aria-hidden': 'true',
      },
      'explanation: sign of w',
    ),
  );
  m.cells.forEach((c, k) => {
    const row = c.claims === 'supports' ? 0 : 1;
    const col = c.measured === 'supports' ? 0 : 1;
    if (col === 0)
      svg.appendChild(
        svgEl(
          'text',
          {
            class: 'tick',
            x: LEFT - 8,
            y: TOP + (row + 0.5) * CELL_H,
            'text-anchor': 'end',
            'dominant-baseline': 'middle',
            'aria-hidden': 'true',
          },
          claimWord(c.claims),
        ),
      );
    const verdict = c.violates ? '✗ violation' : '✓ consistent';
    const tip = `${explainer.label}: ${claimWord(c.claims)} and ${measuredWord(c.measured)}: ${formatCount(c.count)} units (${formatPercent(c.share)} of signed units), ${verdict}`;
    const x = LEFT + col * CELL_W;
    const y = TOP + row * CELL_H;
    svg.appendChild(
      mark(
        'rect',
        {
          class: `matrix-cell ${c.violates ? 'cell-violates' : 'cell-consistent'}`,
          x: x + 1,
          y: y + 1,
          width: CELL_W - 2,
          height: CELL_H - 2,
          'fill-opacity': (0.12 + 0.78 * (c.share ?? 0)).toFixed(3),
          'data-cell': k,
          'data-count': c.count,
          'data-focus-key': `${ID}:${k}`,
        },
        tip,
      ),
    );
    svg.appendChild(
      svgEl(
        'text',
        {
          class: 'cell-text',
          x: x + CELL_W / 2,
          y: y + CELL_H / 2 - 8,
          'text-anchor': 'middle',
          'dominant-baseline': 'middle',
          'aria-hidden': 'true',
        },
        `${c.violates ? '✗' : '✓'} ${formatCount(c.count)}`,
      ),
    );
    svg.appendChild(
      svgEl(
        'text',
        {
          class: 'cell-sub',
          x: x + CELL_W / 2,
          y: y + CELL_H / 2 + 10,
          'text-anchor': 'middle',
          'dominant-baseline': 'middle',
          'aria-hidden': 'true',
        },
        formatPercent(c.share),
      ),
    );
  });
  svg.appendChild(
    svgEl(
      'text',
      { class: 'tick', x: LEFT, y: TOP + 2 * CELL_H + 22, 'aria-hidden': 'true' },
      `No sign (w = 0 or |Δ| ≈ 0): ${formatCount(m.zero)} units · violating: ${formatPercent(m.violating)} of signed units`,
    ),
  );
  const table = hiddenTable(
    `Polarity counts of ${explainer.label} (units)`,
    ['Explanation sign', measuredWord('supports'), measuredWord('suppresses')],
    [
      [claimWord('supports'), formatCount(m.cells[0].count), formatCount(m.cells[1].count)],
      [claimWord('suppresses'), formatCount(m.cells[2].count), formatCount(m.cells[3].count)],
      ['No sign', formatCount(m.zero), ''],
    ],
  );
  const note = explainer.signed
    ? ''
    : ` ${explainer.label} is unsigned: every non-zero weight claims support, so its w < 0 row is empty.`;
  return { description: description + note, chart: svg, table };
}
