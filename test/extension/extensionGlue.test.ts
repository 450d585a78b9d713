import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { disposeAll, loadExtension, startExtension, STORAGE_DIR } from '../helpers/extensionHarness';
import { FIXTURES } from '../helpers/paths';
import type { PanelSettings } from '../../src/pages/explain/explainProtocol';
import {
  Position,
  Selection,
  stub,
  StubDocument,
  StubEditor,
  StubWebviewPanel,
  Uri,
  window,
} from '../helpers/vscodeStub';

const { activate } = loadExtension();
type Api = ReturnType<typeof activate>;
type Posted = {
  type: string;
  result?: {
    text: string;
    prediction: { label: string; index: number };
    target: { index: number; label: string; probability: number; requested: boolean };
    explanations: { id: string; weights: number[] | null; runtimeMs: number }[];
    units: { text: string }[];
  };
  recomputed?: string[];
  cancelled?: boolean;
  restored?: { explainedAt: string; from: string };
};

const FAST = ['raw-attention', 'attention-x-gradient', 'integrated-gradients', 'occlusion'];
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-glue-'));
after(() => {
  disposeAll();
  rmSync(tmp, { recursive: true, force: true });
});

const start = (configuration: Record<string, unknown> = {}): Api =>
  startExtension(activate, { explainers: FAST, ...configuration });

function open(text: string, from: [number, number], to: [number, number]): StubEditor {
  const editor = new StubEditor(
    new StubDocument(Uri.file(join(tmp, 'review.txt')), text),
    new Selection(new Position(...from), new Position(...to)),
  );
  window.activeTextEditor = editor;
  window.visibleTextEditors = [editor];
  return editor;
}

const panel = (): StubWebviewPanel => stub.panels[stub.panels.length - 1];
const posted = (): Posted[] => panel().posted as Posted[];
const lastShow = (): Posted =>
  posted()
    .filter((m) => m.type === 'show')
    .pop()!;

describe('the extension glue (against a vscode stub, with the real inference process)', () => {
  beforeEach(() => stub.reset());

  it('registers its commands and shows the model in the status bar', () => {
    start();
    for (const id of [
      'polarityLens.explainSelection',
      'polarityLens.selectModel',
      'polarityLens.clearDecorations',
      'polarityLens.showLog',
    ]) {
      assert.ok(stub.commands.has(id), id);
    }
    assert.match(stub.statusBarText, /sst2-cnn-dot/);
  });

  it('explains the selection: a busy panel, then the result, editor colours with hovers, and the prediction in the status bar', async () => {
    const api = start();
    const editor = open('first line\nthe acting is dreadful but the music is lovely\nlast', [1, 4], [1, 46]);
    const outcome = await api.explainSelection();
    assert.ok(outcome && 'result' in outcome, JSON.stringify(outcome));
    const { result } = outcome;
    assert.equal(result.text, 'acting is dreadful but the music is lovely');
    assert.deepEqual(
      result.explanations.map((r) => r.id),
      FAST,
    );
    assert.deepEqual(
      posted()
        .filter((m) => m.type !== 'partial')
        .map((m) => m.type),
      ['busy', 'show'],
    );
    assert.ok(
      posted().findIndex((m) => m.type === 'partial') < posted().findIndex((m) => m.type === 'show'),
      'parts were drawn before the result',
    );
    assert.equal(lastShow().result!.text, result.text);
    // The panel document: scripts only with this load's nonce, and nothing to fetch.
    const html = panel().webview.html;
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=_-]+)'/.exec(html)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'a CSP nonce');
    assert.match(html, /default-src 'none'/);
    for (const tag of html.match(/<script[^>]*>/g) ?? []) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    assert.deepEqual(panel().webview.options.localResourceRoots, [], 'the page loads nothing: every asset is inline');
    const markup = html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, '');
    assert.doesNotMatch(markup, /\b(src|href)=/i, 'no element fetches anything');
    // Every unit is coloured in the editor at its own characters, with its weight and its measured Δ in the hover.
    const decorated = editor.decorated();
    assert.deepEqual(
      decorated.map((d) => d.text),
      result.units.map((u) => u.text),
    );
    const row = result.explanations.find((r) => r.id === 'attention-x-gradient')!;
    assert.ok(decorated[0].hover.startsWith(`${row.label}: `), decorated[0].hover);
    assert.match(decorated[0].hover, /Erasing it \(slice_out\): p\(\w+\) (rises|falls) by/);
    assert.ok(
      decorated.some((d) => /Top unit of/.test(d.hover)),
      'the top unit is marked',
    );
    assert.match(
      stub.statusBarText,
      new RegExp(`${result.prediction.label} ${result.prediction.probability.toFixed(2)}`),
    );
  });

  it('explains the cursor line when nothing is selected, and refuses an empty line with a message', async () => {
    const api = start();
    open('\nan utterly charming film', [1, 3], [1, 3]);
    const outcome = await api.explainSelection();
    assert.ok(outcome && 'result' in outcome);
    assert.equal(outcome.result.text, 'an utterly charming film');
    open('\n   \nx', [1, 1], [1, 1]);
    assert.equal(await api.explainSelection(), undefined);
    assert.match(stub.messages.pop()!.text, /current line is empty/);
  });

  it('re-runs only what a control changed, and nothing at all when explainers are only hidden', async () => {
    const api = start();
    open('a solid , well-acted thriller', [0, 0], [0, 29]);
    const first = await api.explainSelection();
    assert.ok(first && 'result' in first);
    const settings = {
      explainers: FAST,
      operator: 'delete',
      granularity: 'word',
      objective: 'probability',
      igSteps: 20,
    };
    panel().send({ type: 'settings', settings: { ...settings, igSteps: 40 } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 2);
    assert.deepEqual(lastShow().recomputed, ['integrated-gradients']);
    const again = lastShow().result!;
    for (const id of ['raw-attention', 'attention-x-gradient', 'occlusion']) {
      assert.deepEqual(
        again.explanations.find((r) => r.id === id)!.weights,
        first.result.explanations.find((r) => r.id === id)!.weights,
        id,
      );
    }
    const ig = (r: { explanations: { id: string; weights: number[] | null }[] }) =>
      r.explanations.find((e) => e.id === 'integrated-gradients')!.weights;
    assert.notDeepEqual(ig(again), ig(first.result), 'IG with 40 steps is a different Riemann sum');
    panel().send({ type: 'settings', settings: { ...settings, igSteps: 40, explainers: ['occlusion'] } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 3);
    assert.deepEqual(lastShow().recomputed, []);
    assert.deepEqual(
      lastShow().result!.explanations.map((r) => r.id),
      ['occlusion'],
    );
    // Shown again: the hidden rows come back from memory; then the objective re-runs the gradient explainers only.
    panel().send({ type: 'settings', settings: { ...settings, igSteps: 40 } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 4);
    assert.deepEqual(lastShow().recomputed, []);
    assert.deepEqual(
      lastShow().result!.explanations.map((r) => r.id),
      FAST,
    );
    panel().send({ type: 'settings', settings: { ...settings, igSteps: 40, objective: 'logit' } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 5);
    assert.deepEqual(lastShow().recomputed, ['attention-x-gradient', 'integrated-gradients']);
  });

  it('cancel stops the run, says so in the panel, and the next run works', async () => {
    const api = start({ explainers: ['lime'], 'sampling.samples': 10000, model: 'sst2-bilstm-tanh' });
    open('a long and winding review that goes on and on about nothing at all', [0, 0], [0, 68]);
    stub.onProgress = (cancel) => setTimeout(cancel, 300);
    const started = Date.now();
    const outcome = await api.explainSelection();
    assert.deepEqual(outcome, { cancelled: true });
    assert.ok(Date.now() - started < 20_000);
    assert.deepEqual(posted().pop(), { type: 'failed', message: 'Cancelled.', cancelled: true });
    stub.onProgress = undefined;
    stub.configuration['sampling.samples'] = 20;
    const next = await api.explainSelection();
    assert.ok(next && 'result' in next);
    // Cancelled before any explainer finished: the panel goes back to the previous result, not a bare prediction.
    stub.configuration['sampling.samples'] = 10000;
    open(
      'another long review that rambles on and on about very little , cancelled before anything finished',
      [0, 0],
      [0, 97],
    );
    stub.onProgress = (cancel) => setTimeout(cancel, 300);
    assert.deepEqual(await api.explainSelection(), { cancelled: true });
    const [shown, failed] = posted().slice(-2);
    assert.deepEqual(failed, { type: 'failed', message: 'Cancelled.', cancelled: true });
    assert.equal(shown.type, 'show');
    assert.equal(shown.result!.text, next.result.text);
    stub.onProgress = undefined;
  });

  it('the panel draws each part as it comes, and keeps the finished explainers when the run is cancelled', async () => {
    const api = start({ explainers: ['raw-attention', 'lime'], 'sampling.samples': 10000, model: 'sst2-bilstm-tanh' });
    open('a long and winding review that goes on and on about nothing at all', [0, 0], [0, 68]);
    type Partial = Posted & { pending: string[]; result: { impacts: unknown[] } };
    const partials = () => posted().filter((m) => m.type === 'partial') as Partial[];
    // Cancel once raw attention (cheap) has arrived and LIME (10,000 samples) still runs.
    stub.onProgress = (cancel) =>
      void waitFor(() => partials().some((p) => p.result.explanations.length === 1)).then(cancel);
    const outcome = await api.explainSelection();
    assert.deepEqual(outcome, { cancelled: true });
    const [first] = partials();
    assert.deepEqual(
      [first.result.explanations.length, first.result.impacts.length, first.pending],
      [0, 0, ['raw-attention', 'lime']],
    );
    assert.equal(first.result.prediction.label.length > 0, true);
    const withRow = partials().find((p) => p.result.explanations.length === 1)!;
    assert.equal(
      withRow.result.impacts.length,
      1,
      "the chosen operator's impact row before the first explanation, the others after the explainers",
    );
    assert.deepEqual([withRow.result.explanations[0].id, withRow.pending], ['raw-attention', ['lime']]);
    assert.deepEqual(posted().pop(), {
      type: 'failed',
      message: 'Cancelled: the 1 explainer that finished is shown; not run: lime.',
      cancelled: true,
    });
    assert.equal(posted().filter((m) => m.type === 'show').length, 0, 'a cancelled run is never shown as complete');
    stub.onProgress = undefined;
  });

  it('reports an inference crash, keeps the extension alive, and restarts the process', async () => {
    const api = start({ explainers: ['lime'], 'sampling.samples': 10000, model: 'sst2-bilstm-tanh' });
    open('this request is in flight when the inference process dies', [0, 0], [0, 58]);
    stub.onProgress = () => setTimeout(() => process.kill(api.inferencePid()!, 'SIGKILL'), 300);
    const outcome = await api.explainSelection();
    assert.ok(outcome && 'error' in outcome);
    assert.match(outcome.error, /killed \(SIGKILL\).*restarted/);
    assert.ok(stub.messages.some((m) => m.level === 'error' && /SIGKILL/.test(m.text)));
    stub.onProgress = undefined;
    stub.configuration['sampling.samples'] = 20;
    assert.ok(await api.explainSelection().then((o) => o && 'result' in o));
  });

  it('clears the editor colours when the document changes, and on the clear command', async () => {
    const api = start();
    const editor = open('warm and funny', [0, 0], [0, 14]);
    await api.explainSelection();
    assert.equal(editor.decorated().length, 3);
    editor.document.edit('warm and funny!');
    assert.equal(editor.decorated().length, 0);
    await api.explainSelection();
    assert.equal(editor.decorated().length, 3);
    await stub.commands.get('polarityLens.clearDecorations')!();
    assert.equal(editor.decorated().length, 0);
  });

  it('exports the explanation as JSON and as a self-contained HTML page', async () => {
    const api = start();
    open('a <b>bold</b> </script> claim', [0, 0], [0, 29]);
    await api.explainSelection();
    const json = await api.exportLast('json', Uri.file(join(tmp, 'x.json')) as never);
    assert.ok(json);
    assert.deepEqual(
      JSON.parse(readFileSync(join(tmp, 'x.json'), 'utf8')),
      JSON.parse(JSON.stringify(api.lastResult())),
    );
    await api.exportLast('html', Uri.file(join(tmp, 'x.html')) as never);
    const html = readFileSync(join(tmp, 'x.html'), 'utf8');
    assert.doesNotMatch(html, /(src|href)="https?:/, 'no remote assets');
    assert.equal(
      html.split('</script>').length - 1,
      (html.match(/<script/g) ?? []).length,
      'the data cannot close a script tag',
    );
  });

  it('Select Model remembers the pick per workspace; a bad folder is refused with the reason', async () => {
    start();
    stub.quickPick = (items) => items.find((i) => i.label === 'sst2-transformer');
    await stub.commands.get('polarityLens.selectModel')!();
    assert.equal(stub.workspaceState.get('polarityLens.model'), 'sst2-transformer');
    assert.match(stub.statusBarText, /sst2-transformer/);
    stub.quickPick = (items) => items.find((i) => i.value === 'browse');
    stub.openDialog = () => [Uri.file(tmp)];
    await stub.commands.get('polarityLens.selectModel')!();
    assert.match(stub.messages.pop()!.text, /has no model\.onnx/);
    assert.equal(stub.workspaceState.get('polarityLens.model'), 'sst2-transformer');
  });

  it('Browse… checks the picked folder with the doctor, in the inference process: refused, remembered with a warning, or fine', async () => {
    start();
    stub.quickPick = (items) => items.find((i) => i.value === 'browse');
    // A bare encoder (no classification head) is refused, and the previous choice kept.
    stub.openDialog = () => [Uri.file(join(FIXTURES, 'third-party', 'tribuo-tinybert'))];
    await stub.commands.get('polarityLens.selectModel')!();
    let message = stub.messages.pop()!;
    assert.equal(message.level, 'error');
    assert.match(message.text, /cannot use this folder: .*a bare encoder without a classification head/);
    assert.equal(stub.workspaceState.get('polarityLens.model'), undefined);
    // A model some explainers cannot run on is used, with a warning naming them; the log has the whole report.
    const rnn = resolveModelDir('sst2-bilstm-tanh');
    stub.openDialog = () => [Uri.file(rnn)];
    await stub.commands.get('polarityLens.selectModel')!();
    // The pick overrides the setting (sst2-cnn-dot): said once, after the doctor's verdict.
    assert.match(
      stub.messages.pop()!.text,
      /uses sst2-bilstm-tanh, picked with Select Model…; it overrides the polarityLens\.model setting \(sst2-cnn-dot\)/,
    );
    message = stub.messages.pop()!;
    assert.equal(message.level, 'warning');
    assert.match(
      message.text,
      /this model loads, but 3 of \d+ explainers cannot run \(rollout, transformer-attribution, generic-attention\)/,
    );
    assert.equal(stub.workspaceState.get('polarityLens.model'), rnn);
    assert.ok(
      stub.logLines.some((l) =>
        /✗ rollout: attention rollout needs a transformer's self-attention of every layer/.test(l),
      ),
    );
    // One on which everything runs.
    const gpt2 = join(FIXTURES, 'zoo', 'gpt2');
    stub.openDialog = () => [Uri.file(gpt2)];
    await stub.commands.get('polarityLens.selectModel')!();
    message = stub.messages.pop()!;
    assert.equal(message.level, 'info');
    assert.match(
      message.text,
      /all \d+ explainers and every erasure operator run on this model \(softmax head, 2 classes\)/,
    );
    assert.equal(stub.workspaceState.get('polarityLens.model'), gpt2);
  });

  it('Browse… on a folder with a quantized sibling offers both files; the pick is written to polarity-lens.json and checked', async () => {
    start();
    const hub = join(tmp, 'hub-copy');
    cpSync(join(FIXTURES, 'zoo', 'bert-hub'), hub, { recursive: true });
    const offered: { label: string; description?: string }[][] = [];
    stub.quickPick = (items) => {
      if (items.some((i) => i.value === 'browse')) return items.find((i) => i.value === 'browse');
      offered.push(items);
      return stub.onnxPick?.(items);
    };
    stub.openDialog = () => [Uri.file(hub)];
    // Dismissing the question changes nothing.
    stub.onnxPick = () => undefined;
    await stub.commands.get('polarityLens.selectModel')!();
    assert.deepEqual(
      offered[0].map((i) => [i.label, i.description]),
      [
        ['onnx/model.onnx', 'in use'],
        ['onnx/model_quantized.onnx', 'quantized: forward and attention explainers only'],
      ],
    );
    assert.equal(existsSync(join(hub, 'polarity-lens.json')), false);
    assert.equal(stub.workspaceState.get('polarityLens.model'), undefined);
    // Picking the int8 file records it for every front end, and the doctor says what runs on it.
    stub.onnxPick = (items) => items.find((i) => i.label === 'onnx/model_quantized.onnx');
    await stub.commands.get('polarityLens.selectModel')!();
    assert.deepEqual(JSON.parse(readFileSync(join(hub, 'polarity-lens.json'), 'utf8')), {
      onnx: 'onnx/model_quantized.onnx',
    });
    assert.equal(stub.workspaceState.get('polarityLens.model'), hub);
    assert.match(stub.messages.pop()!.text, /overrides the polarityLens\.model setting/);
    const message = stub.messages.pop()!;
    assert.equal(message.level, 'warning');
    assert.match(message.text, /this model loads, but \d+ of \d+ explainers cannot run/);
    assert.ok(stub.logLines.some((l) => /onnx\/model_quantized\.onnx .*onnx\.quantize/.test(l)));
    stub.onnxPick = undefined;
  });

  it('a multi-label model: the panel explains the most likely label, and its class control re-runs everything for another', async () => {
    const api = start({ model: join(FIXTURES, 'zoo', 'bert-multilabel') });
    open('a gripping , moving film', [0, 0], [0, 24]);
    const first = await api.explainSelection();
    assert.ok(first && 'result' in first);
    assert.equal(first.result.head.kind, 'multi-label');
    assert.equal(first.result.target.index, first.result.prediction.index);
    const other = first.result.model.labels.findIndex((_, i) => i !== first.result.prediction.index);
    const settings = (lastShow() as Posted & { settings: PanelSettings }).settings;
    panel().send({ type: 'settings', settings: { ...settings, target: other } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 2);
    assert.equal(lastShow().result!.target.index, other);
    assert.equal(lastShow().result!.prediction.index, first.result.prediction.index, 'ŷ stays');
    assert.deepEqual(lastShow().recomputed, FAST, 'another target: every explainer runs again');
    // The same label with another operator reuses what does not read the operator.
    panel().send({ type: 'settings', settings: { ...settings, target: other, operator: 'attention-mask' } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 3);
    assert.deepEqual(lastShow().recomputed, ['occlusion']);
    assert.equal(lastShow().result!.target.index, other);
    // The class carries over to the next text of this model.
    open('a dull , tired film', [0, 0], [0, 19]);
    const next = await api.explainSelection();
    assert.ok(next && 'result' in next);
    assert.equal(next.result.target.index, other);
  });

  it('a softmax model: any class can be explained from the panel; another model starts from its prediction again', async () => {
    const api = start({ model: 'trec-transformer' });
    open('What is the population of Paris ?', [0, 0], [0, 33]);
    const first = await api.explainSelection();
    assert.ok(first && 'result' in first);
    const other = first.result.model.labels.findIndex((_, i) => i !== first.result.prediction.index);
    const settings = (lastShow() as Posted & { settings: PanelSettings }).settings;
    panel().send({ type: 'settings', settings: { ...settings, target: other } });
    await waitFor(() => posted().filter((m) => m.type === 'show').length === 2);
    const shown = lastShow().result!;
    assert.deepEqual(
      [shown.target.index, shown.target.requested, shown.prediction.index],
      [other, true, first.result.prediction.index],
    );
    assert.ok(Math.abs(shown.target.probability - first.result.prediction.probabilities[other]) < 1e-6);
    stub.workspaceState.set('polarityLens.model', 'sst2-cnn-dot');
    const elsewhere = await api.explainSelection();
    assert.ok(elsewhere && 'result' in elsewhere);
    assert.equal(elsewhere.result.target.requested, false, "another model's classes: its prediction again");
  });

  it('restricted mode runs only shipped models, and says why', async () => {
    const api = start();
    stub.trusted = false;
    stub.workspaceState.set('polarityLens.model', join(tmp, 'my-model'));
    open('fine', [0, 0], [0, 4]);
    const outcome = await api.explainSelection();
    assert.ok(outcome && 'result' in outcome);
    assert.equal(outcome.result.model.name, 'sst2-bilstm-tanh');
    assert.ok(stub.messages.some((m) => /Restricted mode/.test(m.text)));
    stub.quickPick = (items) => items.find((i) => i.value === 'browse');
    stub.openDialog = () => assert.fail('no folder dialog in restricted mode');
    await stub.commands.get('polarityLens.selectModel')!();
    assert.match(stub.messages.pop()!.text, /restricted mode/);
  });

  it('a panel revived after a reload shows the latest explanation from the panel memory, whatever the webview saved', async () => {
    const api = start();
    open('quietly devastating', [0, 0], [0, 19]);
    const first = await api.explainSelection();
    assert.ok(first && 'result' in first);
    open('a flat , lifeless mess', [0, 0], [0, 22]);
    const latest = await api.explainSelection();
    assert.ok(latest && 'result' in latest);
    const recipe = await remembered('a flat , lifeless mess');
    // The new window: a fresh extension, the same workspace state and storage folder. The workbench saved the webview
    // while it showed the first explanation (as VS Code for the web does, every few seconds).
    const revived = await reviveExplainPanel({ result: first.result, view: {} });
    revived.send({ type: 'ready' });
    const show = (revived.posted as Posted[]).find((m) => m.type === 'show')!;
    assert.equal(show.result!.text, 'a flat , lifeless mess');
    assert.deepEqual(
      show.result!.explanations.map((e) => e.weights),
      latest.result.explanations.map((e) => e.weights),
    );
    assert.deepEqual(show.restored, { explainedAt: recipe.explainedAt, from: 'memory' });
    assert.deepEqual(
      (revived.posted as Posted[]).map((m) => m.type),
      ['show'],
      'nothing ran again',
    );
    // Shown again (a hidden panel's webview reloads): the same explanation, still the one from the memory.
    revived.send({ type: 'ready' });
    assert.equal((revived.posted as Posted[]).at(-1)!.restored!.from, 'memory');
  });

  it('a revived panel whose result was not kept explains the same text again with the same settings and says so', async () => {
    const api = start({ explainers: [...FAST, 'lime'], seed: 7, 'sampling.samples': 40 });
    open('a flat , lifeless mess', [0, 0], [0, 22]);
    const latest = await api.explainSelection();
    assert.ok(latest && 'result' in latest);
    await remembered('a flat , lifeless mess');
    for (const damage of ['gone', 'damaged'] as const) {
      if (damage === 'gone') rmSync(join(STORAGE_DIR, 'last-explanation.json'));
      else writeFileSync(join(STORAGE_DIR, 'last-explanation.json'), '{"revision": "x", "resu');
      // The settings changed since (other explainers, seed 0): the recipe's count, so LIME's weights are the same.
      const revived = await reviveExplainPanel(undefined, { seed: 0 });
      await waitFor(() => (revived.posted as Posted[]).some((m) => m.type === 'show'));
      const [busy, ...rest] = revived.posted as Posted[];
      const show = rest.find((m) => m.type === 'show')!;
      assert.ok(
        rest.slice(0, rest.indexOf(show)).every((m) => m.type === 'partial'),
        'only parts of the run before its result',
      );
      assert.match(
        (busy as { label?: string }).label ?? '',
        /again after the window reload \(its result was not kept\)/,
      );
      assert.equal(show.restored!.from, 'recomputed', damage);
      assert.equal(show.result!.text, 'a flat , lifeless mess');
      assert.deepEqual(
        show.result!.explanations.map((e) => e.weights),
        latest.result.explanations.map((e) => e.weights),
        `${damage}: the same weights`,
      );
      await remembered('a flat , lifeless mess');
    }
  });

  it('a revived panel with nothing remembered, or a damaged memory, says it is empty and does not crash', async () => {
    const empty = await reviveExplainPanel({ result: 42 });
    empty.send({ type: 'ready' });
    assert.deepEqual(empty.posted, [{ type: 'empty' }]);
    const broken = await reviveExplainPanel(
      'not even an object',
      {},
      { 'polarityLens.lastExplanation': { revision: 3, text: null } },
    );
    broken.send({ type: 'ready' });
    assert.deepEqual(broken.posted, [{ type: 'empty' }]);
  });
});

/** Waits until the panel memory holds the explanation of `text`, its result file written; returns its recipe. */
async function remembered(text: string): Promise<{ revision: string; explainedAt: string }> {
  let recipe: { revision: string; text: string; explainedAt: string } | undefined;
  await waitFor(() => {
    recipe = stub.workspaceState.get('polarityLens.lastExplanation') as typeof recipe;
    if (recipe?.text !== text || !existsSync(join(STORAGE_DIR, 'last-explanation.json'))) return false;
    try {
      return JSON.parse(readFileSync(join(STORAGE_DIR, 'last-explanation.json'), 'utf8')).revision === recipe.revision;
    } catch {
      return false; // being written
    }
  });
  return recipe!;
}

/**
 * A window reload: a fresh extension with the workspace state and storage folder of the last one (or `state`
 * instead), and an explain panel VS Code revives with the webview state `saved`.
 */
async function reviveExplainPanel(
  saved: unknown,
  configuration: Record<string, unknown> = {},
  state?: Record<string, unknown>,
): Promise<StubWebviewPanel> {
  const kept = state ? Object.entries(state) : [...stub.workspaceState];
  start(configuration);
  kept.forEach(([k, v]) => stub.workspaceState.set(k, v));
  const panel = new StubWebviewPanel('polarityLens.explain', {});
  await stub.serializers.get('polarityLens.explain')!.deserializeWebviewPanel(panel, saved);
  return panel;
}

async function waitFor(condition: () => boolean, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
