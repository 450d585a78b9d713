/**
 * Dataset mode end to end in a real VS Code (code-server, headless Chromium, Playwright): right-click the SST-2 test
 * file in the Explorer, run the violation test on its first 200 rows, check the report's table against the CLI's
 * numbers for the same rows, open one sample in the explain panel, then reload the window: both panels come back
 * with the same numbers; then test.csv in the editor carries a marker per row, a hover with the row's verdicts and a
 * CodeLens that opens the row in the panel. Screenshots go to out/e2e/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import { CLI, DATA, ROOT } from '../helpers/paths';
import {
  clickContextMenuItem,
  frameWith,
  hoverUntil,
  openWorkbench,
  revivedFrameWith,
  shotOnFailure,
  waitForSavedLayout,
} from './vscodeE2e';

const MODEL = 'sst2-cnn-dot';
const EXPLAINERS = ['raw-attention', 'attention-x-gradient', 'integrated-gradients', 'occlusion'];
const ROWS = 200;
const SHOTS = join(ROOT, 'out', 'e2e');
const workspace = mkdtempSync(join(tmpdir(), 'polarity-lens-e2e-data-'));
const dataset = join(workspace, 'test.csv');

// Callbacks given to page.evaluate run in the browser; the root tsconfig has no DOM lib, so declare what they use.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, getComputedStyle: (el: unknown, pseudo?: string) => any;

let workbench: Awaited<ReturnType<typeof openWorkbench>>;
let truth: DatasetReport;

/** Every violation ratio in the report's table equals the CLI's for the same rows. */
async function assertRatiosMatch(report: import('playwright-core').Frame, when: string): Promise<void> {
  for (const e of truth.explainers) {
    for (const op of truth.settings.operators) {
      const value = await report.getAttribute(
        `#report-summary tr[data-explainer="${e.id}"] td[data-column="operator:${op}"]`,
        'data-value',
      );
      assert.equal(Number(value), e.violation[op]!.ratio, `${e.id} under ${op}${when}`);
    }
  }
}

describe('Dataset mode in a real VS Code', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    copyFileSync(join(DATA, 'sst2', 'test.csv'), dataset);
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'polarityLens.model': MODEL, 'polarityLens.explainers': EXPLAINERS }),
    );
    // The same rows through the CLI (the same engine, its own cache), for the numbers the report must show.
    const json = join(mkdtempSync(join(tmpdir(), 'polarity-lens-e2e-truth-')), 'truth.json');
    execFileSync(
      process.execPath,
      [
        CLI,
        'check',
        dataset,
        '--model',
        MODEL,
        '--explainers',
        EXPLAINERS.join(','),
        '--limit',
        String(ROWS),
        '--no-cache',
        '--quiet',
        '--json',
        json,
      ],
      { stdio: 'ignore' },
    );
    truth = JSON.parse(readFileSync(json, 'utf8')) as DatasetReport;
    workbench = await openWorkbench(workspace);
  });
  after(() => workbench?.close());

  const page = () => workbench.page;

  it(
    'right-click → Run Violation Test on Dataset → the report shows the violation ratios the engine computes, and a sample opens in the explain panel',
    shotOnFailure(page, SHOTS, 'dataset', async () => {
      const row = page().locator('.explorer-folders-view .monaco-list-row', { hasText: 'test.csv' });
      await row.waitFor({ timeout: 90_000 });
      await clickContextMenuItem(page(), row, 'Run Violation Test on Dataset');
      const input = page().locator('.quick-input-widget input');
      await page().locator('.quick-input-widget', { hasText: 'which rows?' }).waitFor();
      await input.fill('First 200');
      await page().locator('.quick-input-list .monaco-list-row.focused', { hasText: 'First 200' }).waitFor();
      await page().keyboard.press('Enter');

      const report = await frameWith(page(), '#report-summary');
      // Finished: every sample counted, no progress bar left.
      await report.waitForSelector(`#sample-count:has-text("${ROWS}")`, { timeout: 240_000 });
      await report.waitForSelector('#report-progress', { state: 'detached', timeout: 240_000 });
      await assertRatiosMatch(report, '');
      assert.ok(await report.$('#report-summary tr[data-explainer="random-floor"]'), 'the Random floor row');
      assert.ok((await report.textContent('#report-header'))?.includes(MODEL));
      await page().screenshot({ path: join(SHOTS, 'dataset-report.png') });

      // Open the fourth sample: the explain panel explains that row's text with the report's model.
      const sample = truth.records[3];
      await report.click(`.sample-row[data-row="${sample.row}"]`);
      const panel = await frameWith(page(), '.explainer-row[data-explainer="occlusion"]');
      await panel.waitForSelector(`#prediction:has-text("${sample.prediction.label}")`);
      const words = await panel.locator('.explainer-row[data-explainer="occlusion"] .unit-text').allTextContents();
      assert.equal(words.join(''), sample.text.replace(/\s+/g, ''), "the units are the sample's words");
      await page().screenshot({ path: join(SHOTS, 'dataset-sample.png') });
    }),
  );

  it(
    'after a window reload the report and the explain panel come back with the same numbers',
    shotOnFailure(page, SHOTS, 'dataset-reload', async () => {
      const sample = truth.records[3];
      // VS Code revives only panels its saved layout has (VS Code for the web saves it every few seconds).
      await waitForSavedLayout(page(), ['polarityLens.report', 'polarityLens.explain']);
      await page().reload();
      const report = await revivedFrameWith(page(), `#report-summary tr[data-explainer="${truth.explainers[0].id}"]`);
      await report.waitForSelector(`#sample-count:has-text("${ROWS}")`, { timeout: 180_000 });
      await report.waitForSelector('#report-progress', { state: 'detached', timeout: 180_000 });
      await assertRatiosMatch(report, ' after the reload');
      const panel = await revivedFrameWith(page(), '.explainer-row[data-explainer="occlusion"]');
      await panel.waitForSelector(`#prediction:has-text("${sample.prediction.label}")`);
      const words = await panel.locator('.explainer-row[data-explainer="occlusion"] .unit-text').allTextContents();
      assert.equal(words.join(''), sample.text.replace(/\s+/g, ''), 'the explain panel still shows the sample');
      await page().screenshot({ path: join(SHOTS, 'dataset-reloaded.png') });
    }),
  );

  it(
    "test.csv in the editor: a marker after each row's line, a hover with its verdicts, and a CodeLens that opens the row in the panel",
    shotOnFailure(page, SHOTS, 'dataset-rows', async () => {
      await page().locator('.explorer-folders-view .monaco-list-row', { hasText: 'test.csv' }).dblclick();
      const lenses = page().locator('.editor-instance .codelens-decoration a', { hasText: 'Explain row in panel' });
      await lenses.first().waitFor({ timeout: 180_000 });
      // A row other than the one the panel shows, found by its line number in the gutter.
      const sample = truth.records[5];
      const gutter = page().locator('.editor-instance .line-numbers', {
        hasText: new RegExp(`^\\s*${sample.line}\\s*$`),
      });
      const top = (await gutter.boundingBox())!.y;
      const found = await page().evaluate((y) => {
        const line = [...document.querySelectorAll('.editor-instance .view-line')].find(
          (l: any) => Math.abs(l.getBoundingClientRect().y - y) < 3,
        );
        if (!line) return null;
        // The marker is an ::after of a span of the line (VS Code's `after` decorations).
        const marker = [line, ...line.querySelectorAll('span')]
          .map((el) => getComputedStyle(el, '::after').content as string)
          .find((c) => c && c !== 'none' && c !== 'normal');
        // A line's CodeLens sits just above it: the lens whose bottom is closest above the line's top.
        const gaps = [...document.querySelectorAll('.editor-instance .codelens-decoration')].map(
          (z: any, i: number) => ({ i, gap: y - z.getBoundingClientRect().bottom }),
        );
        const above = gaps.filter((g) => g.gap >= -1).sort((a, b) => a.gap - b.gap);
        const box = line.getBoundingClientRect();
        return { marker, lens: above[0]?.i ?? -1, x: box.x + 40, y: box.y + box.height / 2 };
      }, top);
      assert.ok(found, `line ${sample.line} is on screen`);
      const judged = Object.values(sample.explainers).filter((e) => !e.error && e.violationMean !== null);
      const violating = judged.filter((e) => e.violationMean! > 0).length;
      assert.equal(
        found.marker,
        `"${violating ? '✗' : '✓'} ${violating}/${judged.length}"`,
        'the marker after the line',
      );

      // The hover: the row's prediction and each explainer's verdicts.
      const hover = page()
        .locator('.monaco-hover', { hasText: `row ${sample.row + 1} (line ${sample.line})` })
        .first();
      await hoverUntil(page(), found, hover);
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      assert.ok(text.includes(`Predicted ŷ = ${sample.prediction.label}`), text);
      assert.ok(text.includes('Leave-one-out occlusion'), text);
      await page().screenshot({ path: join(SHOTS, 'dataset-rows.png') });
      await page().keyboard.press('Escape');

      // The CodeLens above the line opens that row in the explain panel.
      assert.ok(found.lens >= 0, 'a CodeLens above the line');
      await page().locator('.editor-instance .codelens-decoration').nth(found.lens).locator('a').first().click();
      const panel = await frameWith(page(), '.explainer-row[data-explainer="occlusion"]');
      const words = () => panel.locator('.explainer-row[data-explainer="occlusion"] .unit-text').allTextContents();
      const until = Date.now() + 120_000;
      while ((await words()).join('') !== sample.text.replace(/\s+/g, '') && Date.now() < until)
        await page().waitForTimeout(250);
      assert.equal((await words()).join(''), sample.text.replace(/\s+/g, ''), "the panel explains the CodeLens's row");
    }),
  );
});
