import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { explainText } from '../../../src/core/explain/explainText';
import { attentionRollout } from '../../../src/core/explainers/attentionRollout';
import type { AttentionMap, ExplainContext } from '../../../src/core/explainers/explainer';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';

/** Runs rollout on hand-made attention maps over three tokens, each a token unit of its own. */
async function rolloutOf(maps: AttentionMap[], pooled = [1, 0, 0]): Promise<number[]> {
  const units = [0, 1, 2].map((i) => ({ text: `t${i}`, start: i, end: i + 1, tokens: [i] }));
  const ctx = {
    units,
    pooled: { weights: pooled, description: 'pooled' },
    attentions: async () => maps,
  } as unknown as ExplainContext;
  return (await attentionRollout.explain(ctx, {})).weights;
}

const layer = (name: string, heads: number[][][]): AttentionMap => ({
  name,
  dims: [1, heads.length, 3, 3],
  data: Float32Array.from(heads.flat(2)),
});

describe('attention rollout', () => {
  it('one layer: the pooled row of rownorm(mean_h A + I)', async () => {
    const a = [
      [0.2, 0.3, 0.5],
      [1, 0, 0],
      [0, 1, 0],
    ];
    const b = [
      [0.6, 0.3, 0.1],
      [0, 0, 1],
      [0, 1, 0],
    ];
    const w = await rolloutOf([layer('attention_0', [a, b])]);
    // mean row 0 = [0.4, 0.3, 0.3]; + I -> [1.4, 0.3, 0.3]; / 2
    [0.7, 0.15, 0.15].forEach((x, i) => assert.ok(Math.abs(w[i] - x) < 1e-6, `${w}`));
  });

  it('two layers multiply, later layer on the left', async () => {
    const identity = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const toLast = [
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
    ];
    // Â_2 = rownorm(I + I) = I, so R[0] = Â_1[0] = rownorm(toLast + I)[0] = [0.5, 0, 0.5].
    const w = await rolloutOf([layer('attention_0', [toLast]), layer('attention_1', [identity])]);
    [0.5, 0, 0.5].forEach((x, i) => assert.ok(Math.abs(w[i] - x) < 1e-6, `${w}`));
  });

  it('reads the pooled rows: the last token for a decoder, the mean of the rows for mean pooling', async () => {
    const a = [
      [0.2, 0.3, 0.5],
      [1, 0, 0],
      [0, 1, 0],
    ];
    // rownorm(A + I): row 2 = [0, 1, 1] / 2.
    const last = await rolloutOf([layer('attention_0', [a])], [0, 0, 1]);
    [0, 0.5, 0.5].forEach((x, i) => assert.ok(Math.abs(last[i] - x) < 1e-6, `${last}`));
    const mean = await rolloutOf([layer('attention_0', [a])], [1 / 3, 1 / 3, 1 / 3]);
    // Rows: [0.6, 0.15, 0.25], [0.5, 0.5, 0], [0, 0.5, 0.5]; their mean.
    [1.1 / 3, 1.15 / 3, 0.75 / 3].forEach((x, i) => assert.ok(Math.abs(mean[i] - x) < 1e-6, `${mean}`));
  });

  let rnn: TextClassifier;
  let bert: TextClassifier;
  before(async () => {
    rnn = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
    bert = await TextClassifier.load(resolveModelDir('sst2-transformer'));
  });
  after(async () => {
    await rnn.dispose();
    await bert.dispose();
  });

  it('runs on the shipped transformer: non-negative weights over the words', async () => {
    const r = await explainText(bert, 'a gorgeous , witty film', { explainers: ['rollout'] });
    const w = r.explanations[0].weights!;
    assert.equal(w.length, 5);
    assert.ok(w.every((x) => x >= 0));
    assert.ok(w.reduce((a, b) => a + b, 0) < 1, '[CLS] and [SEP] keep part of the mass');
  });

  it('says why it cannot run on a single-attention model, and the other explainers still run', async () => {
    const r = await explainText(rnn, 'a gorgeous , witty film', { explainers: ['rollout', 'raw-attention'] });
    assert.equal(r.explanations[0].weights, null);
    assert.match(r.explanations[0].error ?? '', /needs a transformer's self-attention of every layer/);
    assert.ok(r.explanations[1].weights);
  });
});
