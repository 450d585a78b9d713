/**
 * The dataset report in a real browser (headless Chromium through playwright-core): the exported standalone page,
 * a 100,000-sample report, and the live webview with a stand-in for VS Code's acquireVsCodeApi. Reports come from
 * the seeded fake generator, and every expectation is computed from the same report with the webview's own logic.
 *
 * Set POLARITY_LENS_SCREENSHOTS=<dir> to also save screenshots there.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ReportView } from '../../src/core/datasetRun/datasetReport';
import { panelHtml } from '../../src/pages/shared/pageHtml';
import { standaloneReportHtml } from '../../src/pages/report/reportHtml';
import type { ReportViewState, SampleFilters } from '../../src/pages/report/reportProtocol';
import { defaultChartExplainers, polarityMatrix } from '../../webview/report/logic/chartModel';
import { formatCount, formatFixed } from '../../webview/report/logic/reportFormat';
import { bestPerColumn, sortExplainers, summaryColumns } from '../../webview/report/logic/reportSummary';
import { DEFAULT_FILTERS, visibleSamples } from '../../webview/report/logic/sampleFilter';
import { ROOT } from '../helpers/paths';
import { assertClean, attrs, FAKE_VSCODE, launchChromium, openWatched, texts, Trouble } from './browserPage';
import { fakeComparison, fakeReport, XSS_IMG, XSS_SCRIPT } from './fakeReport';

// Callbacks given to page.evaluate run in the browser; the root tsconfig has no DOM lib, so declare what they use.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any, sessionStorage: any, getComputedStyle: (el: unknown) => any;
type HTMLElement = any;

const SCRIPT = join(ROOT, 'dist', 'webview', 'report.js');
const PANEL_CSS = join(ROOT, 'media', 'panel.css');
const REPORT_CSS = join(ROOT, 'media', 'report.css');
const CODICONS = join(ROOT, 'dist', 'webview', 'codicon-inline.css');
const SCREENSHOTS = process.env.POLARITY_LENS_SCREENSHOTS;

let browser: Browser;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'polarity-lens-report-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function openFile(
  html: string,
  name: string,
  init?: string,
  ready = '#report-summary',
): Promise<{ page: Page; trouble: Trouble }> {
  return openWatched(browser, html, join(dir, `${name}.html`), { viewport: { width: 1200, height: 900 }, ready, init });
}

function standalone(report: ReportView, view?: Partial<ReportViewState>): string {
  return standaloneReportHtml(
    report,
    { script: readFileSync(SCRIPT, 'utf8'), css: [readFileSync(PANEL_CSS, 'utf8'), readFileSync(REPORT_CSS, 'utf8')] },
    view,
  );
}

const summaryOrder = (page: Page): Promise<(string | null)[]> =>
  attrs(page, '#report-summary tbody tr', 'data-explainer');

/** Sets a vscode-elements select (or multi-select) the way a pick does: value, then a change event. */
const choose = (page: Page, id: string, value: string | string[]): Promise<void> =>
  page.$eval(
    `#${id}`,
    (el, v) => {
      (el as HTMLElement).value = v;
      el.dispatchEvent(new Event('change'));
    },
    value,
  );
const typeSearch = (page: Page, text: string): Promise<void> =>
  page.$eval(
    '#filter-search',
    (el, v) => {
      (el as HTMLElement).value = v;
      el.dispatchEvent(new Event('input'));
    },
    text,
  );
const countText = (shown: number, total: number): string =>
  `Showing ${formatCount(shown)} of ${formatCount(total)} samples`;
const waitCount = (page: Page, text: string): Promise<unknown> =>
  page.waitForFunction((t) => document.getElementById('sample-count')?.textContent === t, text);

/** `base` as a run measuring the verdicts only would report it (measures.ts): nothing else computed. */
function verdictsOnly(base: ReportView): ReportView {
  const none = { n: 0, mean: null, lo: null, hi: null };
  return {
    ...base,
    settings: { ...base.settings, measure: ['verdicts'], randomSeeds: [] },
    metrics: [],
    random: { perSeed: [], mean: null, spread: null },
    explainers: base.explainers.map(({ polarity: _p, ...e }) => ({
      ...e,
      tokenLevelRate: none,
      weightedRate: none,
      metrics: {},
    })),
  };
}

describe('the exported report page (standalone, headless Chromium)', () => {
  const report = fakeReport({ rows: 300, seed: 21 });
  let page: Page;
  let trouble: Trouble;
  before(async () => {
    ({ page, trouble } = await openFile(standalone(report), 'standalone'));
  });
  after(() => page?.close());

  it('shows hostile dataset text as text: no element is made from it and nothing runs', async () => {
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('b').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.textContent('.sample-row[data-row="0"] .c1'), report.sampleRows[0].text);
    assert.equal(await page.textContent('.sample-row[data-row="1"] .c1'), report.sampleRows[1].text);
    assert.ok(report.sampleRows[1].text.startsWith(XSS_SCRIPT));
    assert.equal(await page.textContent('#report-dataset'), report.dataset.path);
    assert.equal(await page.textContent('#report-summary tbody tr[data-explainer="lime"] th'), `LIME ${XSS_IMG}`);
    assert.ok((await texts(page, '.bad-row-list li')).includes(`line 9: unparseable JSON: ${XSS_IMG}`));
    await choose(page, 'token-explainer', 'lime');
    await page.waitForSelector(`#chart-tokens .token-bar[data-token="${XSS_IMG.replace(/"/g, '\\"')}"]`);
    assert.equal((await texts(page, '#chart-tokens .token-label title'))[0], XSS_IMG);
    assert.equal(await page.locator('script').count(), 2, 'only the JSON island and the app script');
    assertClean(trouble);
  });

  it('shows the header: model, samples, accuracy with its interval, the metrics operator, bad rows', async () => {
    assert.equal(await page.textContent('#report-model'), 'sst2-transformer');
    assert.match((await page.textContent('#report-samples')) ?? '', /^300 of 300 selected rows$/);
    const accuracy = (await page.textContent('#report-accuracy')) ?? '';
    const a = report.accuracy!;
    assert.ok(
      accuracy.includes(formatFixed(a.ratio)) && accuracy.includes(`${formatFixed(a.lo)}–${formatFixed(a.hi)}`),
      accuracy,
    );
    assert.ok(accuracy.includes(`${a.k} of ${a.n} labelled rows`), accuracy);
    assert.equal(await page.textContent('#report-operator'), 'delete (slice_out)');
    assert.equal(await page.locator('#report-state').count(), 0, 'a complete report has no partial badge');
    assert.equal(await page.locator('#report-actions').isVisible(), false, 'no export in the exported page');
    assert.equal(await page.locator('#report-cancel').count(), 0);
    assert.equal(await page.locator('.bad-row-list').isVisible(), false);
    await page.click('.bad-rows summary');
    assert.equal(await page.locator('.bad-row-list li').count(), report.dataset.badRows.length);
  });

  it('draws one summary row per explainer with the report’s numbers, and the Random floor', async () => {
    assert.deepEqual(
      await summaryOrder(page),
      sortExplainers(report.explainers, { column: 'violationMean', descending: false }).map((e) => e.id),
    );
    for (const e of report.explainers) {
      const row = `#report-summary tbody tr[data-explainer="${e.id}"]`;
      for (const op of report.settings.operators) {
        const p = e.violation[op];
        assert.equal(
          await page.getAttribute(`${row} td[data-column="operator:${op}"]`, 'data-value'),
          p ? String(p.ratio) : '',
          `${e.id} ${op}`,
        );
        assert.equal(
          await page.textContent(`${row} td[data-column="operator:${op}"] .cell-main`),
          formatFixed(p?.ratio),
          `${e.id} ${op}`,
        );
      }
      assert.equal(
        await page.textContent(`${row} td[data-column="violationMean"] .cell-main`),
        formatFixed(e.violationMean.mean),
      );
      if (e.violationMean.lo !== null)
        assert.equal(
          await page.textContent(`${row} td[data-column="violationMean"] .cell-ci`),
          `${formatFixed(e.violationMean.lo)}–${formatFixed(e.violationMean.hi)}`,
        );
      for (const m of report.metrics)
        assert.equal(
          await page.getAttribute(`${row} td[data-column="metric:${m.id}"]`, 'data-value'),
          String(e.metrics[m.id].mean ?? ''),
        );
      assert.equal(await page.getAttribute(`${row} td[data-column="failures"]`, 'data-value'), String(e.failures));
    }
    const floor = (await page.textContent('#report-summary tfoot td[data-column="violationMean"] .cell-main')) ?? '';
    assert.equal(floor, `${formatFixed(report.random.mean)} ± ${formatFixed(report.random.spread)}`);
    assert.match((await page.textContent('#report-summary tfoot th')) ?? '', /Random floor \(3 seeds\)/);
  });

  it('marks the best value of every column with ★ and bold, and says so to screen readers', async () => {
    const best = bestPerColumn(report.explainers, summaryColumns(report));
    assert.ok(best.size >= 8);
    for (const [column, winners] of best) {
      const marked = await page.$$eval(`#report-summary tbody td.best[data-column="${column}"]`, (els) =>
        els.map((e) => e.closest('tr')?.getAttribute('data-explainer')),
      );
      assert.deepEqual(marked.sort(), [...winners].sort(), column);
    }
    const cell = `#report-summary tbody td.best[data-column="violationMean"]`;
    assert.match((await page.textContent(cell)) ?? '', /★.*\(best in column\)/);
    assert.equal(await page.$eval(cell, (e) => getComputedStyle(e).fontWeight), '700');
    assert.equal(
      await page.locator('#report-summary tr[data-explainer="random"] td.best').count(),
      0,
      'the floor is not ranked',
    );
  });

  it('sorts by a header click and by keyboard, with aria-sort, keeping focus on the header', async () => {
    const th = (c: string): string => `#report-summary th[data-column="${c}"]`;
    assert.equal(await page.getAttribute(th('violationMean'), 'aria-sort'), 'ascending');
    await page.click(`${th('metric:aopc')} button`);
    assert.equal(await page.getAttribute(th('metric:aopc'), 'aria-sort'), 'descending', 'higher is better: best first');
    assert.deepEqual(
      await summaryOrder(page),
      sortExplainers(report.explainers, { column: 'metric:aopc', descending: true }).map((e) => e.id),
    );
    await page.click(`${th('msPerSample')} button`);
    assert.equal(await page.getAttribute(th('msPerSample'), 'aria-sort'), 'ascending');
    assert.deepEqual(
      await summaryOrder(page),
      sortExplainers(report.explainers, { column: 'msPerSample', descending: false }).map((e) => e.id),
    );
    assert.equal(await page.getAttribute(th('metric:aopc'), 'aria-sort'), 'none');

    await page.focus(`${th('explainer')} button`);
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute(th('explainer'), 'aria-sort'), 'ascending');
    const byName = sortExplainers(report.explainers, { column: 'explainer', descending: false }).map((e) => e.id);
    assert.deepEqual(await summaryOrder(page), byName);
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('th')?.getAttribute('data-column')),
      'explainer',
    );
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute(th('explainer'), 'aria-sort'), 'descending');
    assert.deepEqual(
      await summaryOrder(page),
      sortExplainers(report.explainers, { column: 'explainer', descending: true }).map((e) => e.id),
    );
  });

  it('draws every chart as labelled SVG with values on hover (<title>), focus and in a hidden table', async () => {
    for (const id of ['chart-violation', 'chart-length', 'chart-confidence', 'chart-polarity', 'chart-tokens']) {
      const svg = `#${id} svg.chart-svg`;
      assert.equal(await page.locator(svg).count(), 1, id);
      const labelledBy = (await page.getAttribute(svg, 'aria-labelledby'))!;
      assert.ok(((await page.textContent(`#${labelledBy}`)) ?? '').length > 10, `${id} has a title`);
      assert.ok(
        ((await page.textContent(`#${await page.getAttribute(svg, 'aria-describedby')}`)) ?? '').length > 20,
        `${id} is described`,
      );
      const marks = await page.$$eval(`${svg} .mark`, (els) =>
        els.map((e) => [e.getAttribute('aria-label'), e.querySelector('title')?.textContent]),
      );
      assert.ok(marks.length > 0, id);
      for (const [label, title] of marks) assert.ok(label && label === title, `${id}: ${label}`);
      assert.ok((await page.locator(`#${id} .sr-only table`).count()) === 1, `${id} has a text alternative table`);
      assert.ok((await page.locator(`#${id} .axis-title`).count()) >= 1, `${id} has an axis label`);
    }
    const ops = report.settings.operators;
    assert.equal(await page.locator('#chart-violation .bar').count(), report.explainers.length * ops.length);
    const ag = report.explainers.find((e) => e.id === 'attention-x-gradient')!;
    assert.equal(
      await page.getAttribute(
        '#chart-violation .bar-group[data-explainer="attention-x-gradient"] .bar[data-operator="delete"]',
        'data-value',
      ),
      String(ag.violation.delete!.ratio),
    );
    assert.equal(await page.locator('#chart-violation .reference-line.mark').count(), 1);
    assert.deepEqual(
      await attrs(page, '#chart-length .series', 'data-explainer'),
      defaultChartExplainers(report.explainers),
    );
    assert.deepEqual(
      await attrs(page, '#chart-confidence .chart-legend li', 'data-explainer'),
      defaultChartExplainers(report.explainers),
    );

    // Keyboard: one tab stop per chart; arrows move along the marks and the readout says the value.
    await page.focus('#chart-violation .mark[tabindex="0"]');
    await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    assert.match(focused ?? '', /zero-embedding \(zeros_mask\): violation ratio/);
    assert.equal(await page.textContent('#chart-violation .chart-readout'), focused);
    assert.equal(await page.locator('#chart-violation .mark[tabindex="0"]').count(), 1);
  });

  it('draws the polarity matrix of the picked explainer, and the line charts of the picked explainers', async () => {
    const cells = async (): Promise<number[]> =>
      (await attrs(page, '#chart-polarity .matrix-cell', 'data-count')).map(Number);
    assert.equal(await page.getAttribute('#chart-polarity svg', 'data-explainer'), 'attention-x-gradient');
    const ag = report.explainers.find((e) => e.id === 'attention-x-gradient')!;
    assert.deepEqual(
      await cells(),
      polarityMatrix(ag.polarity!).cells.map((c) => c.count),
    );
    await choose(page, 'polarity-explainer', 'raw-attention');
    await page.waitForSelector('#chart-polarity svg[data-explainer="raw-attention"]');
    assert.deepEqual(await cells(), report.explainers[0].polarity!.slice(0, 4));
    const violating = await page.$$eval('#chart-polarity .matrix-cell.cell-violates', (els) =>
      els.map((e) => e.getAttribute('aria-label')),
    );
    assert.ok(
      violating.every((l) => /✗ violation$/.test(l ?? '')),
      'violations are said in words, not only by colour',
    );

    await choose(page, 'chart-explainers', ['occlusion', 'lime']);
    await page.waitForFunction(() => document.querySelectorAll('#chart-length .series').length === 2);
    assert.deepEqual(await attrs(page, '#chart-confidence .series', 'data-explainer'), ['occlusion', 'lime']);
    const points = await page.locator('#chart-length .series[data-explainer="lime"] .point').count();
    assert.equal(points, report.byLength.length);
  });

  it('filters the samples and shows the count the logic computes', async () => {
    const total = report.sampleRows.length;
    const expectCount = async (
      filters: Partial<SampleFilters>,
      sort: ReportViewState['sampleSort'] = { key: 'row', descending: false },
    ): Promise<number[]> => {
      const shown = visibleSamples(report, { ...DEFAULT_FILTERS, ...filters }, sort);
      await waitCount(page, countText(shown.length, total));
      return shown;
    };
    await expectCount({});
    await choose(page, 'filter-explainer', 'input-x-gradient');
    await choose(page, 'filter-violation', 'violates');
    let shown = await expectCount({ explainer: 'input-x-gradient', violation: 'violates' });
    assert.ok(shown.length > 0 && shown.length < total);
    assert.match((await page.textContent('.sample-head')) ?? '', /Violation \(InputGrad/);
    await choose(page, 'filter-label', 'none');
    shown = await expectCount({ explainer: 'input-x-gradient', violation: 'violates', label: null });
    await choose(page, 'filter-label', 'any');
    await choose(page, 'filter-correct', 'wrong');
    await typeSearch(page, 'FOOD');
    shown = await expectCount({
      explainer: 'input-x-gradient',
      violation: 'violates',
      correctness: 'wrong',
      search: 'FOOD',
    });
    const drawn = (await attrs(page, '.sample-body .sample-row', 'data-row')).map(Number);
    assert.ok(drawn.length > 0 && drawn.length <= shown.length);
    assert.deepEqual(
      drawn,
      shown.slice(0, drawn.length).map((i) => report.sampleRows[i].row),
      'the rows drawn are the first ones the logic shows',
    );
    await choose(page, 'sample-sort', 'confidence:desc');
    shown = await expectCount(
      { explainer: 'input-x-gradient', violation: 'violates', correctness: 'wrong', search: 'FOOD' },
      { key: 'confidence', descending: true },
    );
    assert.equal(
      await page.getAttribute('.sample-body .sample-row >> nth=0', 'data-row'),
      String(report.sampleRows[shown[0]].row),
    );
    await typeSearch(page, 'no such text anywhere');
    await waitCount(page, countText(0, total));
    assert.equal(await page.locator('.sample-body .sample-row').count(), 0);
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'report-standalone.png'), fullPage: true });
    assertClean(trouble);
  });
});

describe('a 100,000-sample report', () => {
  it('loads, scrolls to the end with fewer than 200 sample rows in the DOM, and filters', async () => {
    const report = fakeReport({ rows: 100_000, seed: 5 });
    const started = Date.now();
    const { page, trouble } = await openFile(standalone(report), 'big', undefined, '#sample-count');
    try {
      await waitCount(page, countText(100_000, 100_000));
      const loadMs = Date.now() - started;
      assert.ok(loadMs < 30_000, `loaded in ${loadMs} ms`);
      const rowCount = (): Promise<number> => page.locator('.sample-row[data-row]').count();
      assert.ok((await rowCount()) < 200, `${await rowCount()} rows drawn`);

      await page.$eval('#sample-scroller', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForSelector('.sample-row[data-row="99999"]');
      assert.ok((await rowCount()) < 200);
      const inView = await page.$eval('#sample-scroller', (scroller) => {
        const box = scroller.getBoundingClientRect();
        const last = scroller.querySelector('.sample-row[data-row="99999"]')!.getBoundingClientRect();
        return last.top >= box.top - 1 && last.bottom <= box.bottom + 1;
      });
      assert.ok(inView, 'the last row is inside the visible list');
      assert.equal(await page.textContent('.sample-row[data-row="99999"] .c1'), report.sampleRows[99_999].text);

      // Keyboard: Home goes back to the first row, End to the last, one row in the DOM focused each time.
      await page.focus('.sample-row[data-row="99999"]');
      await page.keyboard.press('Home');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-row') === '0');
      await page.keyboard.press('End');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-row') === '99999');
      assert.ok((await rowCount()) < 200);

      await choose(page, 'filter-violation', 'violates');
      const shown = visibleSamples(
        report,
        { ...DEFAULT_FILTERS, violation: 'violates' },
        { key: 'row', descending: false },
      );
      await waitCount(page, countText(shown.length, 100_000));
      assert.equal(
        await page.getAttribute('.sample-body .sample-row >> nth=0', 'data-row'),
        String(report.sampleRows[shown[0]].row),
      );
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });
});

describe('the live report webview (VS Code API stand-in)', () => {
  const liveHtml = (): string =>
    panelHtml(
      {
        script: readFileSync(SCRIPT, 'utf8'),
        styles: [readFileSync(PANEL_CSS, 'utf8'), readFileSync(REPORT_CSS, 'utf8')],
        codicons: readFileSync(CODICONS, 'utf8'),
      },
      'test-nonce-123',
    );
  const posted = (page: Page): Promise<{ type: string; [k: string]: unknown }[]> =>
    page.evaluate(() => window.__posted);
  const send = (page: Page, message: unknown): Promise<void> =>
    page.evaluate((m) => window.postMessage(m, '*'), message);
  const saved = (page: Page): Promise<{ view: ReportViewState; report?: { datasetPath: string } } | null> =>
    page.evaluate(() => JSON.parse(sessionStorage.getItem('state') ?? 'null'));
  const waitPosted = (page: Page, type: string): Promise<unknown> =>
    page.waitForFunction((t) => window.__posted.some((m: { type: string }) => m.type === t), type);

  it('says ready, shows progress with Cancel, draws partial reports, posts openSample and export, and restores its view', async () => {
    const full = fakeReport({ rows: 300, seed: 9 });
    const partial: ReportView = { ...fakeReport({ rows: 120, seed: 9, resumed: 40 }), complete: false };
    const { page, trouble } = await openFile(liveHtml(), 'live', FAKE_VSCODE, '#report-header');
    try {
      await waitPosted(page, 'ready');
      assert.equal(
        await page.locator('#summary-section').isVisible(),
        false,
        'nothing to draw before the host answers',
      );

      // Progress: bar, count/total, rate, ETA; Cancel posts cancel and keeps focus through updates.
      await send(page, { type: 'progress', done: 12, total: 300, perSecond: 4.2, etaSeconds: 69, label: 'Explaining' });
      await page.waitForSelector('#report-progress');
      assert.equal(
        await page.textContent('#report-progress-text'),
        '12 of 300 samples (4%) · 4.2/s · about 1 min 9 s left',
      );
      await page.focus('#report-cancel');
      await send(page, { type: 'progress', done: 40, total: 300, perSecond: 5, etaSeconds: 52, label: 'Explaining' });
      await page.waitForFunction(() =>
        document.getElementById('report-progress-text')?.textContent?.startsWith('40 of 300'),
      );
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        'report-cancel',
        'a progress update does not steal focus',
      );
      assert.equal(await page.$eval('#report-progress', (el) => (el as HTMLElement).value), 40);
      await page.click('#report-cancel');
      await waitPosted(page, 'cancel');

      await send(page, { type: 'report', report: partial });
      await page.waitForSelector('#report-summary');
      assert.equal(await page.textContent('#report-state'), 'partial');
      assert.match((await page.textContent('#report-samples')) ?? '', /40 resumed from cache/);
      await waitCount(page, countText(120, 120));
      assert.equal(await page.locator('#report-actions').isVisible(), true);

      // A grown partial report keeps the reader's sort and the list's place.
      await page.click('#report-summary th[data-column="failures"] button');
      await send(page, { type: 'report', report: full });
      await waitCount(page, countText(300, 300));
      assert.equal(await page.getAttribute('#report-summary th[data-column="failures"]', 'aria-sort'), 'ascending');
      await send(page, { type: 'finished', cancelled: true });
      await page.waitForSelector('#run-status .status-cancelled');
      assert.equal(await page.locator('#report-state').count(), 0, 'the last report was complete');

      // Samples: a click and Enter post openSample with the sample's data row.
      await page.click('.sample-row[data-row="3"]');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const opened = (await posted(page)).filter((m) => m.type === 'openSample').map((m) => m.row);
      assert.deepEqual(opened, [3, 4]);

      for (const format of ['json', 'csv', 'html', 'md']) await page.click(`#export-${format}`);
      const exports = (await posted(page)).filter((m) => m.type === 'export');
      assert.deepEqual(
        exports.map((m) => m.format),
        ['json', 'csv', 'html', 'md'],
      );
      assert.deepEqual(
        (exports[0].view as ReportViewState).sort,
        { column: 'failures', descending: false },
        'an export carries the view',
      );

      // View choices are saved: filter, order, chart picks, scroll positions.
      await choose(page, 'filter-prediction', 'is:positive');
      await choose(page, 'sample-sort', 'confidence:asc');
      await choose(page, 'polarity-explainer', 'occlusion');
      await page.waitForSelector('#chart-polarity svg[data-explainer="occlusion"]');
      const shown = visibleSamples(
        full,
        { ...DEFAULT_FILTERS, prediction: 'positive' },
        { key: 'confidence', descending: false },
      );
      await waitCount(page, countText(shown.length, 300));
      await page.$eval('#sample-scroller', (el) => (el.scrollTop = 280));
      await page.evaluate(() => window.scrollTo(0, 600));
      await page.waitForFunction(() => {
        const s = JSON.parse(sessionStorage.getItem('state') ?? 'null');
        return s?.view.sampleScroll === 280 && s?.view.pageScroll === 600;
      });
      const state = (await saved(page))!;
      assert.equal(state.view.filters.prediction, 'positive');
      assert.deepEqual(state.view.sampleSort, { key: 'confidence', descending: false });
      assert.equal(state.view.polarityExplainer, 'occlusion');
      assert.equal(state.report?.datasetPath, full.dataset.path);
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'report-live.png'), fullPage: true });

      // Reload: ready again, the host re-sends the report, and the view comes back as it was.
      await page.reload();
      await waitPosted(page, 'ready');
      await send(page, { type: 'report', report: full });
      await waitCount(page, countText(shown.length, 300));
      assert.equal(await page.getAttribute('#report-summary th[data-column="failures"]', 'aria-sort'), 'ascending');
      assert.equal(await page.$eval('#filter-prediction', (el) => (el as HTMLElement).value), 'is:positive');
      assert.equal(await page.$eval('#sample-sort', (el) => (el as HTMLElement).value), 'confidence:asc');
      assert.equal(await page.getAttribute('#chart-polarity svg', 'data-explainer'), 'occlusion');
      await page.waitForFunction(
        () => document.getElementById('sample-scroller')?.scrollTop === 280 && window.scrollY === 600,
      );
      const first = Math.floor(280 / 28);
      assert.ok(
        (await page.locator(`.sample-row[data-pos="${first}"]`).count()) === 1,
        'the rows at the saved offset are drawn',
      );
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });

  it('says why there is nothing to show when the host has no report (a panel restored after a reload)', async () => {
    const { page, trouble } = await openFile(liveHtml(), 'live-empty', FAKE_VSCODE, '#report-header');
    try {
      await waitPosted(page, 'ready');
      await send(page, { type: 'finished', cancelled: false, message: 'This report belongs to a closed window.' });
      await page.waitForSelector('#run-status [role="alert"]');
      assert.match((await page.textContent('#run-status')) ?? '', /Stopped\. This report belongs to a closed window\./);
      assert.match((await page.textContent('#report-header')) ?? '', /No report to show/);
      assert.equal(await page.locator('#report-actions').isVisible(), false);
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });

  it('a multi-label report names the label each sample row tests, its σ(z), the per-label accuracy, and opens the row with its label', async () => {
    const base = fakeReport({ rows: 8, seed: 4 });
    // Each data row twice, once per label (a two-label model); the fake's numbers stay as they are.
    const sampleRows = base.sampleRows.map((r, i) => ({
      ...r,
      row: Math.floor(i / 2),
      target: i % 2,
      prediction: base.model.labels[i % 2],
    }));
    const report: ReportView = {
      ...base,
      samples: 8,
      rowsExplained: 4,
      sampleRows,
      model: {
        ...base.model,
        head: { kind: 'multi-label', quantity: 'sigmoid probability σ(z) of one label', isProbability: true },
      },
    };
    const { page, trouble } = await openFile(liveHtml(), 'live-multilabel', FAKE_VSCODE, '#report-header');
    try {
      await waitPosted(page, 'ready');
      await send(page, { type: 'report', report });
      await page.waitForSelector('.sample-row[data-target="1"]');
      const heads = await page.locator('.sample-head .cell').allTextContents();
      assert.deepEqual(heads.slice(3, 5), ['Label tested', 'σ(z_c)']);
      assert.match((await page.textContent('#report-samples')) ?? '', /8 samples \(4 rows × 2 labels\)/);
      assert.match((await page.textContent('#report-header')) ?? '', /Per-label accuracy/);
      await page.click('.sample-row[data-row="2"][data-target="1"]');
      const opened = (await posted(page)).filter((m) => m.type === 'openSample');
      assert.deepEqual(
        opened.map((m) => [m.row, m.target]),
        [[2, 1]],
      );
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });

  it('a report that did not measure everything offers to run again measuring everything', async () => {
    const { page, trouble } = await openFile(liveHtml(), 'live-measure', FAKE_VSCODE, '#report-header');
    try {
      await waitPosted(page, 'ready');
      await send(page, { type: 'report', report: verdictsOnly(fakeReport({ rows: 10, seed: 2 })) });
      await page.waitForSelector('#report-measure-all');
      assert.match((await page.textContent('#report-not-measured')) ?? '', /^Not computed in this run/);
      await page.click('#report-measure-all');
      await waitPosted(page, 'measureAll');
      // A report that measured everything has no note and no button.
      await send(page, { type: 'report', report: fakeReport({ rows: 10, seed: 2 }) });
      await page.waitForSelector('#report-not-measured', { state: 'detached' });
      assert.equal(await page.locator('#report-measure-all').count(), 0);
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });

  it('a report per class: tables by ŷ and by gold label with their intervals, the confusion matrix, and the class explained', async () => {
    const base = fakeReport({ rows: 6, seed: 9 });
    const [neg, pos] = base.model.labels;
    const id = base.explainers[0].id;
    const row = (index: number, samples: number, k: number) => ({
      index,
      label: base.model.labels[index],
      samples,
      accuracy: { k, n: samples, ratio: k / samples, lo: 0.1, hi: 0.9 },
      violation: { [id]: { n: samples, mean: 0.25, lo: 0.05, hi: 0.45 } },
    });
    const report: ReportView = {
      ...base,
      settings: { ...base.settings, target: 1 },
      classes: {
        target: 1,
        byPredicted: [row(0, 2, 1), row(1, 4, 3)],
        byGold: [row(0, 3, 1), row(1, 3, 3)],
        confusion: [
          [1, 2],
          [1, 2],
        ],
      },
    };
    const { page, trouble } = await openFile(standalone(report), 'classes');
    try {
      await page.waitForSelector('#classes-predicted');
      assert.match(
        (await page.textContent('#classes-target')) ?? '',
        new RegExp(`explained for the class “${pos}”: every Δ is a change in p\\(${pos}\\)`),
      );
      assert.deepEqual(await texts(page, '#classes-predicted thead th'), ['', neg, pos]);
      const cells = await texts(page, '#classes-predicted tbody tr:nth-child(2) td .cell-main');
      assert.deepEqual(cells, ['0.500', '0.750'], 'accuracy per predicted class');
      assert.match((await page.textContent('#classes-gold tbody tr:nth-child(3)')) ?? '', /0\.250.*0\.050–0\.450/);
      assert.deepEqual(await texts(page, '#confusion-matrix tbody td'), ['1', '2', '1', '2']);
      const heads = await page.locator('.sample-head .cell').allTextContents();
      assert.equal(heads[4], `p(${pos})`, 'the sample browser names the class explained');
      assertClean(trouble);
    } finally {
      await page.close();
    }
    // A report without classes (multi-label, regression, older reports) has no section.
    const plain = await openFile(standalone(fakeReport({ rows: 3 })), 'no-classes');
    try {
      await plain.page.waitForSelector('#report-summary');
      assert.equal(await plain.page.locator('#classes-section').isVisible(), false);
    } finally {
      await plain.page.close();
    }
  });

  it('a report on a text file (no labels) says accuracy was not measured and why, not 0', async () => {
    const base = fakeReport({ rows: 3 });
    const report: ReportView = {
      ...base,
      accuracy: null,
      dataset: { ...base.dataset, path: 'reviews.txt', format: 'txt', columns: { text: 'text', label: null } },
    };
    const { page, trouble } = await openFile(standalone(report), 'unlabelled');
    try {
      assert.equal(
        await page.textContent('#report-accuracy'),
        'not measured: a text file (one text per line) has no labels',
      );
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });

  it('a run that measured verdicts only: no token-level or metric columns, no floor row, and a note that says so', async () => {
    const base = fakeReport({ rows: 20, seed: 6 });
    const report = verdictsOnly(base);
    const { page, trouble } = await openFile(standalone(report), 'verdicts-only');
    try {
      const columns = await attrs(page, '#report-summary thead th', 'data-column');
      assert.deepEqual(
        columns,
        summaryColumns(report).map((c) => c.id),
      );
      assert.ok(columns.includes('violationMean') && columns.includes('msPerSample'));
      assert.ok(!columns.some((c) => /tokenLevelRate|weightedRate|^metric:/.test(c)), columns.join());
      assert.equal(await page.locator('#report-summary tfoot').count(), 0, 'no Random floor row');
      assert.match((await page.textContent('#report-header')) ?? '', /Chosen operator/, 'not "Metrics use": none were');
      assert.equal(await page.locator('#report-measure-all').count(), 0, 'an exported page cannot run anything');
      assert.equal(
        await page.textContent('#report-not-measured'),
        'Not computed in this run (it measured verdicts): token-level rates and polarity counts; faithfulness metrics; the Random floor. A run with --measure all (in VS Code, the setting polarityLens.dataset.measure) computes them.',
      );
      await page.waitForSelector('#chart-polarity .empty');
      assert.match((await page.textContent('#chart-polarity .empty')) ?? '', /^Not computed in this run/);
      assert.equal(await page.locator('#chart-violation .reference-line').count(), 0, 'no floor line');
      assert.match((await page.textContent('#chart-violation')) ?? '', /Random floor was not computed in this run/);
      assertClean(trouble);
    } finally {
      await page.close();
    }
    // A report that computed everything has no such note.
    const full = await openFile(standalone(base), 'measured-all');
    try {
      assert.equal(await full.page.locator('#report-not-measured').count(), 0);
      assert.equal(await full.page.locator('#report-summary tfoot tr.floor-row').count(), 1);
    } finally {
      await full.page.close();
    }
  });

  it('paired differences: a matrix of row − column with ✱ where the paired interval excludes 0, read both ways', async () => {
    const base = fakeReport({ rows: 5, seed: 3 });
    const [x, y, z] = base.explainers.filter((e) => e.runs > 0).map((e) => e.id);
    const test = { onlyA: 1, onlyB: 9, n: 40, p: 0.02, pHolm: 0.04 };
    const report: ReportView = {
      ...base,
      pairs: [
        {
          a: x,
          b: y,
          difference: { n: 40, mean: -0.2, lo: -0.3, hi: -0.1, confidence: 0.975 },
          mcnemar: { delete: test },
        },
        { a: x, b: z, difference: { n: 40, mean: 0.05, lo: -0.02, hi: 0.12, confidence: 0.975 }, mcnemar: {} },
      ],
    };
    const { page, trouble } = await openFile(standalone(report), 'pairs');
    try {
      await page.waitForSelector('#pair-matrix');
      const cell = (a: string, b: string) => page.locator(`#pair-matrix td[data-a="${a}"][data-b="${b}"]`);
      assert.equal(await cell(x, y).textContent(), '−0.20✱');
      assert.equal(await cell(y, x).textContent(), '0.20✱', 'read backwards: negated');
      assert.match(
        (await cell(y, x).getAttribute('title')) ?? '',
        /97\.5% CI 0\.100–0\.300 over 40 samples \(excludes 0\)/,
      );
      assert.match(
        (await cell(y, x).getAttribute('title')) ?? '',
        /delete: only .+ violates 9, only .+ 1, Holm p 0\.040/,
      );
      assert.equal(await cell(x, z).textContent(), '0.05', 'an interval with 0 in it: no mark');
      assert.match((await cell(x, z).getAttribute('title')) ?? '', /includes 0: no difference shown/);
      assert.match((await page.textContent('#pairs-section')) ?? '', /1 of 2 pairs/);
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });

  it('the comparison with a baseline: the change per explainer and operator, ✱ and tinted where its interval excludes 0, both models named', async () => {
    const base = fakeReport({ rows: 30, seed: 4 });
    const comparison = fakeComparison(base);
    const report: ReportView = { ...base, comparison };
    const { page, trouble } = await openFile(standalone(report), 'comparison');
    try {
      await page.waitForSelector('#comparison-table');
      const [rise, fall, alike] = comparison.explainers;
      const cell = (id: string, column: string) =>
        page.locator(`#comparison-table tr[data-explainer="${id}"] td[data-column="${column}"]`);
      const heading = (await page.textContent('#comparison-heading')) ?? '';
      assert.equal(heading, `Compared with the baseline: old-model ${XSS_IMG} → ${base.model.name}`);
      assert.match(
        (await page.textContent('#comparison-models')) ?? '',
        /Rows paired by index and text: 28 shared, 3 only in the baseline, 2 only in this run \(1 with the same index but another text\)/,
      );
      assert.equal(await cell(rise.id, 'mean').getAttribute('class'), 'num pair-more');
      assert.deepEqual(
        await texts(page, `#comparison-table tr[data-explainer="${rise.id}"] td[data-column="mean"] span`),
        ['+0.200', '✱', ' (worse, beyond noise)', '0.100 → 0.300', '[+0.080, +0.320]'],
      );
      assert.equal(await cell(fall.id, 'mean').getAttribute('class'), 'num pair-less');
      assert.equal(await cell(alike.id, 'mean').getAttribute('class'), 'num', 'an interval with 0 in it: no mark');
      assert.match((await cell(alike.id, 'mean').getAttribute('title')) ?? '', /includes 0: no change shown/);
      assert.equal(await cell(alike.id, 'delete').textContent(), '—');
      const title = (await cell(rise.id, 'delete').getAttribute('title')) ?? '';
      assert.match(
        title,
        /violation ratio under delete: baseline 0\.110, this run 0\.310, change \+0\.200, 9\d\.\d+% CI/,
      );
      assert.match(title, /McNemar on 28 samples: only this run 9, only the baseline 2, p 0\.004, Holm p 0\.012/);
      assert.deepEqual(await texts(page, '#comparison-table thead th'), [
        'explainer',
        'shared samples',
        'violation: mean of operators',
        'violation: delete',
        'violation: zero-embedding',
        'violation: attention-mask',
      ]);
      assert.match((await page.textContent('#comparison-section')) ?? '', /Bonferroni-adjusted over the \d explainers/);
      assert.equal(
        await page.locator('#comparison-table tfoot td[data-column="accuracy"]').getAttribute('class'),
        'num pair-less',
        'accuracy rose: better, the consistent colour',
      );
      assert.match(
        (await page.textContent('#comparison-excluded')) ?? '',
        /Not compared: kernel-shap: it reads --samples/,
      );
      assert.equal(await page.locator('#comparison-notes li').count(), 1);
      assert.equal(await page.locator('#comparison-section img').count(), 0, 'hostile names stay text');
      assertClean(trouble);
    } finally {
      await page.close();
    }
    const plain = await openFile(standalone(fakeReport({ rows: 3 })), 'no-comparison');
    try {
      assert.equal(await plain.page.locator('#comparison-section').isVisible(), false);
    } finally {
      await plain.page.close();
    }
  });

  it('the depth sweep is a chart of the violation mean per attention layer, one line per layer-reading explainer', async () => {
    const base = fakeReport({ rows: 4, seed: 2 });
    const [a, b] = base.explainers.filter((e) => e.runs > 0);
    const at = (mean: number) => ({ n: 4, mean, lo: mean - 0.1, hi: mean + 0.1 });
    const report: ReportView = {
      ...base,
      depth: {
        layers: 3,
        explainers: [
          { id: a.id, label: a.label, byLayer: [at(0.2), at(0.3), at(0.4)] },
          { id: b.id, label: b.label, byLayer: [at(0.5), at(0.45), at(0.4)] },
        ],
      },
    };
    const { page, trouble } = await openFile(standalone(report), 'depth');
    try {
      await page.waitForSelector('#chart-depth svg.chart-svg');
      assert.deepEqual((await attrs(page, '#chart-depth .series', 'data-explainer')).sort(), [a.id, b.id].sort());
      assert.equal(await page.locator(`#chart-depth .series[data-explainer="${a.id}"] .point`).count(), 3);
      assert.match((await page.textContent('#chart-depth')) ?? '', /layer 2/);
      assertClean(trouble);
    } finally {
      await page.close();
    }
    const plain = await openFile(standalone(fakeReport({ rows: 3 })), 'no-depth');
    try {
      await plain.page.waitForSelector('#chart-length svg.chart-svg');
      assert.equal(await plain.page.locator('#chart-depth').count(), 0, 'no sweep, no chart');
    } finally {
      await plain.page.close();
    }
  });
});
