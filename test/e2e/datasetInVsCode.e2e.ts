/**
 * Dataset mode end to end in a real VS Code (code-server, headless Chromium, Playwright): right-click the SST-2 test
 * file in the Explorer, run the violation test on its first 200 rows, check the report's table against the CLI's
 * numbers for the same rows, open one sample in the explain panel, then reload the window: both panels come back
 * with the same numbers. Screenshots go to out/e2e/.
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
});
