import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleRecord } from '../../../src/core/dataset/datasetReport';
import { ReportBuilder } from '../../../src/core/dataset/reportBuilder';

/** A record whose explainer "occlusion" violates under delete only, with the given Random verdicts. */
function record(row: number, random: (boolean | null)[][], correct: boolean | null): SampleRecord {
  return {
    row, line: row + 2, text: `text ${row}`, label: correct === null ? null : 'positive', labelIndex: correct === null ? null : 1,
    prediction: { index: 1, label: 'positive', probability: 0.9 }, correct, units: 5, truncated: false, ms: 10, random,
    explainers: {
      occlusion: {
        topText: 'bad', violationMean: 1 / 3, tokenLevelRate: 0.2, weightedRate: 0.1, metrics: { aopc: 0.5 }, polarity: [1, 1, 1, 1, 1], ms: 4,
        verdicts: { delete: { unit: 0, weight: 1, delta: -0.1, violates: true }, 'attention-mask': { unit: 0, weight: 1, delta: 0.1, violates: false } },
      },
    },
  };
}

describe('ReportBuilder', () => {
  it('counts each operator over the samples it ran on, and leaves out of the Random floor an operator the model cannot run', () => {
    const builder = new ReportBuilder(['occlusion'], 'delete');
    // zero-embedding never ran (null): the floor averages delete and attention-mask only.
    builder.add(record(0, [[true, null, false], [false, null, false], [true, null, true]], true));
    builder.add(record(1, [[true, null, true], [false, null, false], [false, null, true]], null));
    const s = builder.summary();
    assert.deepEqual(s.random.perSeed.map((p) => p.violation), [
      { delete: 1, 'attention-mask': 0.5 },
      { delete: 0, 'attention-mask': 0 },
      { delete: 0.5, 'attention-mask': 1 },
    ]);
    assert.equal(s.random.mean, (0.75 + 0 + 0.75) / 3);
    assert.equal(s.random.spread, 0.75);
    const e = s.explainers[0];
    assert.deepEqual([e.violation.delete!.k, e.violation.delete!.n, e.violation['attention-mask']!.k], [2, 2, 0]);
    assert.equal(e.violation['zero-embedding'], undefined);
    assert.equal(e.violationMean.mean, 1 / 3);
    assert.deepEqual(e.polarity, [2, 2, 2, 2, 2]);
    assert.deepEqual([s.accuracy!.k, s.accuracy!.n], [1, 1], 'the unlabelled row is not counted');
    assert.deepEqual(s.violationTokens.byClass.positive.occlusion, [['bad', 2]]);
  });
});
