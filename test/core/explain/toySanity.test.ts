import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { explainText } from '../../../src/core/explain/explainText';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { writeToyModel } from '../../helpers/toyModel';

const dir = mkdtempSync(join(tmpdir(), 'polarity-toy-'));
let toy: TextClassifier;
before(async () => {
  writeToyModel(dir);
  toy = await TextClassifier.load(dir);
});
after(async () => {
  await toy.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** σ(x): with two classes, p(positive) = σ(logit_pos − logit_neg). */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('the toy sanity case (a sanity case of the method: an explainer must agree with a model built to be explained)', () => {
  it('measures exact impacts: erasing a positive word lowers p(ŷ), erasing the negative word raises it', async () => {
    const r = await explainText(toy, 'good good bad movie', { explainers: [] });
    assert.equal(r.prediction.label, 'positive');
    const p = sigmoid(4.1 - 1.5);
    assert.ok(Math.abs(r.prediction.probability - p) < 1e-6);
    for (const impact of r.impacts) {
      const [good, , bad, movie] = impact.deltas;
      assert.ok(Math.abs(good - (p - sigmoid(2.1 - 1.5))) < 1e-5, `${impact.operator} good`);
      assert.ok(Math.abs(bad - (p - sigmoid(4.1))) < 1e-5, `${impact.operator} bad`);
      assert.ok(Math.abs(movie - (p - sigmoid(4.0 - 1.5))) < 1e-5, `${impact.operator} movie`);
      assert.deepEqual(impact.polarity, ['supports', 'supports', 'suppresses', 'supports']);
    }
  });

  it('raw attention puts its weight on the suppressing word and violates; leave-one-out does not', async () => {
    const r = await explainText(toy, 'good good bad movie', { explainers: ['raw-attention', 'occlusion'] });
    const [raw, occlusion] = r.explanations;
    for (const v of raw.verdicts) {
      assert.equal(r.units[v.unit].text, 'bad');
      assert.equal(v.violates, true, v.operator);
    }
    assert.equal(raw.violationMean, 1);
    for (const v of occlusion.verdicts) {
      assert.equal(r.units[v.unit].text, 'good', 'the tie between the two "good"s goes to the first');
      assert.equal(v.unit, 0);
      assert.equal(v.violates, false, v.operator);
    }
    assert.equal(occlusion.violationMean, 0);
  });
});

describe('faithfulness metrics on the toy model (exact values)', () => {
  const p = sigmoid(2.6);
  const value = (r: Awaited<ReturnType<typeof explainText>>, explainer: number, id: string) =>
    r.explanations[explainer].metrics.find((m) => m.id === id)!.value!;

  it('comprehensiveness, sufficiency and AOPC follow the signed-weight ranking', async () => {
    const r = await explainText(toy, 'good good bad movie', { explainers: ['occlusion'], operator: 'delete' });
    // Occlusion ranks good, good, movie, bad. Bins of 4 units: 1, 1, 1, 1, 2.
    const comp = (4 * (p - sigmoid(0.6)) + (p - sigmoid(-1.4))) / 5;
    const suff = (4 * (p - sigmoid(2)) + (p - sigmoid(4))) / 5;
    const aopc = (p - sigmoid(0.6) + (p - sigmoid(-1.4)) + (p - sigmoid(-1.5)) + (p - 0.5)) / 5;
    assert.ok(Math.abs(value(r, 0, 'comprehensiveness') - comp) < 1e-5);
    assert.ok(Math.abs(value(r, 0, 'sufficiency') - suff) < 1e-5);
    assert.ok(Math.abs(value(r, 0, 'aopc') - aopc) < 1e-5);
    assert.equal(value(r, 0, 'spearman-loo'), 1, 'occlusion ranks |Δ| exactly');
    assert.equal(value(r, 0, 'decision-flip'), 0, 'one "good" less still reads positive');
  });

  it('ranks raw attention below occlusion on every metric where the ranking matters', async () => {
    const r = await explainText(toy, 'good good bad movie', { explainers: ['raw-attention', 'occlusion'] });
    assert.ok(value(r, 0, 'comprehensiveness') < value(r, 1, 'comprehensiveness'));
    assert.ok(value(r, 0, 'aopc') < value(r, 1, 'aopc'));
    assert.ok(value(r, 0, 'sufficiency') > value(r, 1, 'sufficiency'));
    assert.ok(value(r, 0, 'spearman-loo') < value(r, 1, 'spearman-loo'));
  });
});

describe('ŷ stays fixed', () => {
  it('Δ measures the clean prediction even where erasing a word flips it', async () => {
    const r = await explainText(toy, 'bad movie', { explainers: ['raw-attention'] });
    assert.equal(r.prediction.label, 'negative');
    const pNeg = sigmoid(1.5 - 0.1);
    const bad = r.impacts.find((i) => i.operator === 'delete')!.deltas[0];
    // Without "bad" the toy predicts positive, yet Δ is still about p(negative).
    assert.ok(Math.abs(bad - (pNeg - sigmoid(-0.1))) < 1e-5);
    assert.equal(r.explanations[0].metrics.find((m) => m.id === 'decision-flip')!.value, 1);
  });
});
