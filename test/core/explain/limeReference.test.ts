import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { limeProximity, limeTextWeights } from '../../../src/core/explainers/lime';
import { weightedLeastSquares } from '../../../src/core/explainers/perturbationSampling';
import { assertDeepClose } from '../../helpers/closeTo';
import { FIXTURES } from '../../helpers/paths';

interface Case {
  units: number;
  presence: number[][];
  values: number[];
  proximity: number[];
  weights: number[];
  intercept: number;
  selected: number[];
}
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference', 'lime.json'), 'utf8')) as { cases: Case[] };

describe('LIME as lime_text computes it (a numpy reimplementation of marcotcr/lime, training/reference/lime_text.py)', () => {
  for (const c of reference.cases) {
    it(`${c.units} units, ${c.presence.length} samples: the same proximity, the same selected units and the same weights`, () => {
      const coalitions = c.presence.map((row) => row.map((x) => x === 1));
      assertDeepClose(
        coalitions.map((z) => limeProximity(z.filter(Boolean).length, c.units)),
        c.proximity,
        1e-12,
      );
      const fit = limeTextWeights(coalitions, c.values);
      assert.deepEqual(fit.selected, c.selected);
      assertDeepClose(fit.weights, c.weights, 1e-7);
      assertDeepClose(fit.intercept, c.intercept, 1e-7);
    });
  }

  it('the test would catch the kernel this engine used before (exp(−d²/w²), no square root) and a fit without selection', () => {
    const c = reference.cases[1];
    const coalitions = c.presence.map((row) => row.map((x) => x === 1));
    const oldKernel = coalitions.map((z) => limeProximity(z.filter(Boolean).length, c.units) ** 2);
    const x = coalitions.map((z) => [1, ...z.map((p) => (p ? 1 : 0))]);
    const unselected = weightedLeastSquares(x, c.values, oldKernel, 1, 1).slice(1);
    const gap = Math.max(...unselected.map((w, j) => Math.abs(w - c.weights[j])));
    assert.ok(gap > 1e-3, `the old LIME differs from lime_text by ${gap}`);
    assert.equal(
      c.weights.filter((w) => w === 0).length,
      c.units - 10,
      'lime_text weighs only the 10 units it selects',
    );
  });
});
