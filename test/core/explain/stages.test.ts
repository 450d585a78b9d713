import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import type { ConstructionFacts, Explainer } from '../../../src/core/explainers/explainer';
import { explainerById } from '../../../src/core/explainers/registry';
import { ExplanationCancelled, resolveExplainOptions } from '../../../src/core/explain/explainOptions';
import type { ExplainPart } from '../../../src/core/explain/explainResult';
import { explainText } from '../../../src/core/explain/explainText';
import { prepareText } from '../../../src/core/explain/prepareText';
import { runExplainers } from '../../../src/core/explain/runExplainers';
import { TextRuns } from '../../../src/core/explain/textRuns';
import type { ImpactSource } from '../../../src/core/explain/verdicts';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { FIXTURES } from '../../helpers/paths';
import { InputMemo } from '../../../src/core/model/inputMemo';

const TEXT = 'a gripping , funny and deeply moving film';
const FACTS: ConstructionFacts = {
  fittedOperator: 'delete',
  singleAttention: false,
  classes: 2,
  objective: 'probability',
};
let model: TextClassifier;
before(async () => (model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'))));
after(async () => model.dispose());

const settings = (extra = {}) => resolveExplainOptions({ explainers: ['raw-attention', 'occlusion'], ...extra });

/** What explainers see of TEXT, from its prepared runs (as explainText builds it). */
function explainContext(p: Awaited<ReturnType<typeof prepareText>>, runs: TextRuns) {
  return {
    text: TEXT,
    tokens: p.tokens,
    units: p.units,
    input: p.input,
    folder: model.folder,
    target: p.target,
    probabilities: p.probabilities,
    erasureContext: p.erasureContext,
    attentions: async () => p.attentions,
    pooled: p.pooled,
    leaveOneOut: runs.leaveOneOut.bind(runs),
    run: runs.run.bind(runs),
    gradients: runs.gradients.bind(runs),
    gradientsAt: runs.gradientsAt.bind(runs),
    padEmbedding: runs.padEmbedding.bind(runs),
  };
}

describe('the explain pipeline, stage by stage', () => {
  it('prepareText: units, the clean prediction and the runnable operators; notes for a cut text; refuses an empty one', async () => {
    const p = await prepareText(model, TEXT, settings());
    assert.deepEqual(
      p.units.map((u) => u.text),
      TEXT.split(' '),
    );
    assert.equal(p.target, p.probabilities.indexOf(Math.max(...p.probabilities)));
    assert.deepEqual(p.operators, ['delete', 'zero-embedding', 'attention-mask']);
    assert.deepEqual((await prepareText(model, TEXT, settings({ operator: 'mask-token' }))).operators, [
      'delete',
      'zero-embedding',
      'attention-mask',
      'mask-token',
    ]);
    const short = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'), { maxTokens: 5 });
    try {
      const cut = await prepareText(short, TEXT, settings());
      assert.ok(cut.tokens.truncated);
      assert.match(cut.notes.join(' '), /longer than the 5-token maximum/);
    } finally {
      await short.dispose();
    }
    await assert.rejects(prepareText(model, '  ', settings()), /Nothing to explain: the text is empty/);
  });

  it('prepareText: any class (a label) can be the target, by name, index or digits; ŷ is kept beside it', async () => {
    const multi = await TextClassifier.load(join(FIXTURES, 'zoo', 'bert-multilabel'));
    try {
      const fear = await prepareText(multi, TEXT, settings(), 'fear');
      assert.deepEqual([fear.target, fear.targetRequested], [2, true]);
      assert.equal(fear.predicted, multi.head.predicted(fear.probabilities));
      assert.equal((await prepareText(multi, TEXT, settings(), 1)).target, 1);
      await assert.rejects(prepareText(multi, TEXT, settings(), 'sadness'), /No class "sadness"/);
    } finally {
      await multi.dispose();
    }
    const plain = await prepareText(model, TEXT, settings());
    assert.deepEqual([plain.target, plain.targetRequested], [plain.predicted, false]);
    const other = 1 - plain.predicted;
    const byName = await prepareText(model, TEXT, settings(), model.head.classes[other].toUpperCase());
    assert.deepEqual([byName.target, byName.predicted], [other, plain.predicted], 'names match regardless of case');
    assert.equal((await prepareText(model, TEXT, settings(), String(other))).target, other);
    await assert.rejects(prepareText(model, TEXT, settings(), 7), /No class 7 in this model; its classes are 0 /);
  });

  it('TextRuns: an input is run once however often it is asked for; a leave-one-out pass once per operator, equal to single erasures', async () => {
    const p = await prepareText(model, TEXT, settings());
    const runs = new TextRuns(model, { ...p, objective: 'probability' });
    const first = await runs.leaveOneOut('delete');
    assert.equal(runs.forwardRuns, p.units.length);
    assert.equal(await runs.leaveOneOut('delete'), first, 'the same pass');
    const single = await runs.deltasAt(p.units.map((_, unit) => ({ operator: 'delete' as const, unit })));
    assert.deepEqual(single, first.deltas);
    assert.equal(runs.forwardRuns, p.units.length, 'single erasures of known inputs cost nothing');
    await runs.run([p.input, p.input]);
    assert.equal(runs.forwardRuns, p.units.length, 'the clean input is known');
    assert.equal(await runs.gradients(), await runs.gradients('gradient'), 'one clean gradient run per variant');
  });

  it("TextRuns sharing a memo (a multi-label row's labels) erase each input once for every class they read", async () => {
    const p = await prepareText(model, TEXT, settings());
    const memo = new InputMemo(model.onnx, (logits) => model.scores(logits));
    const first = new TextRuns(model, { ...p, objective: 'probability' }, memo);
    const other = 1 - p.target;
    const second = new TextRuns(model, { ...p, target: other, objective: 'probability' }, memo);
    const a = await first.leaveOneOut('delete');
    const ran = memo.ran;
    const b = await second.leaveOneOut('delete');
    assert.equal(memo.ran, ran, 'the second class reads the same runs');
    assert.deepEqual(
      b.deltas,
      a.erased.map((q) => p.probabilities[other] - q[other]),
    );
  });

  it('runExplainers: cheapest first, rows back in the asked order; a failing explainer is a row with its error; a reused row is not recomputed', async () => {
    const p = await prepareText(model, TEXT, settings());
    const runs = new TextRuns(model, { ...p, objective: 'probability' });
    const context = explainContext(p, runs);
    const impacts: ImpactSource = {
      operators: ['delete'],
      units: p.units.length,
      row: () => undefined,
      deltasAt: (r) => runs.deltasAt(r),
    };
    const broken: Explainer = {
      ...explainerById('random'),
      id: 'broken',
      explain: async () => {
        throw new Error('no weights today');
      },
    };
    let calls = 0;
    const counted: Explainer = {
      ...explainerById('occlusion'),
      explain: async (ctx, s) => (calls++, explainerById('occlusion').explain(ctx, s)),
    };
    const parts: ExplainPart[] = [];
    const order = [counted, explainerById('raw-attention'), broken];
    const rows = await runExplainers(order, {
      context,
      settings: settings(),
      impacts,
      facts: FACTS,
      emit: (part) => parts.push(part),
    });
    assert.deepEqual(
      rows.map((r) => r.id),
      ['occlusion', 'raw-attention', 'broken'],
    );
    assert.deepEqual(
      parts.map((x) => (x.part === 'explanation' ? x.explanation.id : '')),
      ['raw-attention', 'broken', 'occlusion'],
      'clean-run explainers before erasures',
    );
    assert.equal(rows[2].error, 'no weights today');
    assert.equal(rows[2].weights, null);
    assert.equal(rows[0].verdicts[0].delta, (await runs.leaveOneOut('delete')).deltas[rows[0].verdicts[0].unit]);
    // Occlusion's weights are the delete Δs: that verdict is marked, and the held-out mean leaves it out.
    const marked = rows[0].verdicts.filter((v) => v.byConstruction).map((v) => v.operator);
    assert.deepEqual(marked, ['delete']);
    // This stage is judged under delete alone: with its only verdict marked, nothing is held out.
    assert.deepEqual(
      rows[0].verdicts.map((v) => v.operator),
      ['delete'],
    );
    assert.equal(rows[0].heldOutMean, null);
    assert.equal(rows[1].verdicts.filter((v) => v.byConstruction).length, 0, 'raw attention is fitted to nothing');
    assert.equal(rows[1].heldOutMean, rows[1].violationMean);
    const again = await runExplainers(order, { context, settings: settings(), impacts, facts: FACTS, reuse: rows });
    assert.equal(calls, 1, 'the reused occlusion row was not recomputed');
    assert.deepEqual(again[0].weights, rows[0].weights);
    await assert.rejects(
      runExplainers(order, { context, settings: settings(), impacts, facts: FACTS, cancelled: () => true }),
      ExplanationCancelled,
    );
  });

  it('runExplainers with batched verdicts: one batch of top-unit erasures; an explainer with the wrong number of weights fails alone', async () => {
    const p = await prepareText(model, TEXT, settings());
    const memo = new InputMemo(model.onnx, (l) => model.scores(l));
    const runs = new TextRuns(model, { ...p, objective: 'probability' }, memo);
    const context = explainContext(p, runs);
    /** Each request for erasures: how many, and the model inputs run before it. */
    const asked: { n: number; ranBefore: number }[] = [];
    const impacts: ImpactSource = {
      operators: ['delete', 'zero-embedding', 'attention-mask'],
      units: p.units.length,
      row: () => undefined,
      deltasAt: (r) => (asked.push({ n: r.length, ranBefore: memo.ran }), runs.deltasAt(r)),
    };
    const tooMany: Explainer = {
      ...explainerById('random'),
      id: 'too-many',
      explain: async () => ({ weights: [...p.units.map(() => 0.1), 0.9], quantity: 'w', parameters: {} }),
    };
    const rows = await runExplainers([explainerById('raw-attention'), explainerById('random'), tooMany], {
      context,
      settings: settings(),
      impacts,
      facts: FACTS,
      batchVerdicts: { alsoJudged: [] },
    });
    // First one batch of every valid explainer's top unit under every operator, then each verdict finds its own run.
    const tops = new Set(rows.slice(0, 2).map((r) => r.verdicts[0].unit));
    assert.equal(asked[0].n, impacts.operators.length * tops.size);
    assert.equal(asked.length, 3, 'the batch, then one lookup per explainer with weights of the right length');
    assert.ok(asked.slice(1).every((a) => a.n === impacts.operators.length && a.ranBefore === memo.ran));
    assert.ok(asked[0].ranBefore < memo.ran);
    assert.deepEqual(
      rows.map((r) => [r.id, r.verdicts.length]),
      [
        ['raw-attention', 3],
        ['random', 3],
        ['too-many', 0],
      ],
    );
    assert.equal(rows[2].error, `${p.units.length + 1} weights for ${p.units.length} units`);
  });
  it('explainText runs the stages in order: the prediction, the chosen impact row, the explainers, then the other rows', async () => {
    const parts: string[] = [];
    const result = await explainText(model, TEXT, {
      explainers: ['raw-attention', 'occlusion'],
      operator: 'attention-mask',
      metrics: false,
      onPart: (p) =>
        parts.push(
          p.part === 'impact' ? `impact ${p.impact.operator}` : p.part === 'explanation' ? p.explanation.id : p.part,
        ),
    });
    assert.deepEqual(parts, [
      'prediction',
      'impact attention-mask',
      'raw-attention',
      'occlusion',
      'impact delete',
      'impact zero-embedding',
    ]);
    assert.deepEqual(
      result.impacts.map((i) => i.operator),
      ['delete', 'zero-embedding', 'attention-mask'],
    );
  });
});
