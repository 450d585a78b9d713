/**
 * The walkthrough's pictures, and the checks they stand for. The story on one screen, in a real VS Code at 1000 × 700: a 25-word text explained with the shipped transformer,
 * the panel given the window (side bar closed, its group maximised), and the compact view (units across, the paper's
 * core explainers down, each one's verdicts at the right) must be wholly visible without scrolling, in a light and in
 * a dark theme. Screenshots of both go to out/e2e/ (or to POLARITY_LENS_WALKTHROUGH_DIR: `npm run walkthrough-images`
 * writes the walkthrough's pictures from this test). Then the report of a dataset run on the first 60 rows of SST-2's
 * test set, with the core explainers, its summary table on screen in both themes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAPER_CORE_EXPLAINERS } from '../../src/core/explainers/paperCore';
import { DATA, ROOT } from '../helpers/paths';
import { frameWith, inFrameWith, openWorkbench, runFromPalette, shotOnFailure } from './vscodeE2e';

const TEXT =
  'the first half drags with clumsy dialogue and flat jokes , but the cast is warm and the score is lovely , a quiet and honest film';
const SHOTS = join(ROOT, 'out', 'e2e');
const PICTURES = process.env.POLARITY_LENS_WALKTHROUGH_DIR ? resolve(process.env.POLARITY_LENS_WALKTHROUGH_DIR) : SHOTS;
const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;

const workspace = mkdtempSync(join(tmpdir(), 'polarity-lens-e2e-story-'));
const ROWS = 60;
function writeSettings(theme: string, extra: Record<string, unknown> = {}): void {
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'polarityLens.model': 'sst2-transformer', 'workbench.colorTheme': theme, ...extra }, null, 2),
  );
}

let workbench: Awaited<ReturnType<typeof openWorkbench>>;

describe('the compact view in a real VS Code at 1000 × 700', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(PICTURES, { recursive: true });
    writeFileSync(join(workspace, 'review.txt'), `${TEXT}\n`);
    const sst2 = readFileSync(join(DATA, 'sst2', 'test.csv'), 'utf8').split('\n');
    writeFileSync(join(workspace, 'sst2-test-60.csv'), `${sst2.slice(0, ROWS + 1).join('\n')}\n`);
    writeSettings(THEMES.light);
    workbench = await openWorkbench(workspace);
    await workbench.page.setViewportSize({ width: 1000, height: 700 });
  });
  after(() => workbench?.close());

  const page = () => workbench.page;
  const panel = () => page().frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  /** One editor group holding every editor, with the tab titled `title` active: that editor has the whole window. */
  async function giveTheWindowTo(title: string): Promise<void> {
    await runFromPalette(page(), 'View: Join All Editor Groups');
    const named = page().locator('.label-name', { hasText: new RegExp(`^${title}$`) });
    await page().locator('.tab', { has: named }).click();
    await page().locator('.tab.active', { has: named }).waitFor();
  }

  /** The story section's box and the webview's own size, measured inside the webview. */
  async function fit(): Promise<{ bottom: number; right: number; height: number; width: number; scrollWidth: number }> {
    return panel()
      .locator('#story')
      .evaluate((el) => {
        const box = el.getBoundingClientRect();
        const doc = el.ownerDocument;
        const view = doc.defaultView!;
        return {
          bottom: box.bottom,
          right: box.right,
          height: view.innerHeight,
          width: view.innerWidth,
          scrollWidth: doc.documentElement.scrollWidth,
        };
      });
  }

  it(
    'shows the prediction, the impact row, the core explainers and their verdicts without scrolling, light and dark',
    shotOnFailure(page, SHOTS, 'story', async () => {
      const row = page().locator('.explorer-folders-view .monaco-list-row', { hasText: 'review.txt' });
      await row.waitFor({ timeout: 90_000 });
      await row.click();
      await page().locator('.editor-instance .view-lines').click();
      await page().keyboard.press('Control+A');
      await runFromPalette(page(), 'Polarity Lens: Explain Selection');
      await panel().locator('#story tr.story-row').first().waitFor({ timeout: 180_000 });
      // The panel gets the window, as a reader reading it would give it: no side bar, one editor group, its tab active.
      await runFromPalette(page(), 'View: Close Primary Side Bar');
      await giveTheWindowTo('Polarity Lens');

      for (const [kind, theme] of Object.entries(THEMES)) {
        writeSettings(theme);
        await panel().locator(`body.vscode-${kind}`).waitFor({ state: 'attached', timeout: 30_000 });
        await panel().locator('#story tr.story-impact').first().waitFor();
        const box = await fit();
        assert.ok(box.width >= 900, `the panel has the window's width: ${JSON.stringify(box)}`);
        assert.ok(box.bottom <= box.height, `${kind}: the compact view ends on screen: ${JSON.stringify(box)}`);
        assert.ok(box.right <= box.width && box.scrollWidth <= box.width, `${kind}: no sideways scroll`);
        assert.deepEqual(
          await panel()
            .locator('#story table.story-table')
            .first()
            .locator('tr.story-row')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-explainer'))),
          [...PAPER_CORE_EXPLAINERS],
        );
        assert.equal(
          await panel().locator('#story table.story-table').first().locator('tr.story-row td.story-verdict').count(),
          PAPER_CORE_EXPLAINERS.length * 3,
          'every core explainer has its three verdicts on screen',
        );
        await page().screenshot({ path: join(PICTURES, `panel-${kind}.png`) });
      }
    }),
  );

  it(
    'the report of a dataset run: the violation summary of the core explainers on screen, light and dark',
    shotOnFailure(page, SHOTS, 'story-report', async () => {
      writeSettings(THEMES.light, { 'polarityLens.explainers': [...PAPER_CORE_EXPLAINERS] });
      // The dataset file opens through Quick Open (the report then opens beside it).
      // Quick Open is the palette without its '>'; F1 is pressed until the palette shows (focus may sit in a webview).
      const input = page().locator('.quick-input-widget input');
      for (let tries = 0; !(await input.isVisible()); tries++) {
        if (tries > 30) throw new Error('the command palette did not open');
        await page().keyboard.press('F1');
        await input.waitFor({ timeout: 2000 }).catch(() => undefined);
      }
      await input.fill('sst2-test-60.csv');
      await page().locator('.quick-input-list .monaco-list-row.focused', { hasText: 'sst2-test-60.csv' }).waitFor();
      await page().keyboard.press('Enter');
      await page().locator('.tab.active', { hasText: 'sst2-test-60.csv' }).waitFor();
      await runFromPalette(page(), 'Polarity Lens: Run Violation Test on Dataset');
      await page().locator('.quick-input-widget', { hasText: 'which rows?' }).waitFor();
      await page().locator('.quick-input-widget input').fill('All rows');
      await page().locator('.quick-input-list .monaco-list-row.focused', { hasText: 'All rows' }).waitFor();
      await page().keyboard.press('Enter');
      const running = await frameWith(page(), '#report-summary');
      await running.waitForSelector(`#sample-count:has-text("${ROWS}")`, { timeout: 240_000 });
      await running.waitForSelector('#report-progress', { state: 'detached', timeout: 240_000 });
      await giveTheWindowTo('Polarity Lens Report');
      for (const [kind, theme] of Object.entries(THEMES)) {
        writeSettings(theme, { 'polarityLens.explainers': [...PAPER_CORE_EXPLAINERS] });
        // Moving a webview to another group loads it again: its frame is found anew, and again if it goes meanwhile.
        await inFrameWith(page(), `#sample-count:has-text("${ROWS}")`, async (report) => {
          await report.waitForSelector(`body.vscode-${kind}`, { state: 'attached', timeout: 30_000 });
          const rows = await report.$$eval('#report-summary tr[data-explainer]', (trs) =>
            trs.map((tr) => tr.getAttribute('data-explainer')),
          );
          for (const id of PAPER_CORE_EXPLAINERS)
            assert.ok(rows.includes(id), `${id} in the report: ${rows.join(',')}`);
          const box = await report.$eval('#report-summary', (el) => ({
            top: el.getBoundingClientRect().top,
            width: el.ownerDocument.defaultView!.innerWidth,
            height: el.ownerDocument.defaultView!.innerHeight,
          }));
          assert.ok(box.width >= 900, `the report has the window's width: ${JSON.stringify(box)}`);
          assert.ok(
            box.top < box.height / 2,
            `${kind}: the summary starts on the first screen: ${JSON.stringify(box)}`,
          );
        });
        await page().screenshot({ path: join(PICTURES, `report-${kind}.png`) });
      }
    }),
  );
});
