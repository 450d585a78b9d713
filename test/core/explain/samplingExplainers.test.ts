import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { erasureOperator } from '../../../src/core/erasure/operators';
import { explainText } from '../../../src/core/explain/explainText';
import { probabilities } from '../../../src/core/model/batchRunner';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { writeToyModel } from '../../helpers/toyModel';

const dir = mkdtempSync(join(tmpdir(), 'polarity-toy-'));
let toy: TextClassifier;
let bert: TextClassifier;
before(async () => {
  writeToyModel(dir);
  toy = await TextClassifier.load(dir);
  bert = await TextClassifier.load(resolveModelDir('sst2-transformer'));
});
after(async () => {
  await toy.dispose();
  await bert.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** The toy's p(positive) with only the given words present (logit difference is additive per word). */
const CONTRIBUTION = [2, 2, -1.5, 0.1]; // good good bad movie
const value = (present: Set<number>) => sigmoid([...present].reduce((s, i) => s + CONTRIBUTION[i], 0));

/** Exact Shapley values by averaging marginal contributions over all 24 orders. */
function bruteForceShapley(n: number): number[] {
  const phi = new Array<number>(n).fill(0);
  const permute = (rest: number[], prefix: number[]): void => {
    if (rest.length === 0) {
      const seen = new Set<number>();
      for (const i of prefix) {
        const before = value(seen);
        seen.add(i);
        phi[i] += value(seen) - before;
      }
      return;
    }
    rest.forEach((x, k) => permute([...rest.slice(0, k), ...rest.slice(k + 1)], [...prefix, x]));
  };
  permute([...Array(n).keys()], []);
  const orders = [...Array(n).keys()].reduce((f, k) => f * (k + 1), 1);
  return phi.map((v) => v / orders);
}

describe('Kernel SHAP', () => {
  it('enumerates every coalition of a short text and returns the exact Shapley values', async () => {
    const r = await explainText(toy, 'good good bad movie', { explainers: ['kernel-shap'], operator: 'delete' });
    const e = r.explanations[0];
    assert.equal(e.parameters.exact, true);
    bruteForceShapley(4).forEach((phi, i) =>
      assert.ok(Math.abs(e.weights![i] - phi) < 1e-5, `unit ${i}: ${e.weights![i]} vs ${phi}`),
    );
    assert.ok(e.weights![2] < 0, '"bad" suppresses the positive prediction');
  });

  it('gives a one-word text its whole effect: φ = p(ŷ|x) − p(ŷ|nothing)', async () => {
    const r = await explainText(toy, 'good', { explainers: ['kernel-shap'], operator: 'delete' });
    assert.ok(Math.abs(r.explanations[0].weights![0] - (sigmoid(2) - 0.5)) < 1e-6);
  });

  it('keeps efficiency exactly when it samples: Σφ = p(ŷ|x) − p(ŷ|everything erased)', async () => {
    const text = 'a gorgeous , witty , seductive movie that never quite lands .';
    const r = await explainText(bert, text, { explainers: ['kernel-shap'], samples: 200, seed: 5 });
    const e = r.explanations[0];
    assert.equal(e.parameters.exact, false);
    const tokens = await bert.tokenizer.encode(text);
    const input = { ids: tokens.ids, attentionMask: tokens.ids.map(() => 1) };
    const [none] = await probabilities(bert.onnx, [
      erasureOperator('delete').erase(
        input,
        r.units.flatMap((u) => u.tokens),
        {},
      ),
    ]);
    const sum = e.weights!.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - (r.prediction.probability - none[r.prediction.index])) < 1e-6);
  });
});

describe('LIME', () => {
  it('finds the polarity of the toy words, and is reproducible from its seed', async () => {
    const a = await explainText(toy, 'good good bad movie', { explainers: ['lime'], samples: 400, seed: 1 });
    const b = await explainText(toy, 'good good bad movie', { explainers: ['lime'], samples: 400, seed: 1 });
    const c = await explainText(toy, 'good good bad movie', { explainers: ['lime'], samples: 400, seed: 2 });
    const [good1, good2, bad] = a.explanations[0].weights!;
    assert.ok(good1 > 0 && good2 > 0 && bad < 0, `${a.explanations[0].weights}`);
    assert.deepEqual(a.explanations[0].weights, b.explanations[0].weights);
    assert.notDeepEqual(a.explanations[0].weights, c.explanations[0].weights);
    assert.equal(
      a.explanations[0].verdicts.every((v) => !v.violates),
      true,
    );
  });
});
