import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleExplainer } from '../../../src/core/datasetRun/datasetReport';
import { holm, mcnemarExact, PairedTally } from '../../../src/core/datasetRun/pairedDifferences';
import { sampleExplainer } from '../../helpers/sampleExplainer';

/** An explainer's outcome on one sample: its verdict per paper operator (true = violates). */
const outcome = (violates: [boolean, boolean, boolean]): SampleExplainer => sampleExplainer(violates);
const OPS = ['delete', 'zero-embedding', 'attention-mask'] as const;

describe('paired differences between explainers', () => {
  it('McNemar is exact on the discordant samples (values from the binomial sum), and Holm steps down', () => {
    // 2·Σ_{i≤3} C(23,i)/2²³, computed independently in Python with math.comb.
    assert.ok(Math.abs(mcnemarExact(3, 20) - 0.00048828125) < 1e-12);
    assert.ok(Math.abs(mcnemarExact(20, 3) - 0.00048828125) < 1e-12, 'two-sided: symmetric');
    assert.equal(mcnemarExact(10, 10), 1);
    assert.ok(Math.abs(mcnemarExact(0, 6) - 0.03125) < 1e-12);
    assert.equal(mcnemarExact(0, 0), 1, 'no discordant sample: no evidence');
    // Holm: sorted 0.01, 0.02, 0.04 → ×3, ×2, ×1 with the running maximum; the order given is kept.
    assert.deepEqual(
      holm([0.04, 0.01, 0.02]).map((p) => +p.toFixed(12)),
      [0.04, 0.03, 0.04],
    );
    assert.deepEqual(holm([0.5, 0.9]), [1, 1], 'never below an adjusted smaller p');
  });

  it('counts the pair on the samples both ran on: the mean paired difference, its t interval, and the discordant verdicts', () => {
    const tally = new PairedTally(['a', 'b', 'c'], OPS, false);
    const rows: [boolean, boolean, boolean][][] = [
      // a, b per sample; c failed on the last sample.
      [
        [true, false, false],
        [false, false, false],
        [true, true, true],
      ],
      [
        [true, true, false],
        [false, true, false],
        [false, false, false],
      ],
      [
        [false, false, false],
        [true, false, false],
        [true, false, false],
      ],
      [
        [true, false, true],
        [false, false, false],
        [true, true, true],
      ],
    ];
    rows.forEach(([a, b, c], i) =>
      tally.addRow([
        {
          a: outcome(a),
          b: outcome(b),
          c: i === 3 ? { ...outcome(c), error: 'failed', violationMean: null } : outcome(c),
        },
      ]),
    );
    const [ab, ac, bc] = tally.build(1);
    assert.deepEqual([ab.a, ab.b, ac.b, bc.a], ['a', 'b', 'c', 'b']);
    const diffs = [1 / 3, 1 / 3, -1 / 3, 2 / 3];
    const mean = diffs.reduce((s, d) => s + d, 0) / 4;
    assert.ok(Math.abs(ab.difference.mean! - mean) < 1e-12);
    assert.equal(ab.difference.n, 4);
    const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / 3);
    // t(0.975, 3) = 3.182446305284263 (R: qt(0.975, 3)).
    assert.ok(Math.abs(ab.difference.hi! - (mean + (3.182446305284263 * sd) / 2)) < 1e-9);
    assert.deepEqual(ab.mcnemar.delete, {
      onlyA: 3,
      onlyB: 1,
      n: 4,
      p: mcnemarExact(3, 1),
      pHolm: ab.mcnemar.delete!.pHolm,
    });
    assert.deepEqual([ab.mcnemar['zero-embedding']!.onlyA, ab.mcnemar['zero-embedding']!.onlyB], [0, 0]);
    assert.equal(ac.difference.n, 3, 'c failed on one sample: that sample is left out of its pairs');
    assert.equal(ac.mcnemar.delete!.n, 3);
    // Over the family of three pairs each interval is at 1 − 0.05/3: wider, so that all three hold together.
    const adjusted = tally.build()[0].difference;
    assert.ok(Math.abs(adjusted.confidence - (1 - 0.05 / 3)) < 1e-12 && adjusted.hi! > ab.difference.hi!);
    // Holm over the three pairs under delete.
    const p = [ab, ac, bc].map((x) => x.mcnemar.delete!.p);
    assert.deepEqual(
      [ab, ac, bc].map((x) => x.mcnemar.delete!.pHolm),
      holm(p),
    );
  });

  it('leaves out the operators marked † (by construction) for either explainer, in the difference and in McNemar', () => {
    const tally = new PairedTally(['occlusion', 'b'], OPS, false);
    const fitted = (v: [boolean, boolean, boolean]) => ({
      ...outcome(v),
      byConstruction: { delete: 'exact: its weights are the Δs' },
    });
    tally.addRow([{ occlusion: fitted([false, true, false]), b: outcome([true, false, false]) }]);
    tally.addRow([{ occlusion: fitted([false, false, true]), b: outcome([true, false, false]) }]);
    const [pair] = tally.build(1);
    // Over zero-embedding and attention-mask only: (½ − 0) and (½ − 0).
    assert.equal(pair.difference.mean, 0.5);
    assert.equal(pair.mcnemar.delete, undefined, 'no McNemar under the marked operator');
    assert.deepEqual([pair.mcnemar['zero-embedding']!.onlyA, pair.mcnemar['zero-embedding']!.n], [1, 2]);
    // Each side's own share over the same operators and samples: A's ½ and ½, B's 0 and 0.
    const [sides] = tally.shares();
    assert.deepEqual([sides.a.n, sides.a.mean, sides.b.mean], [2, 0.5, 0]);
  });

  it("a multi-label row's labels are averaged into one paired difference, and McNemar is left out", () => {
    const tally = new PairedTally(['a', 'b'], OPS, true);
    tally.addRow([
      { a: outcome([true, true, true]), b: outcome([false, false, false]) },
      { a: outcome([false, false, false]), b: outcome([false, false, false]) },
    ]);
    tally.addRow([{ a: outcome([false, false, false]), b: outcome([true, true, true]) }]);
    const [ab] = tally.build();
    assert.equal(ab.difference.n, 2, 'one value per row');
    assert.ok(Math.abs(ab.difference.mean! - (0.5 - 1) / 2) < 1e-12);
    assert.deepEqual(ab.mcnemar, {});
  });
});
