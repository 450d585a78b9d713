import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PartialExplanation, withPart } from '../../../src/core/explain/explainParts';
import type { ExplainPart, VerdictRow } from '../../../src/core/explain/explainResult';
import { explainText } from '../../../src/core/explain/explainText';
import { EXPLAINER_COSTS } from '../../../src/core/explainers/explainer';
import { explainerById, EXPLAINERS } from '../../../src/core/explainers/registry';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { runCli } from '../../helpers/runCli';

describe('An explanation streams in parts', () => {
  let model: TextClassifier;
  before(async () => {
    model = await TextClassifier.load(resolveModelDir('sst2-transformer'));
  });
  after(async () => {
    await model.dispose();
  });

  it("the prediction first, then the chosen operator's impact row, then every explainer cheapest first with its verdicts, then the other impact rows", async () => {
    const parts: ExplainPart[] = [];
    const ids = EXPLAINERS.map((e) => e.id);
    const result = await explainText(model, 'a gripping , moving film', {
      explainers: ids,
      operator: 'attention-mask',
      samples: 40,
      onPart: (p) => parts.push(structuredClone(p)),
    });
    const [first, ...rest] = parts;
    assert.equal(first.part, 'prediction');
    assert.ok(first.part === 'prediction');
    assert.deepEqual(first.result.prediction, result.prediction);
    assert.deepEqual(first.result.attention, result.attention);
    assert.deepEqual([first.result.impacts, first.result.explanations], [[], []]);
    assert.deepEqual(first.pending, ids);
    assert.deepEqual(
      rest.map((p) => p.part),
      ['impact', ...ids.map(() => 'explanation'), 'impact', 'impact'],
    );
    assert.deepEqual(
      rest.flatMap((p) => (p.part === 'impact' ? [p.impact.operator] : [])),
      ['attention-mask', 'delete', 'zero-embedding'],
    );
    const explanations = rest.flatMap((p) => (p.part === 'explanation' ? [p] : []));
    assert.deepEqual(explanations.map((p) => p.explanation.id).sort(), [...ids].sort());
    const costs = explanations.map((p) => EXPLAINER_COSTS.indexOf(explainerById(p.explanation.id).cost));
    assert.deepEqual(
      costs,
      [...costs].sort((a, b) => a - b),
      'cheapest first',
    );
    explanations.forEach((p, k) => assert.equal(p.pending.length, ids.length - k - 1));
    let judged = 0;
    for (const p of explanations) {
      const final = result.explanations.find((e) => e.id === p.explanation.id)!;
      assert.deepEqual(p.explanation.weights, final.weights);
      if (!final.weights) continue;
      // A streamed verdict examined the same unit and measured the same Δ (one erasure) as the whole row later did.
      const strip = (v: VerdictRow) => ({
        operator: v.operator,
        unit: v.unit,
        weight: v.weight,
        delta: v.delta,
        violates: v.violates,
      });
      assert.deepEqual(p.explanation.verdicts.map(strip), final.verdicts.map(strip));
      for (const v of final.verdicts)
        assert.equal(v.delta, result.impacts.find((i) => i.operator === v.operator)!.deltas[v.unit]);
      // Token-level rates need a whole row: known for the chosen operator when the part came, the rest in the result.
      for (const v of p.explanation.verdicts)
        assert.equal(v.tokenLevelRate === null, v.operator !== 'attention-mask', `${p.explanation.id} ${v.operator}`);
      assert.ok(final.verdicts.every((v) => typeof v.tokenLevelRate === 'number'));
      judged++;
    }
    assert.ok(judged >= 15, `${judged} explainers judged`);
    // The result keeps the requested order, with the metrics the parts do not carry.
    assert.deepEqual(
      result.explanations.map((e) => e.id),
      ids,
    );
    assert.ok(result.explanations.every((e) => e.weights === null || e.metrics.length > 0));
  });

  it('explain --format jsonl prints one line per part, then the result', () => {
    const r = runCli([
      'explain',
      'a gripping , moving film',
      '--model',
      'sst2-cnn-dot',
      '--format',
      'jsonl',
      '--explainers',
      'lime,raw-attention',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { part: string; explanation?: { id: string } });
    assert.deepEqual(
      lines.map((l) => l.part),
      ['prediction', 'impact', 'explanation', 'explanation', 'impact', 'impact', 'result'],
    );
    assert.deepEqual(
      lines.filter((l) => l.explanation).map((l) => l.explanation!.id),
      ['raw-attention', 'lime'],
    );
  });
});

describe('withPart: the result so far', () => {
  it('assembles the parts of a run into the result, rows in the requested order, metrics aside', async () => {
    const model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
    try {
      const parts: ExplainPart[] = [];
      const ids = ['lime', 'raw-attention', 'occlusion'];
      const result = await explainText(model, 'a gorgeous , witty film', {
        explainers: ids,
        samples: 30,
        onPart: (p) => parts.push(structuredClone(p)),
      });
      let partial: PartialExplanation | undefined;
      assert.equal(withPart(undefined, parts[1]), undefined, 'nothing before the prediction');
      const seen: string[][] = [];
      for (const part of parts) {
        partial = withPart(partial, part);
        seen.push(partial!.result.explanations.map((e) => e.id));
      }
      assert.deepEqual(seen.at(-1), ids);
      assert.deepEqual(
        seen.filter((s) => s.length === 1),
        [['raw-attention']],
        'the cheapest first, then in the requested order',
      );
      assert.deepEqual(partial!.pending, []);
      assert.deepEqual(
        partial!.result.impacts.map((i) => i.operator).sort(),
        result.impacts.map((i) => i.operator).sort(),
      );
      assert.deepEqual(
        partial!.result.explanations.map((e) => e.weights),
        result.explanations.map((e) => e.weights),
      );
    } finally {
      await model.dispose();
    }
  });
});
