/**
 * The story on one screen, in a real VS Code at 1000 × 700: a 25-word text explained with the shipped transformer,
 * the panel given the window (side bar closed, its group maximised), and the compact view (units across, the paper's
 * core explainers down, each one's verdicts at the right) must be wholly visible without scrolling, in a light and in
 * a dark theme. Screenshots of both go to out/e2e/ (or to POLARITY_LENS_WALKTHROUGH_DIR: `npm run walkthrough-images`
 * writes the walkthrough's pictures from this test).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAPER_CORE_EXPLAINERS } from '../../src/core/explainers/paperCore';
import { ROOT } from '../helpers/paths';
import { openWorkbench, runFromPalette, shotOnFailure } from './vscodeE2e';

const TEXT =
  'the first half drags with clumsy dialogue and flat jokes , but the cast is warm and the score is lovely , a quiet and honest film';
const SHOTS = join(ROOT, 'out', 'e2e');
const PICTURES = process.env.POLARITY_LENS_WALKTHROUGH_DIR ? resolve(process.env.POLARITY_LENS_WALKTHROUGH_DIR) : SHOTS;
const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;

const workspace = mkdtempSync(join(tmpdir(), 'polarity-lens-e2e-story-'));
function writeSettings(theme: string): void {
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'polarityLens.model': 'sst2-transformer', 'workbench.colorTheme': theme }, null, 2),
  );
}

let workbench: Awaited<ReturnType<typeof openWorkbench>>;

describe('the compact view in a real VS Code at 1000 × 700', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(PICTURES, { recursive: true });
    writeFileSync(join(workspace, 'review.txt'), `${TEXT}\n`);
    writeSettings(THEMES.light);
    workbench = await openWorkbench(workspace);
    await workbench.page.setViewportSize({ width: 1000, height: 700 });
  });
  after(() => workbench?.close());

  const page = () => workbench.page;
  const panel = () => page().frameLocator('iframe.webview.ready').frameLocator('#active-frame');

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
      // The panel gets the window, as a reader reading it would give it.
      await runFromPalette(page(), 'View: Close Primary Side Bar');
      await page()
        .locator('iframe.webview.ready')
        .first()
        .click({ position: { x: 5, y: 5 } });
      await runFromPalette(page(), 'View: Toggle Maximize Editor Group');

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
});
