/**
 * Comparing two models in the explain panel, against the vscode stub with the real inference process: the second
 * model explains the text on screen with the same settings, keeps doing so for the next texts, and stops on request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { disposeAll, loadExtension, startExtension } from '../helpers/extensionHarness';
import { Position, Selection, stub, StubDocument, StubEditor, Uri, window } from '../helpers/vscodeStub';
import { waitUntil } from '../helpers/waitUntil';

const { activate } = loadExtension();
type Posted = { type: string; result?: ExplainResult | null };
const FAST = ['raw-attention', 'attention-x-gradient', 'occlusion'];
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-compare-'));
after(() => {
  disposeAll();
  rmSync(tmp, { recursive: true, force: true });
});

function select(text: string): void {
  const editor = new StubEditor(
    new StubDocument(Uri.file(join(tmp, 'review.txt')), text),
    new Selection(new Position(0, 0), new Position(0, text.length)),
  );
  window.activeTextEditor = editor;
  window.visibleTextEditors = [editor];
}

const posted = (): Posted[] => stub.panels[stub.panels.length - 1].posted as Posted[];
const comparisons = (): Posted[] => posted().filter((m) => m.type === 'comparison');

describe('comparing two models in the explain panel', () => {
  beforeEach(() => stub.reset());

  it('explains the text on screen with the picked model, the same settings, and again for the next text; stops on request', async () => {
    const api = startExtension(activate, { explainers: FAST });
    select('a gorgeous , witty film');
    const first = await api.explainSelection();
    assert.ok(first && 'result' in first);
    assert.equal(first.result.model.name, 'sst2-cnn-dot');

    let offered: string[] = [];
    stub.quickPick = (items) => {
      offered = items.map((i) => i.label);
      return items.find((i) => i.label === 'sst2-transformer');
    };
    stub.panels[stub.panels.length - 1].send({ type: 'compare' });
    await waitUntil(() => comparisons().length === 1);
    assert.ok(!offered.includes('sst2-cnn-dot'), 'the model on screen is not offered');
    const compared = comparisons()[0].result!;
    assert.equal(compared.model.name, 'sst2-transformer');
    assert.equal(compared.text, first.result.text);
    assert.deepEqual(
      compared.explanations.map((e) => e.id),
      FAST,
    );
    // The second model's own numbers: its prediction is what it computes for the text.
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'));
    try {
      const [{ probabilities }] = await model.predict([first.result.text]);
      assert.ok(Math.abs(probabilities[compared.prediction.index] - compared.prediction.probability) < 1e-6);
    } finally {
      await model.dispose();
    }
    assert.equal(api.lastComparison()?.model.name, 'sst2-transformer');

    // The next text is compared too, without asking again.
    select('dull and far too long');
    await api.explainSelection();
    await waitUntil(() => comparisons().length === 2);
    assert.equal(comparisons()[1].result!.text, 'dull and far too long');

    stub.panels[stub.panels.length - 1].send({ type: 'compare-off' });
    assert.deepEqual(posted().at(-1), { type: 'comparison', result: null });
    select('a warm , funny film');
    await api.explainSelection();
    assert.equal(comparisons().length, 3, 'nothing compared after stopping');
    assert.equal(api.lastComparison(), undefined);
  });

  it('a second model that cannot run ends the comparison with its reason; the first result stays', async () => {
    const api = startExtension(activate, { explainers: FAST });
    select('a gorgeous , witty film');
    await api.explainSelection();
    const outcome = await api.compareWith(tmp);
    assert.ok(outcome && 'error' in outcome, JSON.stringify(outcome));
    const failed = posted().at(-1)!;
    assert.equal(failed.type, 'failed');
    assert.equal(api.lastComparison(), undefined);
    assert.equal(api.lastResult()?.model.name, 'sst2-cnn-dot');
    select('dull and far too long');
    await api.explainSelection();
    assert.equal(comparisons().length, 0, 'a failed model is not tried again on the next text');
  });
});
