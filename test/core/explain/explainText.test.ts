import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { erasureOperator } from '../../../src/core/erasure/operators';
import { explainText } from '../../../src/core/explain/explainText';
import { EXPLAINERS } from '../../../src/core/explainers/registry';
import { METRICS } from '../../../src/core/faithfulness/metrics/registry';
import { DELTA_TOLERANCE } from '../../../src/core/faithfulness/polarity';
import { probabilities } from '../../../src/core/model/batchRunner';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { assertDeepClose } from '../../helpers/closeTo';

const REVIEW = 'good service but horrible garbage food and small portions';
let lstm: TextClassifier;
let bert: TextClassifier;
before(async () => {
  lstm = await TextClassifier.load(resolveModelDir('sst2-bilstm-tanh'));
  bert = await TextClassifier.load(resolveModelDir('sst2-transformer'));
});
after(async () => {
  await lstm.dispose();
  await bert.dispose();
});

describe('explainText', () => {
  it('explains the clean prediction ŷ with every explainer and every paper operator', async () => {
    const r = await explainText(lstm, REVIEW);
    assert.equal(r.schema, 'polarity-lens/explain@2');
    assert.deepEqual(
      r.units.map((u) => u.text),
      REVIEW.split(' '),
    );
    assert.equal(r.prediction.probability, Math.max(...r.prediction.probabilities));
    assert.deepEqual(
      r.impacts.map((i) => i.operator),
      ['delete', 'zero-embedding', 'attention-mask'],
    );
    assert.deepEqual(
      r.explanations.map((e) => e.id),
      EXPLAINERS.map((e) => e.id),
    );
    const single = ['rollout', 'transformer-attribution', 'generic-attention'];
    for (const e of r.explanations) {
      if (single.includes(e.id))
        assert.match(e.error ?? '', /needs a transformer/, `${e.id}: the BiLSTM has one attention layer`);
      else assert.ok(e.weights, `${e.id} runs on the BiLSTM: ${e.error}`);
    }
    for (const e of r.explanations.filter((x) => x.weights)) {
      assert.equal(e.weights?.length, r.units.length, e.id);
      assert.equal(e.verdicts.length, 3);
    }
  });

  it('raw attention of a single-attention model is α: non-negative and summing to 1 over the words', async () => {
    const r = await explainText(lstm, REVIEW, { explainers: ['raw-attention'] });
    const w = r.explanations[0].weights!;
    assert.ok(w.every((x) => x >= 0));
    assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  });

  it('an unsigned explainer violates exactly when its top unit has Δ < 0', async () => {
    for (const text of [REVIEW, 'the acting is superb but the plot is a mess', 'not bad at all , really']) {
      const r = await explainText(bert, text, { explainers: ['raw-attention', 'random'] });
      for (const e of r.explanations) {
        for (const v of e.verdicts) {
          const delta = r.impacts.find((i) => i.operator === v.operator)!.deltas[v.unit];
          assert.equal(v.delta, delta);
          assert.equal(v.violates, delta < -DELTA_TOLERANCE, `${text} ${e.id} ${v.operator}`);
        }
      }
    }
  });

  it('occlusion never violates under its own operator: its weights are the impacts', async () => {
    for (const operator of ['delete', 'zero-embedding', 'attention-mask'] as const) {
      const r = await explainText(bert, REVIEW, { explainers: ['occlusion'], operator });
      const e = r.explanations[0];
      assert.deepEqual(e.weights, r.impacts.find((i) => i.operator === operator)!.deltas);
      assert.equal(e.verdicts.find((v) => v.operator === operator)!.violates, false);
    }
  });

  it('--layer all runs each layer-reading explainer at every layer, each row what that layer alone gives', async () => {
    const explainers = ['raw-attention', 'attention-x-gradient', 'partial-lrp', 'occlusion'];
    const r = await explainText(bert, REVIEW, { explainers, layerSweep: true, metrics: false });
    const depth = r.depth!;
    assert.deepEqual(
      depth.map((d) => `${d.id}@${d.layer}`),
      ['raw-attention', 'attention-x-gradient', 'partial-lrp'].flatMap((id) => [0, 1, 2, 3].map((l) => `${id}@${l}`)),
      'occlusion reads no layer',
    );
    for (const layer of [0, 2]) {
      const single = await explainText(bert, REVIEW, { explainers, attentionLayer: layer, metrics: false });
      for (const row of single.explanations.filter((e) => e.id !== 'occlusion')) {
        const swept = depth.find((d) => d.id === row.id && d.layer === layer)!;
        // Close, not equal: the two explanations may read attention from different onnxruntime sessions (1e-9 apart).
        assertDeepClose(swept.weights, row.weights, 1e-6);
        assert.deepEqual(
          swept.verdicts.map((v) => [v.operator, v.unit, v.violates]),
          row.verdicts.map((v) => [v.operator, v.unit, v.violates]),
        );
        assert.equal(swept.violationMean, row.violationMean);
      }
    }
    // The last layer is the explainers' default.
    const last = depth.find((d) => d.id === 'raw-attention' && d.layer === 3)!;
    assert.deepEqual(last.weights, r.explanations.find((e) => e.id === 'raw-attention')!.weights, 'the same run');
    assert.equal((await explainText(bert, REVIEW, { explainers })).depth, undefined, 'only when asked');
  });

  it('the batched leave-one-out equals erasing each word in its own run', async () => {
    const r = await explainText(bert, REVIEW, { explainers: [] });
    const tokens = await bert.tokenizer.encode(REVIEW);
    const input = { ids: tokens.ids, attentionMask: tokens.ids.map(() => 1) };
    for (const impact of r.impacts) {
      const op = erasureOperator(impact.operator);
      for (const [k, unit] of r.units.entries()) {
        const [p] = await probabilities(bert.onnx, [op.erase(input, unit.tokens, {})]);
        assert.ok(
          Math.abs(r.prediction.probability - p[r.prediction.index] - impact.deltas[k]) < 1e-6,
          `${impact.operator} ${unit.text}`,
        );
      }
    }
  });

  it('runs each distinct erased input once, and every metric equals running its own inputs', async () => {
    const explainers = ['raw-attention', 'rollout', 'occlusion', 'random'];
    const onnx = bert.onnx;
    const original = onnx.run.bind(onnx);
    let rows = 0;
    onnx.run = async (batch, extra) => {
      rows += batch.ids.length;
      return original(batch, extra);
    };
    let r;
    try {
      r = await explainText(bert, REVIEW, { explainers });
    } finally {
      onnx.run = original;
    }
    const tokens = await bert.tokenizer.encode(REVIEW);
    const input = { ids: tokens.ids, attentionMask: tokens.ids.map(() => 1) };
    const op = erasureOperator('delete');
    const target = r.prediction.index;
    const erased = await probabilities(
      bert.onnx,
      r.units.map((u) => op.erase(input, u.tokens, {})),
    );
    let naive = 1 + r.impacts.length * r.units.length;
    for (const row of r.explanations) {
      const ctx = {
        weights: row.weights!,
        target,
        baseline: r.prediction.probability,
        flipped: (erased: number[]) => erased.indexOf(Math.max(...erased)) !== r.prediction.index,
        operator: 'delete' as const,
        leaveOneOut: { operator: 'delete' as const, deltas: r.impacts[0].deltas, erased },
        without: (picked: number[]) =>
          op.erase(
            input,
            picked.flatMap((u) => r.units[u].tokens),
            {},
          ),
      };
      for (const metric of METRICS) {
        const inputs = metric.inputs(ctx);
        naive += inputs.length;
        const expected = metric.value(ctx, await probabilities(bert.onnx, inputs));
        const got = row.metrics.find((m) => m.id === metric.id)!.value;
        assert.ok(
          expected === null ? got === null : Math.abs(got! - expected) < 1e-6,
          `${row.id} ${metric.id}: ${got} vs ${expected}`,
        );
      }
    }
    // Comprehensiveness's bins are AOPC's first steps, and AOPC's first step is a leave-one-out erasure.
    assert.ok(rows < naive, `${rows} inputs ran; ${naive} without reuse`);
  });

  it('random weights are seeded: the same seed repeats them, another seed changes them', async () => {
    const a = await explainText(lstm, REVIEW, { explainers: ['random'], seed: 3 });
    const b = await explainText(lstm, REVIEW, { explainers: ['random'], seed: 3 });
    const c = await explainText(lstm, REVIEW, { explainers: ['random'], seed: 4 });
    assert.deepEqual(a.explanations[0].weights, b.explanations[0].weights);
    assert.notDeepEqual(a.explanations[0].weights, c.explanations[0].weights);
    assert.ok(a.explanations[0].weights!.every((w) => w >= 0 && w < 1));
  });

  it('never lets [CLS] or [SEP] be a unit', async () => {
    const r = await explainText(bert, 'fine', { explainers: ['raw-attention'] });
    assert.deepEqual(
      r.units.map((u) => u.text),
      ['fine'],
    );
    assert.equal(r.explanations[0].verdicts[0].unit, 0);
  });

  it('refuses empty and whitespace-only text with a clear message', async () => {
    await assert.rejects(explainText(lstm, ''), /Nothing to explain: the text is empty/);
    await assert.rejects(explainText(lstm, ' \n\t '), /Nothing to explain: the text is empty/);
  });

  it('truncates a 10,000-word text to the model maximum and says so', async () => {
    const r = await explainText(lstm, 'good '.repeat(10_000), { explainers: ['raw-attention'] });
    assert.equal(r.truncated, true);
    assert.equal(r.units.length, 64);
    assert.match(r.notes.join(' '), /longer than the 64-token maximum/);
  });

  it('rejects an unknown explainer by naming the known ones', async () => {
    await assert.rejects(
      explainText(lstm, REVIEW, { explainers: ['lime2'] }),
      /Unknown explainer "lime2"; choose from raw-attention, attention-x-gradient, .*, random/,
    );
  });
});

describe('raw attention layer and head', () => {
  it('reads the chosen layer and head, and refuses one that does not exist', async () => {
    const text = 'the acting is superb but the plot is a mess';
    const last = await explainText(bert, text, { explainers: ['raw-attention'], metrics: false });
    const first = await explainText(bert, text, { explainers: ['raw-attention'], attentionLayer: 0, metrics: false });
    const heads = await Promise.all(
      [0, 1, 2, 3].map((h) =>
        explainText(bert, text, { explainers: ['raw-attention'], attentionHead: h, metrics: false }),
      ),
    );
    assert.notDeepEqual(first.explanations[0].weights, last.explanations[0].weights);
    // The mean over heads of each head's weights is the heads-averaged weight.
    last.explanations[0].weights!.forEach((w, i) => {
      const mean = heads.reduce((s, h) => s + h.explanations[0].weights![i], 0) / 4;
      assert.ok(Math.abs(w - mean) < 1e-6);
    });
    const missing = await explainText(bert, text, { explainers: ['raw-attention'], attentionLayer: 7, metrics: false });
    assert.match(missing.explanations[0].error ?? '', /attention layer 7 does not exist \(the model has 4\)/);
  });
});

describe('batching', () => {
  it('runs every perturbation of a text in few onnxruntime calls: at most one partial batch per phase', async () => {
    const onnx = bert.onnx;
    const original = onnx.run.bind(onnx);
    let calls = 0;
    let rows = 0;
    onnx.run = async (batch, extra) => {
      calls++;
      rows += batch.ids.length;
      assert.ok(batch.ids.length <= 64);
      return original(batch, extra);
    };
    let result;
    try {
      result = await explainText(bert, 'the acting is superb but the plot is a mess', { samples: 200 });
    } finally {
      onnx.run = original;
    }
    // Phases: the clean run, three leave-one-out passes, LIME, Kernel SHAP, and all metrics together; and at most one
    // call per explainer for the units its verdicts examine before the other operators' rows are run.
    assert.ok(rows > 200, `${rows} inputs ran`);
    assert.ok(calls <= Math.ceil(rows / 64) + 7 + result.explanations.length, `${calls} calls for ${rows} inputs`);
  });
});
