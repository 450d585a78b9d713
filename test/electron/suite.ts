/**
 * In-process tests, run inside a real VS Code extension host (the @vscode/test-electron contract: this module's
 * `run()` resolves when every check passed). `npm run test:e2e` runs it in code-server; `npm run test:electron` runs it
 * in desktop VS Code where that can be downloaded. Uses the real `vscode` API throughout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PolarityLensApi } from '../../src/extension/extension';

const checks: [string, () => Promise<void>][] = [];
const check = (name: string, f: () => Promise<void>) => checks.push([name, f]);

let api: PolarityLensApi;

check('the extension activates and registers every contributed command', async () => {
  const extension = vscode.extensions.getExtension<PolarityLensApi>('polarity-lens.polarity-lens');
  assert.ok(extension, 'the extension is installed');
  api = await extension.activate();
  // scripts/e2e.sh runs this suite twice: on the working tree, and on the packaged VSIX installed into a clean
  // extensions folder; the line tells the script which one the host loaded.
  const fromTree = extension.extensionPath === join(__dirname, '..', '..', '..');
  console.log(
    `polarity-lens loaded from ${fromTree ? 'the working tree' : 'an installed VSIX'}: ${extension.extensionPath}`,
  );
  const registered = await vscode.commands.getCommands(true);
  const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
  assert.ok(contributed.length >= 4);
  for (const id of contributed) assert.ok(registered.includes(id), id);
});

check('Explain Selection explains exactly the selected text and opens the panel', async () => {
  await vscode.workspace
    .getConfiguration('polarityLens')
    .update('model', 'sst2-cnn-dot', vscode.ConfigurationTarget.Global);
  const document = await vscode.workspace.openTextDocument({
    content: 'header\nthe plot is thin but the cast is terrific\n',
  });
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(1, 4, 1, 42);
  const outcome = await vscode.commands.executeCommand<Awaited<ReturnType<PolarityLensApi['explainSelection']>>>(
    'polarityLens.explainSelection',
  );
  assert.ok(outcome && 'result' in outcome, JSON.stringify(outcome));
  assert.equal(outcome.result.text, 'plot is thin but the cast is terrific');
  assert.equal(outcome.result.model.name, 'sst2-cnn-dot');
  assert.ok(outcome.result.explanations.length >= 10);
  const webviewTab = async () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('polarityLens.explain'));
  for (let i = 0; i < 50 && !(await webviewTab()); i++) await new Promise((r) => setTimeout(r, 100)); // tabs update asynchronously
  assert.ok(await webviewTab(), 'the Polarity Lens panel is open');
});

check('a bad setting falls back to its default instead of failing the run', async () => {
  await vscode.workspace
    .getConfiguration('polarityLens')
    .update('operator', 'shred', vscode.ConfigurationTarget.Global);
  try {
    const outcome = await api.explainSelection();
    assert.ok(outcome && 'result' in outcome);
    assert.equal(outcome.result.explanations.find((r) => r.id === 'occlusion')?.parameters.operator, 'delete');
  } finally {
    await vscode.workspace
      .getConfiguration('polarityLens')
      .update('operator', undefined, vscode.ConfigurationTarget.Global);
  }
});

check('the explanation exports as JSON', async () => {
  const target = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'polarity-lens-export-')), 'result.json'));
  await api.exportLast('json', target);
  assert.deepEqual(JSON.parse(readFileSync(target.fsPath, 'utf8')), JSON.parse(JSON.stringify(api.lastResult())));
});

check(
  "after a dataset run, the file's CodeLenses and hovers are VS Code's: one lens per row, the row's verdicts",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polarity-lens-rows-'));
    const path = join(dir, 'reviews.csv');
    // The second text is a quoted field over two lines: the third row starts on line 5.
    writeFileSync(path, 'text,label\na gripping film,positive\n"dull,\nand long",negative\nwarm and wise,positive\n');
    const uri = vscode.Uri.file(path);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const outcome = await api.runDatasetTest(uri, {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
    });
    assert.ok(outcome && 'view' in outcome, JSON.stringify(outcome));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((l) => l.command?.command === 'polarityLens.explainDatasetRow');
    assert.deepEqual(
      ours.map((l) => l.range.start.line),
      [1, 2, 4],
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(4, 2),
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /row 3 \(line 5\)/);
    assert.match(text, /Predicted ŷ = \*\*(positive|negative)\*\*/);
    assert.equal(api.rowMarks()?.marks.length, 3);
  },
);

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, f] of checks) {
    try {
      await f();
      console.log(`ok - ${name}`);
    } catch (e) {
      failures.push(name);
      console.log(`not ok - ${name}\n  ${(e as Error).stack ?? String(e)}`);
    }
  }
  await vscode.workspace.getConfiguration('polarityLens').update('model', undefined, vscode.ConfigurationTarget.Global);
  console.log(`${checks.length - failures.length}/${checks.length} in-process checks passed`);
  if (failures.length) throw new Error(`${failures.length} in-process check(s) failed: ${failures.join('; ')}`);
}
