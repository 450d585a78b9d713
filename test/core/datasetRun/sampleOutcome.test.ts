import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { polarityCounts, RANDOM_SEEDS, sampleOutcome } from '../../../src/core/datasetRun/sampleOutcome';
import { PAPER_OPERATORS } from '../../../src/core/erasure/operators';
import { explainText } from '../../../src/core/explain/explainText';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';

let model: TextClassifier;
before(async () => (model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'))));
after(() => model.dispose());

describe('sampleOutcome: what a dataset run keeps of one explanation', () => {
  it('polarity counts sort every unit by claimed sign and measured sign', () => {
    assert.deepEqual(
      polarityCounts([0.5, 0.5, -0.2, -0.2, 0, 0.1], [0.1, -0.1, 0.1, -0.1, 0.3, 0], true),
      [1, 1, 1, 1, 2],
    );
    // Unsigned weights claim support; an exact 0 claims nothing.
    assert.deepEqual(polarityCounts([0.5, 0.2, 0], [-0.1, 0.1, 0.1], false), [1, 1, 0, 0, 1]);
  });

  it('keeps the verdicts, rates and metrics of the explanation, and Random seed 0 agrees with the Random explainer', async () => {
    const text = 'the plot is thin but the cast is terrific';
    const result = await explainText(model, text, {
      explainers: ['raw-attention', 'occlusion', 'random'],
      seed: 0,
      randomFloor: RANDOM_SEEDS,
    });
    const outcome = sampleOutcome(result, 'delete', 12);
    assert.equal(outcome.text, text);
    assert.equal(outcome.units, result.units.length);
    assert.equal(outcome.prediction.label, result.prediction.label);
    for (const row of result.explanations) {
      const kept = outcome.explainers[row.id];
      for (const v of row.verdicts)
        assert.deepEqual(kept.verdicts[v.operator], {
          unit: v.unit,
          weight: v.weight,
          delta: v.delta,
          violates: v.violates,
        });
      assert.equal(kept.violationMean, row.violationMean);
      assert.equal(kept.topText, result.units[row.verdicts[0].unit].text);
      assert.equal(kept.tokenLevelRate, row.verdicts.find((v) => v.operator === 'delete')!.tokenLevelRate);
      assert.deepEqual(Object.keys(kept.metrics).sort(), row.metrics.map((m) => m.id).sort());
      assert.equal(
        kept.polarity!.reduce((a, b) => a + b, 0),
        result.units.length,
      );
    }
    assert.equal(outcome.random.length, RANDOM_SEEDS.length);
    const randomRow = result.explanations.find((r) => r.id === 'random')!;
    assert.deepEqual(
      outcome.random[0],
      PAPER_OPERATORS.map((op) => randomRow.verdicts.find((v) => v.operator === op)!.violates),
    );
  });

  it('an explainer that could not run keeps its error and no verdicts', async () => {
    const result = await explainText(model, 'a fine film', { explainers: ['rollout'] });
    const kept = sampleOutcome(result, 'delete', 1).explainers.rollout;
    assert.ok(kept.error && kept.error.length > 0);
    assert.deepEqual(kept.verdicts, {});
    assert.equal(kept.violationMean, null);
  });
});
