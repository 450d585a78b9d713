/**
 * End to end in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, its Node extension host, the workbench in
 * headless Chromium driven by Playwright): the user's path through Explain Selection, the panel's content against the
 * engine's own numbers, the editor hover, the XSS line, cancel (panel and notification), and a reload that restores
 * the panel. Every wait is for a condition, never a fixed time. Writes screenshots to out/e2e/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { formatSigned } from '../../src/extension/displayNumbers';
import { formatProbability } from '../../webview/shared/format';
import { CLI, ROOT } from '../helpers/paths';
import {
  clickContextMenuItem,
  hoverUntil,
  openWorkbench,
  runFromPalette,
  shotOnFailure,
  waitForSavedLayout,
} from './vscodeE2e';

const MODEL = 'sst2-transformer';
const REVIEW = 'good service but horrible garbage food and small portions';
const XSS = '<img src=x onerror="window.__pwned=1"> </script><b>bold</b> and awful';
/** Long enough that LIME's 10,000 coalitions are nearly all distinct (a 10-word text has only 1,024, run once each). */
const LONG =
  'the first half drags with clumsy dialogue and flat jokes , but the cast is warm , the score is lovely , and the last act ' +
  'lands a quiet , honest ending that most films of this kind never earn , even if the middle sags and the villain is thin';
const SHOTS = join(ROOT, 'out', 'e2e');

const workspace = mkdtempSync(join(tmpdir(), 'polarity-lens-e2e-ws-'));
const settingsFile = join(workspace, '.vscode', 'settings.json');
function writeSettings(extra: Record<string, unknown> = {}): void {
  writeFileSync(settingsFile, JSON.stringify({ 'polarityLens.model': MODEL, ...extra }, null, 2));
}

/** What the engine says about `text` with the extension's default settings (the CLI runs the same engine). */
function expected(text: string): ExplainResult {
  return JSON.parse(
    execFileSync(process.execPath, [CLI, 'explain', '--model', MODEL, '--format', 'json', text], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  );
}

let workbench: Awaited<ReturnType<typeof openWorkbench>>;

describe('Polarity Lens in a real VS Code', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(workspace, 'reviews.txt'), `${REVIEW}\n${XSS}\n${LONG}\n`);
    writeSettings();
    workbench = await openWorkbench(workspace);
  });
  after(() => workbench?.close());

  const page = () => workbench.page;
  const shot = (name: string, body: () => Promise<void>) => shotOnFailure(page, SHOTS, name, body);
  const panel = () => page().frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  /** Writes the workspace settings and waits until the extension has them (its status bar item counts the explainers). */
  async function applySettings(extra: Record<string, unknown>, statusBar: RegExp): Promise<void> {
    writeSettings(extra);
    await page()
      .locator('.statusbar-item', { hasText: MODEL })
      .filter({ hasText: statusBar })
      .waitFor({ timeout: 30_000 });
  }

  /** Explain Selection's default keybinding, the chord Ctrl+K Ctrl+E (package.json). */
  async function pressExplainKeybinding(): Promise<void> {
    await page().keyboard.press('Control+K');
    await page().keyboard.press('Control+E');
  }

  async function selectLine(line: number): Promise<void> {
    await page().locator('.editor-instance .view-lines').click();
    await page().keyboard.press('Control+Home');
    for (let i = 0; i < line; i++) await page().keyboard.press('ArrowDown');
    await page().keyboard.press('Home');
    await page().keyboard.press('Shift+End');
  }

  it(
    "Explain Selection from the editor context menu shows the prediction, every explainer's units and the violation summary",
    shot('context-menu', async () => {
      const truth = expected(REVIEW);
      const row = page().locator('.explorer-folders-view .monaco-list-row', { hasText: 'reviews.txt' });
      await row.waitFor({ timeout: 90_000 });
      await row.click();
      await selectLine(0);
      // Right-click inside the selection (outside, it would collapse): the middle of the first line's text.
      const firstLine = page()
        .locator('.editor-instance .view-line', { hasText: 'good service' })
        .locator('span')
        .first();
      await clickContextMenuItem(page(), firstLine, 'Explain Selection');

      const prediction = panel().locator('#prediction');
      await prediction.filter({ hasText: truth.prediction.label }).waitFor({ timeout: 180_000 });
      assert.ok((await prediction.innerText()).includes(formatProbability(truth.prediction.probability)));
      for (const explanation of truth.explanations.filter((r) => r.weights)) {
        const units = await panel()
          .locator(`.explainer-row[data-explainer="${explanation.id}"] .unit-text`)
          .allTextContents();
        assert.deepEqual(
          units,
          truth.units.map((u) => u.text),
          explanation.id,
        );
        const verdict = truth.explanations
          .find((r) => r.id === explanation.id)!
          .verdicts.find((v) => v.operator === 'delete')!;
        const cell = await panel()
          .locator(`#summary tr[data-explainer="${explanation.id}"] td[data-operator="delete"]`)
          .innerText();
        assert.ok(cell.includes(verdict.violates ? '✗' : '✓'), `${explanation.id}: ${cell}`);
      }
      const impacts = await panel()
        .locator('.impact-row .unit')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-polarity')));
      assert.deepEqual(impacts, truth.impacts.find((i) => i.operator === 'delete')!.polarity);
      await page().screenshot({ path: join(SHOTS, 'explain-panel.png') });
    }),
  );

  it(
    'the explained words are coloured in the editor, with a hover that gives the weight and the real Δ',
    shot('hover', async () => {
      const truth = expected(REVIEW);
      const word = 'horrible';
      const index = truth.units.findIndex((u) => u.text === word);
      const row = truth.explanations.find((r) => r.id === 'attention-x-gradient')!;
      // The tints are background overlays (the line's text stays one span), so find the word's box with a DOM Range.
      const line = page().locator('.editor-instance .view-line', { hasText: 'horrible' }).first();
      const box = await line.evaluate((el, w) => {
        const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = (node.textContent ?? '').indexOf(w);
          if (at < 0) continue;
          const range = el.ownerDocument.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + w.length);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
        return null;
      }, word);
      assert.ok(box, `"${word}" is on screen`);
      // The hover is the decorations': it appears once they are applied, so move onto the word until it does.
      const hover = page().locator('.monaco-hover', { hasText: 'Erasing it (slice_out)' }).first();
      await hoverUntil(page(), box, hover);
      const text = (await hover.innerText()).replace(/\s+/g, ' '); // the Markdown renderer writes non-breaking spaces
      const w = row.weights![index];
      // The hover writes numbers as the display language does (English here).
      assert.ok(text.includes(`${row.label}: ${formatSigned(w)}`), text);
      const delta = truth.impacts.find((i) => i.operator === 'delete')!.deltas[index];
      assert.match(text, new RegExp(`p\\(${truth.prediction.label}\\) ${delta > 0 ? 'falls' : 'rises'}`), text);
      await page().screenshot({ path: join(SHOTS, 'editor-hover.png') });
      await page().keyboard.press('Escape');
    }),
  );

  it(
    'a line of HTML renders as text in the panel (keybinding Ctrl+K Ctrl+E)',
    shot('xss', async () => {
      const truth = expected(XSS);
      await selectLine(1);
      await pressExplainKeybinding();
      const units = panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text');
      await units.filter({ hasText: 'onerror' }).first().waitFor({ timeout: 120_000 });
      // Every unit's characters, markup included, are on screen as text: '<', 'img', '/', 'script', '>' …
      assert.deepEqual(
        await units.allTextContents(),
        truth.units.map((u) => u.text),
      );
      assert.ok(truth.units.some((u) => u.text.includes('<')));
      assert.equal(await panel().locator('img, b').count(), 0, 'no element was created from the data');
      assert.equal(
        await panel()
          .locator('body')
          .evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
        undefined,
      );
    }),
  );

  it(
    'Cancel in the panel or the progress notification stops a long run and keeps the previous result',
    shot('cancel', async () => {
      await applySettings(
        { 'polarityLens.explainers': ['lime'], 'polarityLens.sampling.samples': 10000 },
        /1 of \d+ explainers/,
      );
      await selectLine(2);
      await runFromPalette(page(), 'Polarity Lens: Explain Selection');
      const cancel = panel().locator('#cancel');
      await cancel.waitFor({ state: 'visible', timeout: 60_000 });
      await cancel.click();
      // The cancelled state itself (the busy status line holds a Cancel button whose label would match /cancel/ at once).
      await panel().locator('#status .status-cancelled').waitFor({ timeout: 30_000 });
      // The HTML line's result is on screen again: the run was stopped before any explainer finished.
      assert.ok(
        (await panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text').allTextContents()).some(
          (t) => t === 'onerror',
        ),
      );
      await page().screenshot({ path: join(SHOTS, 'cancelled.png') });
      // A cancelled run ends its progress notification; the next run's must be the only one left to click.
      const toastCancel = page()
        .locator('.notifications-toasts .notification-toast', { hasText: 'Polarity Lens' })
        .locator('.monaco-button', { hasText: 'Cancel' });
      await toastCancel.first().waitFor({ state: 'detached', timeout: 30_000 });

      // The same from the progress notification's Cancel button.
      await selectLine(2);
      await pressExplainKeybinding();
      await cancel.waitFor({ state: 'visible', timeout: 60_000 });
      await toastCancel.click({ timeout: 30_000 });
      await panel().locator('#status .status-cancelled').waitFor({ timeout: 30_000 });
      assert.equal(await cancel.count(), 0, 'no Cancel once the run has stopped');
      assert.ok(
        (await panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text').allTextContents()).some(
          (t) => t === 'onerror',
        ),
      );
      await applySettings({}, /^(?![\s\S]*explainers)/);
    }),
  );

  it(
    "after a window reload the panel shows the latest explanation again, from the extension's memory",
    shot('reload', async () => {
      const truth = expected(XSS);
      // VS Code revives only panels its saved layout has (VS Code for the web saves it every few seconds).
      await waitForSavedLayout(page(), ['polarityLens.explain']);
      await page().reload();
      const units = panel().locator('.explainer-row[data-explainer="raw-attention"] .unit-text');
      await units.filter({ hasText: 'onerror' }).first().waitFor({ timeout: 120_000 });
      assert.deepEqual(
        await units.allTextContents(),
        truth.units.map((u) => u.text),
      );
      assert.match(await panel().locator('#status').innerText(), /Restored after the window reload/);
      assert.ok(
        (await panel().locator('#prediction').innerText()).includes(formatProbability(truth.prediction.probability)),
      );
      await page().screenshot({ path: join(SHOTS, 'restored.png') });
    }),
  );
});
