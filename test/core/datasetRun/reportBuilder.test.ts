import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleRecord } from '../../../src/core/datasetRun/datasetReport';
import { ReportBuilder } from '../../../src/core/datasetRun/reportBuilder';

/** A record whose explainer "occlusion" violates under delete only, with the given Random verdicts. */
function record(row: number, random: (boolean | null)[][], correct: boolean | null): SampleRecord {
  return {
    row,
    line: row + 2,
    text: `text ${row}`,
    label: correct === null ? null : 'positive',
    labelIndex: correct === null ? null : 1,
    prediction: { index: 1, label: 'positive', probability: 0.9 },
    correct,
    units: 5,
    truncated: false,
    ms: 10,
    random,
    explainers: {
      occlusion: {
        topText: 'bad',
        violationMean: 1 / 3,
        tokenLevelRate: 0.2,
        weightedRate: 0.1,
        metrics: { aopc: 0.5 },
        polarity: [1, 1, 1, 1, 1],
        ms: 4,
        verdicts: {
          delete: { unit: 0, weight: 1, delta: -0.1, violates: true },
          'attention-mask': { unit: 0, weight: 1, delta: 0.1, violates: false },
        },
      },
    },
  };
}

describe('ReportBuilder', () => {
  it('groups single-label samples by ŷ and by gold label with a confusion matrix; none for a multi-label run', () => {
    const names = ['negative', 'positive'];
    const at = (row: number, predicted: number, gold: number | null, violation: number): SampleRecord => {
      const r = record(row, [], gold === null ? null : gold === predicted);
      r.predicted = predicted;
      r.prediction = { index: predicted, label: names[predicted], probability: 0.8 };
      r.labelIndex = gold;
      r.label = gold === null ? null : names[gold];
      r.explainers.occlusion.violationMean = violation;
      return r;
    };
    const builder = new ReportBuilder(['occlusion'], 'delete', false, { names });
    [at(0, 1, 1, 0), at(1, 1, 0, 1), at(2, 0, 0, 1 / 3), at(3, 1, null, 2 / 3)].forEach((r) => builder.addRow([r]));
    const classes = builder.summary().classes!;
    assert.equal(classes.target, null);
    assert.deepEqual(classes.confusion, [
      [1, 1],
      [0, 1],
    ]);
    const positive = classes.byPredicted.find((c) => c.label === 'positive')!;
    assert.deepEqual([positive.samples, positive.accuracy!.k, positive.accuracy!.n], [3, 1, 2]);
    assert.ok(Math.abs(positive.violation.occlusion!.mean! - 5 / 9) < 1e-12);
    assert.deepEqual(
      classes.byGold.map((c) => [c.label, c.samples]),
      [
        ['negative', 2],
        ['positive', 1],
      ],
    );
    const unlabelled = new ReportBuilder(['occlusion'], 'delete', false, { names, target: 0 });
    unlabelled.addRow([at(0, 1, null, 0)]);
    assert.deepEqual(unlabelled.summary().classes, {
      target: 0,
      byPredicted: [
        {
          index: 1,
          label: 'positive',
          samples: 1,
          accuracy: null,
          violation: { occlusion: { n: 1, mean: 0, lo: null, hi: null } },
        },
      ],
      byGold: [],
      confusion: null,
    });
    assert.equal(new ReportBuilder(['occlusion'], 'delete', true, { names }).summary().classes, undefined);
  });

  it('counts each operator over the samples it ran on, and leaves out of the Random floor an operator the model cannot run', () => {
    const builder = new ReportBuilder(['occlusion'], 'delete');
    // zero-embedding never ran (null): the floor averages delete and attention-mask only.
    builder.addRow([
      record(
        0,
        [
          [true, null, false],
          [false, null, false],
          [true, null, true],
        ],
        true,
      ),
    ]);
    builder.addRow([
      record(
        1,
        [
          [true, null, true],
          [false, null, false],
          [false, null, true],
        ],
        null,
      ),
    ]);
    const s = builder.summary();
    assert.deepEqual(
      s.random.perSeed.map((p) => p.violation),
      [
        { delete: 1, 'attention-mask': 0.5 },
        { delete: 0, 'attention-mask': 0 },
        { delete: 0.5, 'attention-mask': 1 },
      ],
    );
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

  it('a multi-label row counts every label as a sample, with intervals per row: shares averaged per row, proportions clustered', () => {
    const builder = new ReportBuilder(['occlusion'], 'delete', true);
    const label = (row: number, c: number, violates: boolean, correct: boolean): SampleRecord => {
      const r = record(
        row,
        [
          [violates, null, false],
          [false, null, false],
          [false, null, false],
        ],
        correct,
      );
      const occlusion = r.explainers.occlusion;
      occlusion.verdicts.delete!.violates = violates;
      occlusion.violationMean = violates ? 1 / 2 : 0;
      return { ...r, prediction: { index: c, label: ['joy', 'anger', 'fear'][c], probability: 0.3 + c / 10 } };
    };
    // Row 0 violates on every label, rows 1–3 on none: the labels of a row agree, so the rows carry the information.
    builder.addRow([0, 1, 2].map((c) => label(0, c, true, c !== 2)));
    for (const row of [1, 2, 3]) builder.addRow([0, 1, 2].map((c) => label(row, c, false, true)));
    const s = builder.summary();
    assert.deepEqual([s.samples, s.rowsExplained], [12, 4]);
    const v = s.explainers[0].violation.delete!;
    assert.deepEqual([v.k, v.n, v.ratio, v.effectiveN], [3, 12, 0.25, 4]);
    assert.equal(s.explainers[0].violationMean.n, 4, 'one value per row');
    assert.equal(s.explainers[0].violationMean.mean, 0.5 / 4);
    assert.deepEqual([s.accuracy!.k, s.accuracy!.n], [11, 12]);
    assert.ok(s.accuracy!.effectiveN! >= 4 && s.accuracy!.effectiveN! <= 12);
    assert.deepEqual(
      builder.sampleRows.map((r) => [r.row, r.target, r.prediction]),
      [
        [0, 0, 'joy'],
        [0, 1, 'anger'],
        [0, 2, 'fear'],
        [1, 0, 'joy'],
        [1, 1, 'anger'],
        [1, 2, 'fear'],
        [2, 0, 'joy'],
        [2, 1, 'anger'],
        [2, 2, 'fear'],
        [3, 0, 'joy'],
        [3, 1, 'anger'],
        [3, 2, 'fear'],
      ],
    );
    assert.deepEqual(s.violationTokens.byClass.fear.occlusion, [['bad', 1]], 'violating tokens by the label tested');
  });
});
