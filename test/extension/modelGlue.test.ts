/**
 * Where the model comes from, in the extension glue (a vscode stub, the real inference process): the status bar says
 * setting, workspace pick or default; Select Model's "Use the setting" forgets the pick; a pick overriding a set
 * setting is said once; a relative polarityLens.model is the workspace folder's, whichever process reads it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { disposeAll, loadExtension, startExtension } from '../helpers/extensionHarness';
import { folder, Position, Selection, stub, StubDocument, StubEditor, Uri, workspace } from '../helpers/vscodeStub';

const { activate } = loadExtension();
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-model-glue-'));
after(() => {
  disposeAll();
  rmSync(tmp, { recursive: true, force: true });
});

/** One activation at a time: an earlier one would answer the stub's events too. */
const start = (configuration: Record<string, unknown> = {}) => {
  disposeAll();
  return startExtension(activate, { explainers: ['raw-attention'], ...configuration });
};
const editorIn = (dir: string, text = 'a gripping , moving film') =>
  new StubEditor(
    new StubDocument(Uri.file(join(dir, 'review.txt')), text),
    new Selection(new Position(0, 0), new Position(0, text.length)),
  );
const pickItems: { label: string; value?: unknown; detail?: string }[][] = [];
/** Select Model…, answered with the item `choose` finds (the items offered are kept). */
async function selectModel(choose: (items: { label: string; value?: unknown }[]) => unknown): Promise<void> {
  stub.quickPick = (items) => (pickItems.push(items), choose(items));
  await stub.commands.get('polarityLens.selectModel')!();
}
const notices = () => stub.messages.filter((m) => /overrides the polarityLens\.model setting/.test(m.text));

describe('the model: where it comes from (the extension glue)', () => {
  beforeEach(() => {
    stub.reset();
    pickItems.length = 0;
  });

  it('the status bar says default, setting or pick, and follows the setting as it changes', () => {
    start({ model: '' });
    assert.match(stub.statusBarText, /sst2-bilstm-tanh/);
    assert.doesNotMatch(stub.statusBarText, /\$\(pin\)/);
    assert.match(stub.statusBarTooltip, /The default: polarityLens\.model is not set\./);
    stub.setConfiguration('model', 'sst2-transformer');
    assert.match(stub.statusBarText, /sst2-transformer/);
    assert.match(stub.statusBarTooltip, /From the polarityLens\.model setting \(sst2-transformer\)\./);
    assert.deepEqual(stub.messages, [], 'no pick: nothing to say');
  });

  it('a pick is pinned and says once that it overrides the setting; "Use the setting" forgets it', async () => {
    start(); // polarityLens.model: sst2-cnn-dot
    await selectModel((items) => items.find((i) => i.label === 'sst2-transformer'));
    assert.ok(
      pickItems[0].every((i) => i.value !== 'use-setting'),
      'no "Use the setting" while the setting decides',
    );
    assert.equal(stub.workspaceState.get('polarityLens.model'), 'sst2-transformer');
    assert.match(stub.statusBarText, /sst2-transformer \$\(pin\)/);
    assert.match(
      stub.statusBarTooltip,
      /Picked for this workspace with Select Model… \(the pin\); it overrides the polarityLens\.model setting \(sst2-cnn-dot\)\. Select Model… → Use the setting goes back to it\./,
    );
    assert.equal(notices().length, 1);
    assert.deepEqual(notices()[0].items, ['Use the Setting']);
    // Another pick over the same setting: not said again.
    await selectModel((items) => items.find((i) => i.label === 'trec-transformer'));
    assert.equal(notices().length, 1);
    // The list now starts with the way back, naming the setting's value.
    assert.equal(pickItems[1][0].label, '$(settings-gear) Use the setting (sst2-cnn-dot)');
    await selectModel((items) => items.find((i) => i.value === 'use-setting'));
    assert.equal(stub.workspaceState.get('polarityLens.model'), undefined);
    assert.match(stub.statusBarText, /sst2-cnn-dot/);
    assert.doesNotMatch(stub.statusBarText, /\$\(pin\)/);
    assert.match(stub.statusBarTooltip, /From the polarityLens\.model setting \(sst2-cnn-dot\)\./);
    assert.ok(stub.logLines.some((l) => /the workspace's pick is forgotten/.test(l)));
  });

  it('a setting changed under a pick is not silently ignored: the notice offers "Use the Setting", which applies it', async () => {
    start();
    await selectModel((items) => items.find((i) => i.label === 'sst2-transformer'));
    stub.answer = (_text, items) => items.find((i) => i === 'Use the Setting');
    stub.setConfiguration('model', 'trec-transformer');
    await new Promise((r) => setImmediate(r));
    assert.equal(notices().length, 2, 'a new setting value: said again');
    assert.match(
      notices()[1].text,
      /uses sst2-transformer, .*overrides the polarityLens\.model setting \(trec-transformer\)/,
    );
    assert.equal(stub.workspaceState.get('polarityLens.model'), undefined, 'the pick is forgotten');
    assert.match(stub.statusBarText, /trec-transformer/);
    assert.match(stub.statusBarTooltip, /From the polarityLens\.model setting \(trec-transformer\)\./);
  });

  it('a relative polarityLens.model is the workspace folder of the active document, and the inference process loads that folder', async () => {
    const [a, b] = ['a', 'b'].map((n) => join(tmp, n));
    mkdirSync(a, { recursive: true });
    cpSync(resolveModelDir('sst2-cnn-dot'), join(b, 'models', 'cnn'), { recursive: true });
    const api = start({ model: 'models/cnn' });
    workspace.workspaceFolders = [folder(a, 0), folder(b, 1)];
    stub.setActiveEditor(editorIn(b));
    assert.match(stub.statusBarTooltip, new RegExp(`Polarity Lens model: ${escape(join(b, 'models', 'cnn'))}`));
    assert.match(stub.statusBarTooltip, /From the polarityLens\.model setting \(models\/cnn\)\./);
    const outcome = await api.explainSelection();
    assert.ok(outcome && 'result' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.result.model.dir, join(b, 'models', 'cnn'));
    assert.equal(stub.messages.length, 0, JSON.stringify(stub.messages));
    // The other folder's document: the same setting means that folder's models/cnn.
    stub.setActiveEditor(editorIn(a));
    assert.match(stub.statusBarTooltip, new RegExp(`Polarity Lens model: ${escape(join(a, 'models', 'cnn'))}`));
    // No folder at all: nothing to resolve against; said, and the default model stands in.
    workspace.workspaceFolders = undefined;
    stub.setActiveEditor(editorIn(tmp));
    assert.match(stub.statusBarText, /sst2-bilstm-tanh/);
    assert.match(stub.statusBarTooltip, /relative path models\/cnn, and no workspace folder on disk is open/);
    assert.match(stub.statusBarTooltip, /The default, in place of the polarityLens\.model setting \(models\/cnn\)\./);
  });
});

function escape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
