/**
 * The model zoo (training/zoo/, fixtures in test/fixtures/zoo/): tiny Hugging Face encoder and decoder classifiers,
 * exported as HF exporters do, with PyTorch float64 references. Every model must tokenize as HF does, match PyTorch's
 * logits, gradients (∂p/∂e, ∂p/∂α) to 1e-4, read the attention of the position its classifier pools, and run every
 * explainer. `bench/zooTable.ts` turns the same checks into the README's table.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { explainText } from '../../src/core/explain/explainText';
import { erasureOperator } from '../../src/core/erasure/operators';
import { EXPLAINERS } from '../../src/core/explainers/registry';
import { logitsOf } from '../../src/core/model/batchRunner';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { FIXTURES } from '../helpers/paths';
import { decodeTensor, maxAbsDiff, ZooReference, zooTarget } from '../helpers/referenceFixtures';

const ZOO = join(FIXTURES, 'zoo');

const fixtures = Object.keys(
  (JSON.parse(readFileSync(join(ZOO, 'manifest.json'), 'utf8')) as { fixtures: Record<string, unknown> }).fixtures,
).filter((name) => existsSync(join(ZOO, name, 'reference.json')));

/**
 * Gradients agree to 1e-4 (the bar) of their largest magnitude where that exceeds 1, absolutely below: float32
 * sums carry ~1e-6 of their magnitude, and DeBERTa's ∂p/∂e reaches 138. And within 1e-2 of their own scale, so that a
 * wrong small gradient fails.
 */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const diff = maxAbsDiff(actual, expected);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  assert.ok(
    diff <= 1e-4 * Math.max(1, scale) && diff <= 1e-2 * scale + 1e-7,
    `${what}: max |Δ| ${diff.toExponential(2)} (scale ${scale.toExponential(2)})`,
  );
}

/**
 * Chefer et al.'s LRP (PLRP, TransAtt) has rules for BERT-style blocks only: on these it must stop with the op it has
 * no rule for, named (DeBERTa's relative-position product Q·P_rᵀ by a constant, ModernBERT's GeGLU gate), never fall
 * back to another relevance.
 */
const NO_LRP_RULE: Record<string, RegExp> = {
  'deberta-v3': /MatMul node "[^"]+": a MatMul by a constant that is not a weight matrix/,
  modernbert: /Mul node "[^"]+": a Mul of two computed tensors outside a LayerNorm or a GELU/,
};
const LRP_EXPLAINERS = ['partial-lrp', 'transformer-attribution'];

describe('Model zoo: Hugging Face architectures as users export them', () => {
  let cache: string;
  before(() => {
    cache = mkdtempSync(join(tmpdir(), 'pl-zoo-'));
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  for (const name of fixtures) {
    describe(name, () => {
      const dir = join(ZOO, name);
      const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as ZooReference;
      let model: TextClassifier;
      before(async () => {
        model = await TextClassifier.load(dir, { gradientCacheDir: cache });
      });
      after(async () => {
        await model?.dispose();
      });

      it("tokenizes as Hugging Face does and matches PyTorch's logits and head quantity", async () => {
        assert.equal(model.head.kind, reference.head.kind);
        for (const [k, s] of reference.samples.entries()) {
          const { ids } = await model.tokenizer.encode(s.text);
          assert.deepEqual(ids, s.input_ids, `tokens of "${s.text}"`);
          const [logits] = (await model.onnx.run({ ids: [ids] })).logits;
          assert.ok(maxAbsDiff(logits, s.logits) < 1e-4, `logits ${Array.from(logits)} vs ${s.logits}`);
          const scores = model.scores(logits);
          const expected =
            reference.head.kind === 'sigmoid' ? s.probabilities[0] : s.probabilities[zooTarget(reference, k)];
          assert.ok(Math.abs(scores[zooTarget(reference, k)] - expected) < 1e-5);
        }
      });

      it('∂p/∂e and ∂p/∂α match PyTorch autograd', async () => {
        const session = await model.gradients();
        for (const [k, s] of reference.samples.entries()) {
          const [row] = await session.run({
            ids: [s.input_ids],
            target: [zooTarget(reference, k)],
            objective: 'probability',
          });
          assert.ok(row.embeddingGradient, `no ∂/∂e: ${session.manifest.problems.join('; ')}`);
          assertClose(row.embeddingGradient, decodeTensor(s.grad_word_embeddings), `∂p/∂e, sample ${k}`);
          const names = Object.keys(s.grad_attentions).sort(
            (a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]),
          );
          assert.equal(row.attentionGradients.length, names.length, 'one attention map per layer');
          names.forEach((n, l) => {
            const g = row.attentionGradients[l];
            assert.ok(g, `no ∂/∂α for layer ${l}: ${session.manifest.problems.join('; ')}`);
            assertClose(row.attentions[l].data, decodeTensor(s.attentions[n]), `α layer ${l}, sample ${k}`);
            assertClose(g.data, decodeTensor(s.grad_attentions[n]), `∂p/∂α layer ${l}, sample ${k}`);
          });
        }
      });

      it('each erasure operator does what its name says on this architecture', async () => {
        const s = reference.samples[0];
        const input = { ids: s.input_ids, attentionMask: s.input_ids.map(() => 1) };
        const tokens = await model.tokenizer.encode(s.text);
        const i = tokens.special.findIndex((special, k) => !special && k > 0 && k < tokens.ids.length - 1);
        const swapped = { ...input, ids: input.ids.map((id, k) => (k === i ? (id === 10 ? 11 : 10) : id)) };
        const logits = async (inputs: (typeof input)[]) =>
          (await logitsOf(model.onnx, inputs)).map((l) => Array.from(l));
        const [clean, changed] = await logits([input, swapped]);
        assert.ok(maxAbsDiff(clean, changed) > 1e-6, 'the token matters before it is erased');
        // attention-mask and zero-embedding: once erased, which token stood there makes no difference.
        for (const name of ['attention-mask', 'zero-embedding'] as const) {
          const op = erasureOperator(name);
          const [a, b] = await logits([op.erase(input, [i], {}), op.erase(swapped, [i], {})]);
          assert.ok(maxAbsDiff(a, b) < 1e-5, `${name}: logits still depend on the erased token (${maxAbsDiff(a, b)})`);
          assert.ok(maxAbsDiff(a, clean) > 1e-7, `${name} changes the input the model sees`);
        }
        // delete: the same as the text without that token.
        const deleted = erasureOperator('delete').erase(input, [i], {});
        assert.deepEqual(
          deleted.ids,
          input.ids.filter((_, k) => k !== i),
        );
      });

      it('runs every explainer, and attention explainers read the pooled position', async () => {
        const s = reference.samples[0];
        const r = await explainText(model, s.text, {
          explainers: EXPLAINERS.map((e) => e.id),
          metrics: false,
          samples: 50,
        });
        const noRule = NO_LRP_RULE[name];
        const failed = r.explanations.filter((e) => e.error);
        assert.deepEqual(
          failed.filter((e) => !(noRule && LRP_EXPLAINERS.includes(e.id))).map((e) => `${e.id}: ${e.error}`),
          [],
        );
        for (const e of failed) assert.match(e.error!, noRule, e.id);
        if (noRule) assert.ok(failed.length > 0, 'an LRP explainer stops on the op without a rule');
        const raw = r.explanations.find((e) => e.id === 'raw-attention')!;
        const expected = {
          first: 'row of token 0',
          mean: "mean of every token's row",
          'last-non-pad': `row of the last token (${s.input_ids.length - 1})`,
        }[reference.pooling.kind];
        assert.ok(raw.quantity.includes(expected), `${raw.quantity} should read the ${expected}`);
      });
    });
  }
});
