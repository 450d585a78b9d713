import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { explainText } from '../../../src/core/explain/explainText';
import { LRP_MODELS, readLrpFixture, toleranceRatio } from '../../helpers/lrpFixtures';
import { writeToyModel } from '../../helpers/toyModel';
import { weightsOf } from '../../helpers/explanationRows';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lrp-explainers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cacheDir = join(tmp, 'cache');

const weights = weightsOf;

/**
 * PLRP, TransAtt (Chefer et al.'s LRP) and conservative LRP (Ali et al.) per token against the float64 references of
 * training/reference/transformer_relevance.py, and each against a variant with one rule wrong, which must fail the
 * same comparison: the comparison can tell the rules apart.
 */
describe('LRP explainers against the PyTorch float64 references', () => {
  for (const { name, dir } of LRP_MODELS) {
    it(`${name}: PLRP, TransAtt (∇ of p(ŷ) and of z_ŷ) and conservative LRP per token; wrong rules fail`, async () => {
      const fixture = readLrpFixture(name);
      const model = await TextClassifier.load(dir, { gradientCacheDir: cacheDir });
      try {
        /** Per wrong variant, on how many samples the comparison failed. */
        const caught = new Map<string, number>();
        for (const s of fixture.samples) {
          const ids = ['partial-lrp', 'transformer-attribution', 'conservative-lrp'];
          const results = {
            probability: await explainText(model, s.text, { explainers: ids, granularity: 'token', metrics: false }),
            logit: await explainText(model, s.text, {
              explainers: ids,
              granularity: 'token',
              objective: 'logit',
              metrics: false,
            }),
          };
          const r = results.probability;
          assert.equal(r.prediction.index, s.predicted);
          const tokens = r.units.map((u) => u.tokens[0]);
          const pick = (values: number[]) => tokens.map((t) => values[t]);
          const check = (got: number[], want: number[], spread: number, what: string) => {
            const { ratio, relative } = toleranceRatio(got, pick(want), spread);
            assert.ok(ratio <= 1, `${s.text}: ${what} off (${ratio.toFixed(2)}× the tolerance; ${relative})`);
          };
          const toldApart = (got: number[], want: number[], spread: number, what: string) => {
            if (toleranceRatio(got, pick(want), spread).ratio > 1) caught.set(what, (caught.get(what) ?? 0) + 1);
          };
          const spread = s.float32_spread;
          const plrp = weights(r, 'partial-lrp');
          check(plrp, s.chefer.partial_lrp, spread.partial_lrp, 'PLRP');
          assert.deepEqual(weights(results.logit, 'partial-lrp'), plrp, 'PLRP reads no objective');
          for (const objective of ['probability', 'logit'] as const) {
            check(
              weights(results[objective], 'transformer-attribution'),
              s.transformer_attribution[objective],
              spread.transformer_attribution[objective],
              `TransAtt (${objective})`,
            );
            check(
              weights(results[objective], 'conservative-lrp'),
              s.conservative[objective].token_relevance,
              spread.conservative[objective].token_relevance,
              `conservative LRP (${objective})`,
            );
          }
          const transAtt = weights(r, 'transformer-attribution');
          for (const variant of ['no-halving', 'add-unscaled', 'alpha2-beta1'] as const) {
            const wrong = s.wrong_variants[variant];
            toldApart(plrp, wrong.partial_lrp, spread.partial_lrp, `PLRP ${variant}`);
            toldApart(
              transAtt,
              wrong.transformer_attribution,
              spread.transformer_attribution.probability,
              `TransAtt ${variant}`,
            );
          }
          for (const variant of ['softmax-not-detached', 'sigma-not-detached'] as const)
            toldApart(
              weights(r, 'conservative-lrp'),
              s.wrong_variants[variant].conservative_token_relevance,
              spread.conservative.probability.token_relevance,
              `LRP ${variant}`,
            );
          assert.match(
            r.explanations.find((e) => e.id === 'partial-lrp')!.quantity,
            /one-hot\(class \d+\) at the logits/,
          );
        }
        const all = fixture.samples.length;
        for (const what of ['PLRP no-halving', 'PLRP alpha2-beta1', 'TransAtt no-halving', 'TransAtt alpha2-beta1'])
          assert.equal(caught.get(what), all, `${what} fails the comparison on every sample`);
        for (const what of ['LRP softmax-not-detached', 'LRP sigma-not-detached'])
          assert.equal(caught.get(what), all, `${what} fails the comparison on every sample`);
        // The Add rule's rescaling is a no-op when both shares have the sign of ΣR; it matters on some samples only,
        // and on sst2-transformer never in the last layer, the only one PLRP reads.
        assert.ok(
          (caught.get('TransAtt add-unscaled') ?? 0) >= 1,
          'TransAtt without the Add rescaling fails somewhere',
        );
        if (name === 'bert') assert.ok((caught.get('PLRP add-unscaled') ?? 0) >= 1, 'so does PLRP');
      } finally {
        await model.dispose();
      }
    });
  }

  it('an op on the way for which Chefer et al. have no rule stops PLRP with its name; nothing falls back', async () => {
    const dir = join(tmp, 'toy-sin');
    mkdirSync(dir, { recursive: true });
    // logits = Σ_i E[x_i] + sin(Σ_i α_i E[x_i]): Sin lies between α and the logits.
    writeToyModel(dir, 'logits', false, { attentionPooling: true, unsupportedOp: true });
    const model = await TextClassifier.load(dir, { gradientCacheDir: cacheDir });
    try {
      const r = await explainText(model, 'good bad movie', {
        explainers: ['raw-attention', 'partial-lrp'],
        metrics: false,
      });
      assert.ok(weights(r, 'raw-attention'));
      const error = r.explanations.find((e) => e.id === 'partial-lrp')!.error ?? '';
      assert.match(error, /Sin node/);
      assert.match(error, /Chefer et al\.'s LRP has no rule/);
    } finally {
      await model.dispose();
    }
  });

  it('a product of two computed tensors outside an attention matmul has no rule, and says so', async () => {
    const dir = join(tmp, 'toy-pooling');
    mkdirSync(dir, { recursive: true });
    // Σ_i α_i E[x_i] as Mul then ReduceSum: an elementwise product of two computed tensors, not a MatMul.
    writeToyModel(dir, 'logits', false, { attentionPooling: true });
    const model = await TextClassifier.load(dir, { gradientCacheDir: cacheDir });
    try {
      const r = await explainText(model, 'good bad movie', { explainers: ['partial-lrp'], metrics: false });
      assert.match(r.explanations[0].error ?? '', /Mul node "weighted": a Mul of two computed tensors outside/);
    } finally {
      await model.dispose();
    }
  });
});
