/**
 * The compact view ("the story on one screen") in headless Chromium, on a real result of the shipped transformer for
 * a 25-word text: what each cell shows is checked against the result, and the view must fit a 1000 × 700 window
 * with the controls of the live panel above it, re-cutting the text when the panel narrows.
 *
 * Set POLARITY_LENS_SCREENSHOTS=<dir> to also save light and dark screenshots there.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { explainText } from '../../src/core/explain/explainText';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { panelHtml } from '../../src/pages/shared/pageHtml';
import { standaloneHtml } from '../../src/pages/explain/explainHtml';
import { PAPER_CORE_EXPLAINERS } from '../../src/core/explainers/paperCore';
import { topUnit } from '../../webview/explain/logic/panelModel';
import { compareExplanations } from '../../webview/explain/logic/modelComparison';
import { ROOT } from '../helpers/paths';
import { stateOf } from './panelState';
import { assertClean, attrs, FAKE_VSCODE, launchChromium, openWatched, texts, Trouble } from './browserPage';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

/** 25 words (34 units: commas, and the tag's characters, are units too): the size the compact view is made to show whole at 1000 × 700. */
const TEXT =
  'the first half drags with clumsy dialogue and flat jokes , but the cast is warm and the score is lovely , a quiet and <b>honest</b> film';
const SCRIPT = join(ROOT, 'dist', 'webview', 'main.js');
const CSS = join(ROOT, 'media', 'panel.css');
const CODICONS = join(ROOT, 'dist', 'webview', 'codicon-inline.css');
const SCREENSHOTS = process.env.POLARITY_LENS_SCREENSHOTS;

let result: ExplainResult;
/** The same text explained by the shipped BiLSTM: the comparison. */
let other: ExplainResult;
let browser: Browser;
let dir: string;

before(async () => {
  for (const [name, set] of [
    ['sst2-transformer', (r: ExplainResult) => (result = r)],
    ['sst2-bilstm-tanh', (r: ExplainResult) => (other = r)],
  ] as const) {
    const model = await TextClassifier.load(resolveModelDir(name));
    try {
      set(await explainText(model, TEXT));
    } finally {
      await model.dispose();
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'polarity-lens-story-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every cell of one story row across the chunks, in unit order: [index, text, class]. */
async function rowCells(page: Page, row: string): Promise<{ index: number; text: string; cls: string }[]> {
  return page.$$eval(`#story ${row} td.story-cell`, (cells: any[]) =>
    cells.map((c) => ({ index: Number(c.dataset.index), text: c.textContent, cls: c.className })),
  );
}

describe('the compact view (standalone page)', () => {
  let page: Page;
  let trouble: Trouble;
  before(async () => {
    const html = standaloneHtml(stateOf(result), {
      script: readFileSync(SCRIPT, 'utf8'),
      styles: [readFileSync(CSS, 'utf8')],
    });
    ({ page, trouble } = await openWatched(browser, html, join(dir, 'story.html'), {
      viewport: { width: 1000, height: 700 },
      ready: '#story .story-row',
    }));
  });
  after(() => page?.close());

  it('runs the units across, in order and as text, and the paper’s core explainers down', async () => {
    assert.equal(TEXT.split(' ').filter((w) => /\w/.test(w)).length, 25);
    assert.deepEqual(
      await texts(page, '#story thead th.story-word'),
      result.units.map((u) => u.text),
    );
    assert.equal(await page.locator('#story b').count(), 0, 'markup in the text stays text');
    const shown = result.explanations.filter((e) => PAPER_CORE_EXPLAINERS.includes(e.id)).map((e) => e.id);
    assert.equal(shown.length, 6);
    const firstChunk = '#story table.story-table:first-of-type';
    assert.deepEqual(await attrs(page, `${firstChunk} tr.story-row`, 'data-explainer'), shown);
    assertClean(trouble);
  });

  it('marks each explainer’s top unit with ★, the real polarity ▲/▼ on top, and ✓/✗ per operator at the right', async () => {
    const impact = result.impacts.find((i) => i.operator === 'delete')!;
    const impactCells = await rowCells(page, 'tr.story-impact');
    assert.deepEqual(
      impactCells.map((c) => c.index),
      result.units.map((_, i) => i),
    );
    assert.deepEqual(
      impactCells.map((c) => c.text),
      impact.polarity.map((p) => ({ supports: '▲', suppresses: '▼', none: '•' })[p]),
    );
    for (const id of PAPER_CORE_EXPLAINERS) {
      const row = result.explanations.find((e) => e.id === id)!;
      const cells = await rowCells(page, `tr.story-row[data-explainer="${id}"]`);
      const starred = cells.filter((c) => c.text === '★').map((c) => c.index);
      assert.deepEqual(starred, [topUnit(row)], id);
      // The tint's side follows the weight's sign.
      for (const c of cells) {
        const w = row.weights![c.index];
        assert.ok(c.cls.includes(w > 0 ? 'tone-positive' : w < 0 ? 'tone-negative' : 'tone-none'), `${id} ${c.index}`);
      }
      const verdicts = await page.$$eval(
        `#story tr.story-row[data-explainer="${id}"] td.story-verdict`,
        (cells: any[]) => cells.map((c) => [c.dataset.operator, c.querySelector('[aria-hidden]').textContent]),
      );
      assert.deepEqual(
        verdicts,
        row.verdicts.map((v) => [v.operator, `${v.violates ? '✗' : '✓'}${v.byConstruction ? '†' : ''}`]),
        id,
      );
    }
    const violating = result.explanations
      .filter((e) => PAPER_CORE_EXPLAINERS.includes(e.id) && e.verdicts.some((v) => v.violates))
      .length.toString();
    assert.ok(((await page.textContent('#story .story-count')) ?? '').startsWith(`${violating} of 6`));
  });

  it('fits a 1000 × 700 window, and a narrower panel cuts the text into more chunks without scrolling sideways', async () => {
    const box = await page.locator('#story').boundingBox();
    assert.ok(box && box.y + box.height <= 700 && box.x + box.width <= 1000, JSON.stringify(box));
    const wide = await page.locator('#story table.story-table').count();
    await page.setViewportSize({ width: 560, height: 700 });
    await page.waitForFunction((n: number) => document.querySelectorAll('#story table.story-table').length > n, wide);
    const rights = await page.$$eval('#story table.story-table', (ts: any[]) =>
      ts.map((t) => t.getBoundingClientRect().right),
    );
    for (const r of rights) assert.ok(r <= 560, `a chunk ends at ${r}px`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 560, 'no sideways scroll');
    assert.deepEqual(
      await texts(page, '#story thead th.story-word'),
      result.units.map((u) => u.text),
    );
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.waitForFunction((n: number) => document.querySelectorAll('#story table.story-table').length === n, wide);
  });

  it('shows all explainers on request, and a verdict’s click shows that operator’s impacts in both views', async () => {
    await page.click('#story-toggle');
    const first = '#story table.story-table:first-of-type';
    assert.deepEqual(
      await attrs(page, `${first} tr.story-row`, 'data-explainer'),
      result.explanations.map((e) => e.id),
    );
    assert.equal(await page.getAttribute('#story-toggle', 'aria-pressed'), 'true');
    await page.click(
      `${first} tr.story-row[data-explainer="raw-attention"] td.story-verdict[data-operator="zero-embedding"]`,
    );
    assert.equal(await page.getAttribute('#story tr.story-impact', 'data-operator'), 'zero-embedding');
    assert.equal(await page.getAttribute('.impact-row', 'data-operator'), 'zero-embedding');
    await page.click('#story-toggle');
    assert.equal(await page.locator(`${first} tr.story-row`).count(), 6);
    assertClean(trouble);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'story-standalone.png') });
    }
  });
});

describe('two models compared (standalone page with a comparison)', () => {
  it('shows the second model’s view beside the first, frames each verdict that differs, and lists the changes', async () => {
    const html = standaloneHtml(
      { ...stateOf(result), comparison: other },
      { script: readFileSync(SCRIPT, 'utf8'), styles: [readFileSync(CSS, 'utf8')] },
    );
    const { page, trouble } = await openWatched(browser, html, join(dir, 'compare.html'), {
      viewport: { width: 1400, height: 900 },
      ready: '#compare-story .story-row',
    });
    try {
      const diff = compareExplanations(result, other);
      const framed = await page.$$eval('#compare-story td.story-verdict[data-differs]', (cells: any[]) =>
        cells.map((c) => `${c.closest('tr').dataset.explainer}/${c.dataset.operator}`),
      );
      const expected = diff.rows
        .filter((r) => PAPER_CORE_EXPLAINERS.includes(r.id))
        .flatMap((r) => r.changes.map((c) => `${r.id}/${c.operator}`));
      assert.deepEqual(framed.sort(), expected.sort());
      assert.equal(await page.locator('#story td.story-verdict[data-differs]').count(), 0, 'the first is the baseline');
      const summary = (await page.textContent('#compare-summary')) ?? '';
      assert.ok(summary.includes(`${diff.changedVerdicts} of ${diff.comparedVerdicts} verdicts differ`), summary);
      assert.ok(summary.includes('sst2-bilstm-tanh') && summary.includes('sst2-transformer'));
      assert.equal(summary.includes('the predictions differ'), diff.predictionChanged);
      assert.equal(
        await page.locator('#compare-summary li:not(.muted)').count(),
        diff.changedVerdicts,
        'one line per changed verdict',
      );
      // Wide enough: side by side.
      const [a, b] = await Promise.all(['#story', '#compare'].map((s) => page.locator(s).boundingBox()));
      assert.ok(
        a && b && b.x > a.x + a.width - 1 && Math.abs(b.y - a.y) < 2,
        `${JSON.stringify(a)} ${JSON.stringify(b)}`,
      );
      assertClean(trouble);
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'story-compare.png') });
    } finally {
      await page.close();
    }
  });
});

describe('the compact view in the live panel', () => {
  it('fits under the controls in a 1000 × 700 panel, light and dark, and the choice of all explainers is saved', async () => {
    const file = join(dir, 'live.html');
    writeFileSync(
      file,
      panelHtml(
        {
          script: readFileSync(SCRIPT, 'utf8'),
          styles: [readFileSync(CSS, 'utf8')],
          codicons: readFileSync(CODICONS, 'utf8'),
        },
        'test-nonce-story',
      ),
    );
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(FAKE_VSCODE);
    try {
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => window.__posted.some((m: { type: string }) => m.type === 'ready'));
      const state = stateOf(result);
      await page.evaluate(
        (m: unknown) => window.postMessage(m, '*'),
        JSON.parse(JSON.stringify({ type: 'show', ...state, recomputed: [] })),
      );
      await page.waitForSelector('#story .story-row');
      for (const theme of ['vscode-light', 'vscode-dark']) {
        await page.evaluate((t: string) => {
          document.body.classList.remove('vscode-light', 'vscode-dark');
          document.body.classList.add(t);
        }, theme);
        assert.equal(await page.locator('#controls').isVisible(), true);
        const box = await page.locator('#story').boundingBox();
        assert.ok(box && box.y + box.height <= 700 && box.x + box.width <= 1000, `${theme}: ${JSON.stringify(box)}`);
        if (SCREENSHOTS) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          await page.screenshot({ path: join(SCREENSHOTS, `story-live-${theme}.png`) });
        }
      }
      await page.click('#story-toggle');
      const saved = await page.evaluate(() => JSON.parse(window.sessionStorage.getItem('state') ?? 'null'));
      assert.equal(saved.view.storyAll, true);
      // Compare: the button asks the host; the host's answer draws the second view; stopping asks again.
      assert.equal(await page.locator('#compare').isVisible(), false);
      await page.click('#story-compare');
      assert.equal((await page.evaluate(() => window.__posted.at(-1))).type, 'compare');
      await page.evaluate(
        (m: unknown) => window.postMessage(m, '*'),
        JSON.parse(JSON.stringify({ type: 'comparison', result: other })),
      );
      await page.waitForSelector('#compare-story .story-row');
      assert.equal(await page.textContent('#story-compare'), 'Stop comparing');
      await page.click('#story-compare');
      assert.equal((await page.evaluate(() => window.__posted.at(-1))).type, 'compare-off');
      await page.evaluate(() => window.postMessage({ type: 'comparison', result: null }, '*'));
      await page.waitForSelector('#compare', { state: 'hidden' });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
