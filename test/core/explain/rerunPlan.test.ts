import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExplainOptions } from '../../../src/core/explain/explainOptions';
import { explainText } from '../../../src/core/explain/explainText';
import { planRerun } from '../../../src/core/explain/rerunPlan';
import { EXPLAINERS } from '../../../src/core/explainers/registry';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { ENGINE_SETTINGS } from '../../../src/core/settings/engineSettings';

const TEXT = 'a slow , joyless film with one lovely scene';
const SOME = ['raw-attention', 'attention-x-gradient', 'integrated-gradients', 'occlusion', 'lime', 'random'];
let bert: TextClassifier;
let lstm: TextClassifier;
before(async () => {
  bert = await TextClassifier.load(resolveModelDir('sst2-transformer'));
  lstm = await TextClassifier.load(resolveModelDir('sst2-bilstm-tanh'));
});
after(async () => {
  await bert.dispose();
  await lstm.dispose();
});

describe('re-running only what a settings change makes stale', () => {
  it('every explainer declares the settings it reads, from the known set', () => {
    // The declared explain settings, less granularity (every explainer depends on the units).
    const known = new Set<string>(
      ENGINE_SETTINGS.filter((s) => s.scope === 'explain' && s.key !== 'granularity').map((s) => s.key),
    );
    for (const e of EXPLAINERS) for (const s of e.reads) assert.ok(known.has(s), `${e.id}: ${s}`);
    assert.deepEqual(EXPLAINERS.find((e) => e.id === 'integrated-gradients')!.reads, [
      'objective',
      'igSteps',
      'igBaseline',
    ]);
  });

  it('plans: IG steps → IG only; operator → the perturbation explainers; granularity, text or model → everything', async () => {
    const options: ExplainOptions = { explainers: SOME, metrics: false };
    const result = await explainText(bert, TEXT, options);
    const dir = result.model.dir;
    const recompute = (next: ExplainOptions, text = TEXT, model = dir) =>
      planRerun([{ result, options }], model, text, { ...options, ...next }).recompute;
    assert.deepEqual(recompute({ igSteps: 50 }), ['integrated-gradients']);
    assert.deepEqual(recompute({ operator: 'attention-mask' }), ['occlusion', 'lime']);
    assert.deepEqual(recompute({ objective: 'logit' }), ['attention-x-gradient', 'integrated-gradients']);
    assert.deepEqual(recompute({ seed: 7 }), ['lime', 'random']);
    assert.deepEqual(recompute({ attentionHead: 2 }), ['raw-attention', 'attention-x-gradient']);
    assert.deepEqual(recompute({}), []);
    assert.deepEqual(recompute({ granularity: 'token' }), SOME);
    assert.deepEqual(recompute({}, 'another text'), SOME);
    assert.deepEqual(recompute({}, TEXT, resolveModelDir('sst2-cnn-dot')), SOME);
    assert.deepEqual(
      recompute({ explainers: [...SOME, 'kernel-shap'] }),
      ['kernel-shap'],
      'a newly shown explainer runs',
    );
    assert.deepEqual(planRerun([], dir, TEXT, options).recompute, SOME);
    // Rows from an older explanation count only under the settings they were computed with.
    const later = {
      result: { ...result, explanations: result.explanations.filter((r) => r.id === 'occlusion') },
      options: { ...options, igSteps: 40 },
    };
    assert.deepEqual(planRerun([{ result, options }, later], dir, TEXT, { ...options, igSteps: 40 }).recompute, [
      'integrated-gradients',
    ]);
    assert.deepEqual(planRerun([{ result, options }, later], dir, TEXT, options).recompute, []);
    // The target class is part of what was explained: the class explained (named, by index, or the default ŷ)
    // reuses; another class reruns everything.
    const explained = result.target.label;
    assert.deepEqual(recompute({ target: explained }), [], 'naming the class that was explained by default');
    assert.deepEqual(recompute({ target: result.target.index }), [], 'its index');
    const other = result.model.labels.findIndex((_, i) => i !== result.target.index);
    assert.deepEqual(recompute({ target: other }), SOME);
    assert.deepEqual(recompute({ target: result.model.labels[other] }), SOME);
    const named = { result, options: { ...options, target: explained } };
    assert.deepEqual(planRerun([named], dir, TEXT, options).recompute, [], 'the default is ŷ, which was named');
    const elsewhere = { result: { ...result, target: { ...result.target, index: other } }, options };
    assert.deepEqual(planRerun([elsewhere], dir, TEXT, options).recompute, SOME, 'another class was explained');
  });

  it('reused rows keep their weights and metrics; verdicts follow the new operator set; stale rows really rerun', async () => {
    const first = await explainText(bert, TEXT, { explainers: SOME });
    const plan = planRerun([{ result: first, options: { explainers: SOME } }], first.model.dir, TEXT, {
      explainers: SOME,
      igSteps: 60,
    });
    const second = await explainText(bert, TEXT, { explainers: SOME, igSteps: 60, reuse: plan.reuse });
    for (const id of SOME.filter((id) => id !== 'integrated-gradients')) {
      const [a, b] = [first, second].map((r) => r.explanations.find((e) => e.id === id)!);
      assert.deepEqual(b.weights, a.weights, id);
      assert.deepEqual(b.verdicts, a.verdicts, id);
      assert.deepEqual(b.metrics, a.metrics, id);
      assert.equal(b.runtimeMs, a.runtimeMs, `${id}: its runtime is the run that computed it`);
    }
    const ig = (r: typeof first) => r.explanations.find((e) => e.id === 'integrated-gradients')!;
    assert.equal(ig(second).parameters.steps, 60);
    assert.notDeepEqual(ig(second).weights, ig(first).weights);
    // A new chosen operator adds its impact row; reused weights get a verdict under it, and fresh metrics.
    const masked = await explainText(bert, TEXT, {
      explainers: ['raw-attention'],
      operator: 'mask-token',
      reuse: first.explanations,
    });
    const row = masked.explanations[0];
    assert.deepEqual(row.weights, first.explanations[0].weights);
    assert.deepEqual(
      row.verdicts.map((v) => v.operator),
      ['delete', 'zero-embedding', 'attention-mask', 'mask-token'],
    );
    assert.ok(row.metrics.length > 0 && row.metrics.every((m) => m.operator === 'mask-token'));
  });

  it('the result carries the attention maps for the attention view: layers × heads × tokens², rows summing to 1', async () => {
    const r = await explainText(bert, TEXT, { explainers: ['raw-attention'], metrics: false });
    const tokens = r.attention!.tokens;
    assert.equal(tokens[0], '[CLS]');
    assert.equal(r.attention!.layers.length, 4);
    for (const layer of r.attention!.layers) {
      assert.deepEqual([layer.heads, layer.rows, layer.cols], [4, tokens.length, tokens.length]);
      assert.equal(layer.values.length, 4 * tokens.length ** 2);
      const row = layer.values.slice(0, tokens.length).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(row - 1) < 1e-3, `softmax row sums to ${row}`);
    }
    const single = await explainText(lstm, TEXT, { explainers: ['raw-attention'], metrics: false });
    const [alpha] = single.attention!.layers;
    assert.deepEqual([alpha.heads, alpha.rows, alpha.cols], [1, 1, single.attention!.tokens.length]);
    // α is what RawAtt reads: its weights are α at the units' tokens.
    const weights = single.explanations[0].weights!;
    single.units.forEach((u, i) => assert.ok(Math.abs(alpha.values[u.tokens[0]] - weights[i]) < 1e-4));
  });

  it('maxTokens caps the model maximum and the note says so', async () => {
    const short = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'), { maxTokens: 6 });
    try {
      const r = await explainText(short, TEXT, { explainers: ['raw-attention'], metrics: false });
      assert.equal(r.truncated, true);
      assert.equal(r.attention!.tokens.length, 6);
      assert.ok(r.units.length < TEXT.split(' ').length);
      assert.match(r.notes.join(' '), /6-token maximum/);
    } finally {
      await short.dispose();
    }
  });
});
