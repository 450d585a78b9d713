import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExplainResult } from '../../../src/core/explain/explainResult';
import { explainText } from '../../../src/core/explain/explainText';
import { resolveModelDir, SHIPPED_MODELS } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { decodeTensor, readReferenceFixture } from '../../helpers/referenceFixtures';
import { writeToyModel } from '../../helpers/toyModel';
import { weightsOf } from '../../helpers/explanationRows';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-gradient-explainers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cacheDir = join(tmp, 'cache');

const weights = weightsOf;
const row = (r: ExplainResult, id: string) => r.explanations.find((e) => e.id === id)!;

/** max |a − b| / max |b|. */
function relativeError(got: number[], want: number[]): number {
  const size = Math.max(...want.map(Math.abs));
  return Math.max(...got.map((g, i) => Math.abs(g - want[i]))) / size;
}

describe('gradient explainers on the toy model whose attention pools the embeddings', () => {
  let toy: TextClassifier;
  before(async () => {
    const dir = join(tmp, 'toy');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeToyModel(dir, 'logits', false, { attentionPooling: true });
    toy = await TextClassifier.load(dir, { gradientCacheDir: cacheDir });
  });
  after(() => toy.dispose());

  // logits = Σ_i E[x_i] + Σ_i α_i E[x_i], α = softmax(S[x]) with S[bad] = 5; E: good (0, 2), bad (1.5, 0), movie (0, 0.1).
  const E: Record<string, [number, number]> = { good: [0, 2], bad: [1.5, 0], movie: [0, 0.1] };
  const words = ['good', 'good', 'bad', 'movie'];

  it('AttGrad and InputGrad have their exact values and give the suppressing word a negative weight', async () => {
    const r = await explainText(toy, words.join(' '), {
      explainers: ['raw-attention', 'attention-x-gradient', 'input-x-gradient', 'conservative-lrp'],
      metrics: false,
    });
    assert.equal(r.prediction.label, 'positive');
    const p = r.prediction.probability;
    const alpha = weights(r, 'raw-attention');
    const slope = p * (1 - p); // ∂p(positive)/∂z = p(1 − p)·(−1, +1)
    const attGrad = weights(r, 'attention-x-gradient');
    const inputGrad = weights(r, 'input-x-gradient');
    words.forEach((w, i) => {
      const push = E[w][1] - E[w][0];
      assert.ok(Math.abs(attGrad[i] - alpha[i] * slope * push) < 1e-6, `AttGrad ${w}: ${attGrad[i]}`);
      assert.ok(Math.abs(inputGrad[i] - (1 + alpha[i]) * slope * push) < 1e-6, `InputGrad ${w}: ${inputGrad[i]}`);
    });
    assert.ok(attGrad[2] < 0 && inputGrad[2] < 0, '"bad" suppresses the positive prediction');
    // Holding the softmax constant changes nothing here (α does not depend on the embeddings): LRP = InputGrad.
    weights(r, 'conservative-lrp').forEach((w, i) => assert.ok(Math.abs(w - inputGrad[i]) < 1e-7));
  });

  it('raw attention violates under every operator; AttGrad, InputGrad and IG do not', async () => {
    const r = await explainText(toy, words.join(' '), {
      explainers: ['raw-attention', 'attention-x-gradient', 'input-x-gradient', 'integrated-gradients'],
      metrics: false,
    });
    assert.equal(row(r, 'raw-attention').violationMean, 1);
    for (const id of ['attention-x-gradient', 'input-x-gradient', 'integrated-gradients']) {
      const explained = row(r, id);
      assert.equal(explained.violationMean, 0, id);
      for (const v of explained.verdicts)
        assert.ok(v.weight * v.delta > 0, `${id} ${v.operator}: w ${v.weight}, Δ ${v.delta}`);
    }
  });

  it('the logit objective differentiates z_ŷ: InputGrad becomes (1 + α_i)·(E₁ − E₀)[x_i]', async () => {
    const r = await explainText(toy, words.join(' '), {
      explainers: ['raw-attention', 'input-x-gradient'],
      objective: 'logit',
      metrics: false,
    });
    const alpha = weights(r, 'raw-attention');
    weights(r, 'input-x-gradient').forEach((w, i) => {
      // z_pos alone: ∂z_pos/∂e_i = (1 + α_i)·(0, 1), so e·∂ = (1 + α_i)·E[x_i]_pos.
      assert.ok(Math.abs(w - (1 + alpha[i]) * E[words[i]][1]) < 1e-5, `${words[i]}: ${w}`);
    });
    assert.match(row(r, 'input-x-gradient').quantity, /logit/);
  });

  it('an op without a gradient rule stops only the gradient explainers, and says which op', async () => {
    const dir = join(tmp, 'toy-sin');
    mkdirSync(dir, { recursive: true });
    writeToyModel(dir, 'logits', false, { attentionPooling: true, unsupportedOp: true });
    const model = await TextClassifier.load(dir, { gradientCacheDir: cacheDir });
    try {
      const r = await explainText(model, 'good bad movie', {
        explainers: ['raw-attention', 'input-x-gradient', 'attention-x-gradient', 'integrated-gradients'],
        metrics: false,
      });
      assert.ok(row(r, 'raw-attention').weights);
      for (const id of ['input-x-gradient', 'attention-x-gradient', 'integrated-gradients'])
        assert.match(row(r, id).error ?? '', /Sin/, id);
      assert.ok(
        r.notes.some((n) => /Sin/.test(n) && /input-x-gradient/.test(n)),
        r.notes.join('\n'),
      );
    } finally {
      await model.dispose();
    }
  });
});

describe('gradient explainers against the PyTorch reference fixtures', () => {
  for (const { name } of SHIPPED_MODELS) {
    it(`${name}: InputGrad and IG (20 and 100 steps) per token within 1e-4; IG completeness error shrinks`, async () => {
      const fixture = readReferenceFixture(name);
      const model = await TextClassifier.load(resolveModelDir(name), { gradientCacheDir: cacheDir });
      try {
        for (const s of fixture.samples.slice(0, 3)) {
          const results = [];
          for (const steps of [20, 100]) {
            const r = await explainText(model, s.text, {
              explainers: ['input-x-gradient', 'integrated-gradients'],
              granularity: 'token',
              igSteps: steps,
              metrics: false,
            });
            const tokens = r.units.map((u) => u.tokens[0]);
            const ig = s.integrated_gradients[String(steps)];
            const e = relativeError(
              weights(r, 'integrated-gradients'),
              tokens.map((t) => ig.attributions[t]),
            );
            assert.ok(e <= 1e-4, `${s.text}: IG-${steps} off by ${e.toExponential(2)}`);
            if (steps === 20) {
              const x = relativeError(
                weights(r, 'input-x-gradient'),
                tokens.map((t) => s.input_x_gradient[t]),
              );
              assert.ok(x <= 1e-4, `${s.text}: InputGrad off by ${x.toExponential(2)}`);
            }
            const error = Number(row(r, 'integrated-gradients').parameters.completenessError);
            assert.ok(
              Math.abs(error - ig.completeness_error) < 1e-4 + 1e-2 * Math.abs(ig.completeness_error),
              `completeness ${error} vs ${ig.completeness_error}`,
            );
            results.push(Math.abs(error));
          }
          // float32 leaves a noise floor of about 1e-4 under which the error cannot shrink visibly.
          if (Math.abs(s.integrated_gradients['20'].completeness_error) > 1e-3)
            assert.ok(results[1] < results[0], `completeness error grows with steps: ${results}`);
        }
      } finally {
        await model.dispose();
      }
    });
  }

  it('sst2-bilstm-tanh: AttGrad is α⊙∂p/∂α of the fixture; its ablations follow from it', async () => {
    const fixture = readReferenceFixture('sst2-bilstm-tanh');
    const model = await TextClassifier.load(resolveModelDir('sst2-bilstm-tanh'), { gradientCacheDir: cacheDir });
    try {
      const s = fixture.samples[1];
      const r = await explainText(model, s.text, {
        explainers: [
          'attention-x-gradient',
          'attention-gradient',
          'attention-x-abs-gradient',
          'attention-x-gradient-sign',
        ],
        granularity: 'token',
        metrics: false,
      });
      const tokens = r.units.map((u) => u.tokens[0]);
      const a = decodeTensor(s.attentions.attention);
      const g = decodeTensor(s.grad_attentions.attention);
      const want = (f: (x: number, y: number) => number) => tokens.map((t) => f(a[t], g[t]));
      assert.ok(
        relativeError(
          weights(r, 'attention-x-gradient'),
          want((x, y) => x * y),
        ) <= 1e-4,
      );
      assert.ok(
        relativeError(
          weights(r, 'attention-gradient'),
          want((_x, y) => y),
        ) <= 1e-4,
      );
      assert.ok(
        relativeError(
          weights(r, 'attention-x-abs-gradient'),
          want((x, y) => x * Math.abs(y)),
        ) <= 1e-4,
      );
      assert.deepEqual(
        weights(r, 'attention-x-gradient-sign').map(Math.sign),
        want((x, y) => x * Math.sign(y)).map(Math.sign),
      );
      for (const id of ['generic-attention', 'transformer-attribution']) {
        const only = await explainText(model, s.text, { explainers: [id], metrics: false });
        assert.match(row(only, id).error ?? '', /single attention layer/);
      }
    } finally {
      await model.dispose();
    }
  });

  it("sst2-transformer: GenAtt equals Chefer's recurrence computed from the fixture's attentions and gradients", async () => {
    const fixture = readReferenceFixture('sst2-transformer');
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'), { gradientCacheDir: cacheDir });
    try {
      const s = fixture.samples[0];
      const r = await explainText(model, s.text, {
        explainers: [
          'generic-attention',
          'transformer-attribution',
          'partial-lrp',
          'conservative-lrp',
          'input-x-gradient',
          'attention-x-input-norm',
        ],
        granularity: 'token',
        metrics: false,
      });
      const n = s.input_ids.length;
      let R: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
      for (const out of fixture.attention_outputs) {
        const a = decodeTensor(s.attentions[out]);
        const g = decodeTensor(s.grad_attentions[out]);
        const heads = s.attentions[out].shape[0];
        const bar = Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => {
            let sum = 0;
            for (let h = 0; h < heads; h++) sum += Math.max(0, a[(h * n + i) * n + j] * g[(h * n + i) * n + j]);
            return sum / heads;
          }),
        );
        R = R.map((rowR, i) => rowR.map((x, j) => x + bar[i].reduce((acc, b, k) => acc + b * R[k][j], 0)));
      }
      const tokens = r.units.map((u) => u.tokens[0]);
      assert.ok(
        relativeError(
          weights(r, 'generic-attention'),
          tokens.map((t) => R[0][t]),
        ) <= 1e-4,
      );
      assert.ok(
        weights(r, 'transformer-attribution').every((w) => w >= 0),
        'TransAtt is non-negative',
      );
      assert.ok(
        weights(r, 'attention-x-input-norm').every((w) => w >= 0),
        'AttIN is non-negative',
      );
      // Holding softmax and LayerNorm σ constant really changes the propagation in a transformer.
      assert.ok(relativeError(weights(r, 'conservative-lrp'), weights(r, 'input-x-gradient')) > 1e-2);
      assert.ok(weights(r, 'partial-lrp').some((w) => w < 0) || weights(r, 'partial-lrp').some((w) => w > 0));
    } finally {
      await model.dispose();
    }
  });
});
