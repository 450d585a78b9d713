import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { explainText } from '../../src/core/explain/explainText';
import { headOf, HeadSource } from '../../src/core/model/modelHead';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { writeToyModel } from '../helpers/toyModel';

const source = (over: Partial<HeadSource> = {}): HeadSource => ({
  labels: undefined,
  origin: '/m/config.json',
  manifestPath: '/m/polarity-lens.json',
  ...over,
});
const sigma = (z: number) => 1 / (1 + Math.exp(-z));

describe('ModelHead: what the logits mean, read from the config', () => {
  it('two or more logits are a softmax; one logit is a sigmoid with two named classes', () => {
    const soft = headOf(3, source({ labels: ['a', 'b', 'c'] }));
    assert.equal(soft.kind, 'softmax');
    const p = soft.scores([1, 2, 3]);
    assert.ok(Math.abs(p.reduce((x, y) => x + y) - 1) < 1e-12);
    assert.equal(soft.predicted(p), 2);

    const one = headOf(1, source({ labels: ['relevant'] }));
    assert.equal(one.kind, 'sigmoid');
    assert.deepEqual(one.classes, ['not relevant', 'relevant']);
    const [neg, pos] = one.scores([2]);
    assert.ok(Math.abs(pos - sigma(2)) < 1e-12 && Math.abs(neg - sigma(-2)) < 1e-12);
    assert.equal(one.predicted(one.scores([-0.5])), 0);
    assert.deepEqual([one.targetVector(1), one.targetVector(0)], [[1], [-1]]);
    // Two names in id2label are [negative, positive].
    assert.deepEqual(headOf(1, source({ labels: ['bad', 'good'] })).classes, ['bad', 'good']);
  });

  it('problem_type decides multi-label and regression; a cross-encoder with an Identity activation is a score', () => {
    const multi = headOf(3, source({ problemType: 'multi_label_classification', labels: ['joy', 'anger', 'fear'] }));
    assert.equal(multi.kind, 'multi-label');
    assert.deepEqual(
      multi.scores([0, 2, -2]).map((v) => +v.toFixed(6)),
      [0.5, +sigma(2).toFixed(6), +sigma(-2).toFixed(6)],
    );
    assert.deepEqual(multi.targetVector(1), [0, 1, 0]);
    const reg = headOf(1, source({ problemType: 'regression' }));
    assert.equal(reg.kind, 'regression');
    assert.equal(reg.isProbability, false);
    assert.deepEqual(reg.scores([-3.5]), [-3.5]);
    assert.equal(headOf(1, source({ crossEncoderActivation: 'torch.nn.modules.linear.Identity' })).kind, 'regression');
    assert.equal(headOf(1, source({ crossEncoderActivation: 'torch.nn.modules.activation.Sigmoid' })).kind, 'sigmoid');
    // The manifest's explicit choice wins over config.json.
    assert.equal(headOf(1, source({ problemType: 'regression', head: 'sigmoid' })).kind, 'sigmoid');
  });

  it('refuses heads it cannot interpret, saying how to declare one', () => {
    assert.throws(
      () => headOf(1, source({ head: 'softmax' })),
      /a softmax over one logit is 1 for every input, so every Δ would be 0.*Set "head" in \/m\/polarity-lens\.json/,
    );
    assert.throws(() => headOf(1, source({ problemType: 'single_label_classification' })), /softmax over one logit/);
    assert.throws(
      () => headOf(2, source({ problemType: 'ordinal' })),
      /problem_type "ordinal" is not one Polarity Lens can interpret/,
    );
    assert.throws(
      () => headOf(2, source({ head: 'probit' })),
      /head must be one of softmax, sigmoid, multi-label, regression \(found "probit"\)/,
    );
    assert.throws(
      () => headOf(3, source({ head: 'sigmoid' })),
      /a sigmoid head has one logit, but this model has 3\. For one independent sigmoid per label use multi-label/,
    );
    assert.throws(
      () => headOf(2, source({ problemType: 'regression' })),
      /a regression head with 2 outputs is not supported/,
    );
    assert.throws(
      () => headOf(1, source({ labels: ['a', 'b', 'c'] })),
      /id2label names 3 classes for a single-logit sigmoid head/,
    );
    assert.throws(
      () => headOf(2, source({ problemType: 'multi_label_classification', labels: ['a', 'b', 'c'] })),
      /id2label names 3 classes \(a, b, c\) but the model's logits have 2/,
    );
  });
});

describe("Heads in the engine: Δ and gradients are of the head's own quantity", () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'pl-heads-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** The toy bag of words with one contribution per word of [PAD, UNK, good, bad, movie] and label set. */
  const toy = (name: string, embedding: number[][], config: Record<string, unknown>): string => {
    const dir = join(tmp, name);
    mkdirSync(dir);
    writeToyModel(dir, 'logits', false, { embedding, config });
    return dir;
  };
  const EXPLAINERS = ['occlusion', 'input-x-gradient', 'integrated-gradients'];

  it('a single logit is σ(z) with both classes named: Δ and ∂σ/∂e are exact, never the constant softmax of one value', async () => {
    // z = Σ contributions: good +2, bad −1.5, movie +0.1.
    const dir = toy('single', [[0], [0], [2], [-1.5], [0.1]], { id2label: { 0: 'positive' } });
    const model = await TextClassifier.load(dir, { gradientCacheDir: null });
    try {
      assert.equal(model.head.kind, 'sigmoid');
      const r = await explainText(model, 'good movie', { explainers: EXPLAINERS, metrics: false });
      assert.deepEqual(r.model.labels, ['not positive', 'positive']);
      assert.equal(r.prediction.label, 'positive');
      assert.ok(Math.abs(r.prediction.probability - sigma(2.1)) < 1e-6);
      assert.deepEqual(r.head, { kind: 'sigmoid', quantity: 'sigmoid probability σ(z)', isProbability: true });
      const del = r.impacts.find((i) => i.operator === 'delete')!;
      assert.ok(Math.abs(del.deltas[0] - (sigma(2.1) - sigma(0.1))) < 1e-6, `Δ(good) = ${del.deltas[0]}`);
      assert.ok(Math.abs(del.deltas[1] - (sigma(2.1) - sigma(2))) < 1e-6);
      // x·∂σ(z)/∂x = E[x]·σ(z)σ(−z) for this linear model.
      const ixg = r.explanations.find((e) => e.id === 'input-x-gradient')!;
      const slope = sigma(2.1) * sigma(-2.1);
      assert.ok(
        Math.abs(ixg.weights![0] - 2 * slope) < 1e-5 && Math.abs(ixg.weights![1] - 0.1 * slope) < 1e-5,
        String(ixg.weights),
      );

      // Predicted "not positive": p = σ(−z), so the gradient's sign flips.
      const neg = await explainText(model, 'bad movie', { explainers: EXPLAINERS, metrics: false });
      assert.equal(neg.prediction.label, 'not positive');
      assert.ok(Math.abs(neg.prediction.probability - sigma(1.4)) < 1e-6);
      const w = neg.explanations.find((e) => e.id === 'input-x-gradient')!.weights!;
      assert.ok(Math.abs(w[0] - 1.5 * sigma(1.4) * sigma(-1.4)) < 1e-5, `bad supports "not positive": ${w[0]}`);
      const negDelta = neg.impacts.find((i) => i.operator === 'delete')!.deltas[0];
      assert.ok(Math.abs(negDelta - (sigma(1.4) - sigma(-0.1))) < 1e-6);
    } finally {
      await model.dispose();
    }
  });

  it('any class can be the target: Δ, gradients and verdicts are then about p(target), ŷ stays the prediction', async () => {
    const sig = await TextClassifier.load(toy('single-target', [[0], [0], [2], [-1.5], [0.1]], {}), {
      gradientCacheDir: null,
    });
    const soft = await TextClassifier.load(
      // Three classes; each word pushes its own logit: good → c0, bad → c1, movie → c2.
      toy(
        'softmax-target',
        [
          [0, 0, 0],
          [0, 0, 0],
          [2, 0, 0],
          [0, 1.5, 0],
          [0, 0, 0.5],
        ],
        {
          id2label: { 0: 'pos', 1: 'neg', 2: 'neutral' },
        },
      ),
      { gradientCacheDir: null },
    );
    try {
      // Sigmoid head, "good movie" predicts positive (z = 2.1); asking for class 0 explains σ(−z).
      const r = await explainText(sig, 'good movie', { explainers: EXPLAINERS, metrics: false, target: 0 });
      assert.equal(r.prediction.index, 1);
      assert.deepEqual(r.target, {
        index: 0,
        label: r.model.labels[0],
        probability: r.prediction.probabilities[0],
        requested: true,
      });
      assert.ok(Math.abs(r.target.probability - sigma(-2.1)) < 1e-6);
      const del = r.impacts.find((i) => i.operator === 'delete')!.deltas;
      assert.ok(Math.abs(del[0] - (sigma(-2.1) - sigma(-0.1))) < 1e-6, `Δ(good) for "not positive" = ${del[0]}`);
      const w = r.explanations.find((e) => e.id === 'input-x-gradient')!;
      assert.equal(w.target, 0);
      assert.ok(w.weights![0] < 0 && Math.abs(w.weights![0] + 2 * sigma(2.1) * sigma(-2.1)) < 1e-5, String(w.weights));

      // Softmax head: the same text explained for each class; the names resolve case-insensitively and by index.
      const base = await explainText(soft, 'good bad movie', { explainers: EXPLAINERS, metrics: false });
      assert.equal(base.prediction.label, 'pos');
      assert.equal(base.target.requested, false);
      for (const target of ['NEG', 1, '1']) {
        const neg = await explainText(soft, 'good bad movie', { explainers: EXPLAINERS, metrics: false, target });
        assert.equal(neg.target.index, 1, String(target));
        assert.equal(neg.prediction.index, 0);
        const p = base.prediction.probabilities;
        // Erasing "bad" (z_neg 1.5 → 0) lowers p(neg): it supports neg, though it suppresses the prediction.
        const dNeg = neg.impacts.find((i) => i.operator === 'delete')!.deltas[1];
        const dPos = base.impacts.find((i) => i.operator === 'delete')!.deltas[1];
        assert.ok(dNeg > 0 && dPos < 0, `${dNeg} ${dPos}`);
        assert.ok(Math.abs(neg.target.probability - p[1]) < 1e-9);
        const occlusion = neg.explanations.find((e) => e.id === 'occlusion')!;
        assert.ok(
          occlusion.weights![1] > 0 &&
            occlusion.verdicts.every(
              (v) => v.delta === neg.impacts.find((i) => i.operator === v.operator)!.deltas[v.unit],
            ),
        );
      }
      await assert.rejects(
        explainText(soft, 'good', { target: 3 }),
        /No class 3 in this model; its classes are 0 pos, 1 neg, 2 neutral/,
      );
    } finally {
      await sig.dispose();
      await soft.dispose();
    }
  });

  it('a multi-label head explains one label at a time with σ(z_c), the label chosen by name or the highest by default', async () => {
    const dir = toy(
      'multi',
      [
        [0, 0, 0],
        [0, 0, 0],
        [2, -1, 0],
        [-1, 3, 0.5],
        [0.2, 0.2, -1],
      ],
      { id2label: { 0: 'joy', 1: 'anger', 2: 'fear' }, problem_type: 'multi_label_classification' },
    );
    const model = await TextClassifier.load(dir, { gradientCacheDir: null });
    try {
      const top = await explainText(model, 'bad movie', { explainers: ['input-x-gradient'], metrics: false });
      assert.equal(top.prediction.label, 'anger');
      assert.ok(Math.abs(top.prediction.probability - sigma(3.2)) < 1e-6);
      const fear = await explainText(model, 'bad movie', {
        explainers: ['input-x-gradient'],
        metrics: false,
        target: 'fear',
      });
      assert.equal(fear.target.index, 2);
      assert.equal(fear.target.requested, true);
      assert.ok(Math.abs(fear.target.probability - sigma(-0.5)) < 1e-6);
      assert.equal(fear.prediction.label, 'anger', "ŷ stays the model's most likely label");
      const del = fear.impacts.find((i) => i.operator === 'delete')!.deltas;
      assert.ok(
        Math.abs(del[0] - (sigma(-0.5) - sigma(-1))) < 1e-6 && Math.abs(del[1] - (sigma(-0.5) - sigma(0.5))) < 1e-6,
        String(del),
      );
      const w = fear.explanations[0].weights!;
      const slope = sigma(-0.5) * sigma(0.5);
      assert.ok(Math.abs(w[0] - 0.5 * slope) < 1e-5 && Math.abs(w[1] + 1 * slope) < 1e-5, String(w));
      await assert.rejects(
        explainText(model, 'bad movie', { target: 'disgust' }),
        /No class "disgust" in this model; its labels are 0 joy, 1 anger, 2 fear/,
      );
    } finally {
      await model.dispose();
    }
  });

  it('a regression head tests the change of the score itself, and a target class cannot be chosen', async () => {
    const dir = toy('regression', [[0], [0], [2], [-1.5], [0.1]], {
      id2label: { 0: 'stars' },
      problem_type: 'regression',
    });
    const model = await TextClassifier.load(dir, { gradientCacheDir: null });
    try {
      const r = await explainText(model, 'good bad movie', { explainers: EXPLAINERS, metrics: false });
      assert.equal(r.prediction.label, 'stars');
      assert.ok(Math.abs(r.prediction.probability - 0.6) < 1e-6);
      assert.equal(r.head.isProbability, false);
      const del = r.impacts.find((i) => i.operator === 'delete')!.deltas;
      [2, -1.5, 0.1].forEach((c, i) => assert.ok(Math.abs(del[i] - c) < 1e-6, `Δ${i} = ${del[i]}`));
      const ixg = r.explanations.find((e) => e.id === 'input-x-gradient')!.weights!;
      [2, -1.5, 0.1].forEach((c, i) => assert.ok(Math.abs(ixg[i] - c) < 1e-5, `w${i} = ${ixg[i]}`));
      await assert.rejects(
        explainText(model, 'good', { target: 'stars' }),
        /A target class can be chosen only for a classifier; this model's head is a regression score/,
      );
    } finally {
      await model.dispose();
    }
  });

  it('a model folder whose declared head does not fit its logits is refused at load', async () => {
    const dir = toy('bad-head', [[0], [0], [2], [-1.5], [0.1]], {
      id2label: { 0: 'x' },
      problem_type: 'single_label_classification',
    });
    await assert.rejects(
      TextClassifier.load(dir, { gradientCacheDir: null }),
      /config\.json: a softmax over one logit is 1 for every input/,
    );
    writeFileSync(join(dir, 'polarity-lens.json'), JSON.stringify({ head: 'regression' }));
    const model = await TextClassifier.load(dir, { gradientCacheDir: null });
    try {
      assert.equal(model.head.kind, 'regression');
    } finally {
      await model.dispose();
    }
  });
});
