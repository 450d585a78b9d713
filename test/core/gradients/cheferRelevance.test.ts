import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { LRP_MODELS, readLrpFixture, toleranceRatio } from '../../helpers/lrpFixtures';
import { decodeTensor } from '../../helpers/referenceFixtures';

const cacheDir = mkdtempSync(join(tmpdir(), 'polarity-chefer-relevance-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

/**
 * The relevance each backward pass leaves on every attention map, against the float64 references of
 * training/reference/transformer_relevance.py: Chefer et al.'s R^A ('chefer-lrp') and the conservative graph's
 * ∂̃p(ŷ)/∂A ('conservative-lrp'). All samples go in one padded batch: padding must not change a row.
 */
describe('LRP relevance on the attention maps against the PyTorch float64 references', () => {
  for (const { name, dir } of LRP_MODELS) {
    it(`${name}: Chefer's R^A and the conservative ∂̃p/∂A of every layer, per entry`, async () => {
      const fixture = readLrpFixture(name);
      const model = await TextClassifier.load(dir, { gradientCacheDir: cacheDir });
      try {
        const batch = {
          ids: fixture.samples.map((s) => s.input_ids),
          target: fixture.samples.map((s) => s.predicted),
          objective: 'probability' as const,
        };
        assert.ok(new Set(batch.ids.map((ids) => ids.length)).size > 1, 'the batch is padded');
        const chefer = await (await model.gradients('chefer-lrp')).run(batch);
        const conservative = await (await model.gradients('conservative-lrp')).run(batch);
        for (const [k, s] of fixture.samples.entries()) {
          assert.ok(
            chefer[k].logits.every((z, c) => Math.abs(z - s.logits[c]) < 1e-5),
            'the same logits',
          );
          s.chefer.relevance_on_attention.forEach((t, l) => {
            const got = chefer[k].attentionGradients[l]!;
            assert.deepEqual(got.dims.slice(1), t.shape);
            const { ratio, relative } = toleranceRatio(
              got.data,
              decodeTensor(t),
              s.float32_spread.relevance_on_attention[l],
            );
            assert.ok(ratio <= 1, `${s.text}: R^A of layer ${l} off (${ratio.toFixed(2)}× the tolerance; ${relative})`);
          });
          s.conservative.probability.attention_gradients.forEach((t, l) => {
            const { ratio } = toleranceRatio(
              conservative[k].attentionGradients[l]!.data,
              decodeTensor(t),
              s.float32_spread.conservative.probability.attention_gradients[l],
            );
            assert.ok(ratio <= 1, `${s.text}: ∂̃p/∂A of layer ${l} off (${ratio.toFixed(2)}× the tolerance)`);
          });
        }
        // The relevance starts from one-hot(ŷ) at the logits: the objective changes nothing.
        const [logit] = await (await model.gradients('chefer-lrp')).run({ ...batch, objective: 'logit' });
        assert.deepEqual(logit.attentionGradients[0]!.data, chefer[0].attentionGradients[0]!.data);
      } finally {
        await model.dispose();
      }
    });
  }

  it("Chefer's R^A with the attention product not halved fails the same comparison", async () => {
    const fixture = readLrpFixture('bert');
    const model = await TextClassifier.load(LRP_MODELS[1].dir, { gradientCacheDir: cacheDir });
    try {
      const s = fixture.samples[0];
      const [row] = await (
        await model.gradients('chefer-lrp')
      ).run({ ids: [s.input_ids], target: [s.predicted], objective: 'probability' });
      const last = s.chefer.relevance_on_attention.length - 1;
      const doubled = row.attentionGradients[last]!.data.map((r) => 2 * r);
      const spread = s.float32_spread.relevance_on_attention[last];
      assert.ok(
        toleranceRatio(row.attentionGradients[last]!.data, decodeTensor(s.chefer.relevance_on_attention[last]), spread)
          .ratio <= 1,
      );
      assert.ok(toleranceRatio(doubled, decodeTensor(s.chefer.relevance_on_attention[last]), spread).ratio > 100);
    } finally {
      await model.dispose();
    }
  });
});
