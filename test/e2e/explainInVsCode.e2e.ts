/**
 * End to end in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, its Node extension host, the workbench in
 * headless Chromium driven by Playwright): the user's path through Explain Selection, the panel's content against the
 * engine's own numbers, the XSS line, cancel, and a reload that restores the panel. Writes screenshots to out/e2e/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { formatProbability } from '../../webview/logic/format';
import { CLI, ROOT } from '../helpers/paths';
import { e2eTools, type CodeServer, type Browser } from './vscodeE2e';

const MODEL = 'sst2-transformer';
const REVIEW = 'good service but horrible garbage food and small portions';
const XSS = '<img src=x onerror="window.__pwned=1"> </script><b>bold</b> and awful';
const SHOTS = join(ROOT, 'out', 'e2e');

const workspace = mkdtempSync(join(tmpdir(), 'polarity-lens-e2e-ws-'));
const settingsFile = join(workspace, '.vscode', 'settings.json');
function writeSettings(extra: Record<string, unknown> = {}): void {
  writeFileSync(settingsFile, JSON.stringify({ 'polarityLens.model': MODEL, ...extra }, null, 2));
}

/** What the engine says about `text` with the extension's default settings (the CLI runs the same engine). */
function expected(text: string): ExplainResult {
  return JSON.parse(execFileSync(process.execPath, [CLI, 'explain', '--model', MODEL, '--format', 'json', text], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

let server: CodeServer;
let browser: Browser;
const tools = e2eTools();

describe('Polarity Lens in a real VS Code', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(workspace, 'reviews.txt'), `${REVIEW}\n${XSS}\n`);
    writeSettings();
    // The gradient cache, absolute: the extension host runs elsewhere.
    process.env.POLARITY_LENS_CACHE_DIR = resolve(process.env.POLARITY_LENS_CACHE_DIR ?? join(ROOT, 'out', 'gradient-cache'));
    server = await tools.startCodeServer({ workspace });
    browser = await tools.launchBrowser();
    browser.page.on('dialog', (d) => void d.dismiss());
    await browser.page.goto(tools.workbenchUrl(server.url, { folder: workspace, extensionDevelopmentPath: ROOT }));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const page = () => browser.page;
  /** A test body that leaves a screenshot of the workbench behind when it fails. */
  const shot = (name: string, body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (e) {
      await page().screenshot({ path: join(SHOTS, `failed-${name}.png`) }).catch(() => {});
      throw e;
    }
  };
  const panel = () => page().frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  async function selectLine(line: number): Promise<void> {
    await page().locator('.editor-instance .view-lines').click();
    await page().keyboard.press('Control+Home');
    for (let i = 0; i < line; i++) await page().keyboard.press('ArrowDown');
    await page().keyboard.press('Home');
    await page().keyboard.press('Shift+End');
  }

  it('Explain Selection from the editor context menu shows the prediction, every explainer\'s units and the violation summary', shot('context-menu', async () => {
    const truth = expected(REVIEW);
    const row = page().locator('.explorer-folders-view .monaco-list-row', { hasText: 'reviews.txt' });
    await row.waitFor({ timeout: 90_000 });
    await row.click();
    await selectLine(0);
    const first = await page().locator('.editor-instance .view-line span').first().boundingBox();
    assert.ok(first);
    await page().mouse.click(first.x + first.width / 2, first.y + first.height / 2, { button: 'right' });
    const item = page().locator('.monaco-menu .action-item', { hasText: 'Explain Selection' }).first();
    await item.waitFor();
    await page().waitForTimeout(300); // a click right after the menu opens is ignored
    await item.click();

    const prediction = panel().locator('#prediction');
    await prediction.filter({ hasText: truth.prediction.label }).waitFor({ timeout: 180_000 });
    assert.ok((await prediction.innerText()).includes(formatProbability(truth.prediction.probability)));
    for (const explanation of truth.explanations.filter((r) => r.weights)) {
      const units = await panel().locator(`.explainer-row[data-explainer="${explanation.id}"] .unit-text`).allTextContents();
      assert.deepEqual(units, truth.units.map((u) => u.text), explanation.id);
      const verdict = truth.explanations.find((r) => r.id === explanation.id)!.verdicts.find((v) => v.operator === 'delete')!;
      const cell = await panel().locator(`#summary tr[data-explainer="${explanation.id}"] td[data-operator="delete"]`).innerText();
      assert.ok(cell.includes(verdict.violates ? '✗' : '✓'), `${explanation.id}: ${cell}`);
    }
    const impacts = await panel().locator('.impact-row .unit').evaluateAll((els) => els.map((e) => e.getAttribute('data-polarity')));
    assert.deepEqual(impacts, truth.impacts.find((i) => i.operator === 'delete')!.polarity);
    await page().screenshot({ path: join(SHOTS, 'explain-panel.png') });
  }));

  it('a line of HTML renders as text in the panel (keybinding Ctrl+Alt+E)', shot('xss', async () => {
    const truth = expected(XSS);
    await selectLine(1);
    await page().keyboard.press('Control+Alt+E');
    const units = panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text');
    await units.filter({ hasText: 'onerror' }).first().waitFor({ timeout: 120_000 });
    // Every unit's characters, markup included, are on screen as text: '<', 'img', '/', 'script', '>' …
    assert.deepEqual(await units.allTextContents(), truth.units.map((u) => u.text));
    assert.ok(truth.units.some((u) => u.text.includes('<')));
    assert.equal(await panel().locator('img, b').count(), 0, 'no element was created from the data');
    assert.equal(await panel().locator('body').evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  }));

  it('Cancel in the panel stops a long run and keeps the previous result', shot('cancel', async () => {
    writeSettings({ 'polarityLens.explainers': ['lime'], 'polarityLens.sampling.samples': 10000 });
    await page().waitForTimeout(1500); // VS Code picks up the settings file
    await selectLine(0);
    await page().keyboard.press('F1');
    await page().locator('.quick-input-widget input').fill('>Polarity Lens: Explain Selection');
    await page().waitForTimeout(300);
    await page().keyboard.press('Enter');
    const cancel = panel().locator('#cancel');
    await cancel.waitFor({ state: 'visible', timeout: 60_000 });
    await cancel.click();
    await panel().locator('#status').filter({ hasText: /cancel/i }).waitFor({ timeout: 30_000 });
    // The HTML line's result is still on screen.
    assert.ok((await panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text').allTextContents()).some((t) => t === 'onerror'));
    await page().screenshot({ path: join(SHOTS, 'cancelled.png') });
    writeSettings();
  }));

  it('after a window reload the panel is restored from its saved state', shot('reload', async () => {
    await page().reload();
    await panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text').filter({ hasText: 'onerror' }).first().waitFor({ timeout: 120_000 });
    await page().screenshot({ path: join(SHOTS, 'restored.png') });
  }));
});
