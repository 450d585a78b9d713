/**
 * The explain panel in a real browser (headless Chromium through playwright-core): the exported standalone page and
 * the live webview (with a stand-in for VS Code's acquireVsCodeApi). Results come from the engine on the shipped
 * models, so what is asserted is computed from the same data the page draws.
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
import type { PanelSettings, PanelState } from '../../src/pages/explain/explainProtocol';
import { CATALOG } from '../../src/pages/explain/catalog';
import { headMatrix, strongestCell } from '../../webview/explain/logic/attentionMath';
import { PALETTES } from '../../webview/shared/colorScale';
import { formatMagnitude, formatProbability, formatSigned } from '../../webview/shared/format';
import { topUnit } from '../../webview/explain/logic/panelModel';
import { sortRows, summaryRows } from '../../webview/explain/logic/summaryTable';
import { ROOT } from '../helpers/paths';
import { stateOf } from './panelState';
import { assertClean, attrs, FAKE_VSCODE, launchChromium, openWatched, texts, Trouble } from './browserPage';
import { fakeResult } from './fakeResult';

// Callbacks given to page.evaluate and friends run in the browser. The root tsconfig has no DOM lib (and must not
// get one for src/), so the few browser globals they use are declared here, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any, sessionStorage: any, getComputedStyle: (el: unknown) => any;
type HTMLCanvasElement = any;

const XSS_TEXT = 'Not <img src=x onerror=alert(1)> bad </script> at all, "great" & fine';
/** Word units split a tag apart; these strings reach the page whole (a note, a token label, an explainer label). */
const XSS_NOTE = 'Note <img src=x onerror=alert(2)></script><script>alert(3)</script>';
const XSS_TOKEN = '<img src=x onerror=alert(4)>';
const XSS_LABEL = 'Random <b onmouseover=alert(5)>weights</b>';
const SCRIPT = join(ROOT, 'dist', 'webview', 'main.js');
const CSS = join(ROOT, 'media', 'panel.css');
const CODICONS = join(ROOT, 'dist', 'webview', 'codicon-inline.css');
const SCREENSHOTS = process.env.POLARITY_LENS_SCREENSHOTS;

const catalog = CATALOG;

let transformer: ExplainResult;
let bilstm: ExplainResult;
let browser: Browser;
let dir: string;

before(async () => {
  const bert = await TextClassifier.load(resolveModelDir('sst2-transformer'));
  const lstm = await TextClassifier.load(resolveModelDir('sst2-bilstm-tanh'));
  try {
    transformer = await explainText(bert, XSS_TEXT);
    bilstm = await explainText(lstm, XSS_TEXT);
    transformer.notes.push(XSS_NOTE);
    transformer.attention!.tokens[2] = XSS_TOKEN;
    transformer.explanations.find((e) => e.id === 'random')!.label = XSS_LABEL;
  } finally {
    await bert.dispose();
    await lstm.dispose();
  }
  dir = mkdtempSync(join(tmpdir(), 'polarity-lens-panel-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function openPage(html: string, name: string): Promise<{ page: Page; trouble: Trouble }> {
  return openWatched(browser, html, join(dir, `${name}.html`), {
    viewport: { width: 1100, height: 900 },
    ready: '.explainer-row',
  });
}

function standalone(result: ExplainResult, view: Partial<PanelState['view']> = {}): string {
  return standaloneHtml(stateOf(result, view), {
    script: readFileSync(SCRIPT, 'utf8'),
    styles: [readFileSync(CSS, 'utf8')],
  });
}

describe('the exported panel page (standalone, headless Chromium)', () => {
  let page: Page;
  let trouble: Trouble;
  before(async () => {
    ({ page, trouble } = await openPage(standalone(transformer, { attentionLayer: 3 }), 'transformer'));
  });
  after(() => page?.close());

  it('shows the text’s HTML as literal text: no element is made from it and nothing runs', async () => {
    assert.equal(await page.locator('img').count(), 0);
    const expected = transformer.units.map((u) => u.text);
    assert.ok(expected.includes('<') && expected.some((t) => t.includes('script')), 'the units carry the markup');
    for (const e of transformer.explanations.filter((x) => x.weights)) {
      assert.deepEqual(await texts(page, `.explainer-row[data-explainer="${e.id}"] .unit .unit-text`), expected, e.id);
    }
    assert.deepEqual(await texts(page, '.impact-row .unit .unit-text'), expected);
    assert.ok((await texts(page, '.notes li')).includes(XSS_NOTE));
    assert.equal((await texts(page, '#attention .attn-col'))[2], XSS_TOKEN);
    assert.equal(await page.textContent('.explainer-row[data-explainer="random"] .row-title'), XSS_LABEL);
    assert.ok(((await page.textContent('#summary tr[data-explainer="random"] th')) ?? '').startsWith(XSS_LABEL));
    assert.equal(await page.locator('b').count(), 0);
    assert.equal(await page.locator('script').count(), 2, 'only the JSON island and the app script');
    assertClean(trouble);
  });

  it('shows the prediction as a probability, the model, and the read-only page has no controls', async () => {
    const prediction = (await page.textContent('#prediction')) ?? '';
    assert.ok(prediction.includes(transformer.prediction.label), prediction);
    assert.ok(prediction.includes(formatProbability(transformer.prediction.probability)), prediction);
    assert.match(prediction, /probability/);
    assert.equal(await page.textContent('#model-name'), 'sst2-transformer');
    assert.equal(await page.locator('#controls').isVisible(), false);
    assert.equal(await page.locator('#export-json').isVisible(), false);
    assert.equal(await page.locator('#export-html').isVisible(), false);
    assert.equal(await page.locator('.decorate').count(), 0);
  });

  it('carries every raw weight, marks each explainer’s top unit, and shows each unit’s real polarity', async () => {
    for (const e of transformer.explanations.filter((x) => x.weights)) {
      const row = `.explainer-row[data-explainer="${e.id}"]`;
      assert.deepEqual((await attrs(page, `${row} .unit`, 'data-weight')).map(Number), e.weights, e.id);
      assert.deepEqual(await attrs(page, `${row} .unit.top`, 'data-index'), [String(topUnit(e))], e.id);
    }
    const impact = transformer.impacts.find((i) => i.operator === 'delete')!;
    assert.deepEqual(await attrs(page, '.impact-row .unit', 'data-polarity'), impact.polarity);
    assert.deepEqual((await attrs(page, '.impact-row .unit', 'data-delta')).map(Number), impact.deltas);

    // Another operator's impacts: a verdict chip switches the impact row to its operator.
    const other = transformer.impacts.find((i) => i.operator === 'zero-embedding')!;
    await page.click('.explainer-row[data-explainer="raw-attention"] .verdict[data-operator="zero-embedding"]');
    assert.equal(await page.getAttribute('.impact-row', 'data-operator'), 'zero-embedding');
    assert.deepEqual((await attrs(page, '.impact-row .unit', 'data-delta')).map(Number), other.deltas);
    assert.notDeepEqual(other.deltas, impact.deltas);
    await page.click('.explainer-row[data-explainer="raw-attention"] .verdict[data-operator="delete"]');
  });

  it('shows ✗/✓ per operator in the summary, matching the verdicts', async () => {
    for (const e of transformer.explanations) {
      for (const v of e.verdicts) {
        const cell =
          (await page.textContent(`#summary tr[data-explainer="${e.id}"] td[data-operator="${v.operator}"]`)) ?? '';
        assert.ok(cell.startsWith(v.violates ? '✗' : '✓'), `${e.id} ${v.operator}: ${cell}`);
      }
    }
  });

  it('gives each unit its number on hover (title) and to screen readers (aria-label), and on keyboard focus', async () => {
    const e = transformer.explanations.find((x) => x.id === 'integrated-gradients')!;
    const row = `.explainer-row[data-explainer="${e.id}"] .unit`;
    const titles = await attrs(page, row, 'title');
    const labels = await attrs(page, row, 'aria-label');
    e.weights!.forEach((w, i) => {
      assert.ok(titles[i]?.includes(formatSigned(w)), `${titles[i]} has ${formatSigned(w)}`);
      assert.equal(labels[i], titles[i]);
    });
    // Keyboard: the row is one tab stop; → moves to the next unit, whose number shows in the focus tooltip.
    await page.focus(`${row} >> nth=0`);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-index')), '1');
    await page.keyboard.press('ArrowDown');
    const below = await page.evaluate(() =>
      document.activeElement?.closest('.explainer-row')?.getAttribute('data-explainer'),
    );
    const order = transformer.explanations.filter((x) => x.weights).map((x) => x.id);
    assert.equal(below, order[order.indexOf(e.id) + 1], '↓ moves to the same unit in the next row');
    await page.keyboard.press('ArrowUp');
    // Focus from a keyboard event counts as focus-visible, so the tooltip shows.
    assert.equal(await page.locator('#tooltip').isVisible(), true);
    assert.ok(((await page.textContent('#tooltip')) ?? '').includes(formatSigned(e.weights![1])));
  });

  it('sorts the summary by a header click and by keyboard, and says so with aria-sort', async () => {
    const rows = summaryRows(transformer, 'delete');
    const order = (): Promise<(string | null)[]> => attrs(page, '#summary tbody tr', 'data-explainer');
    await page.click('#summary th[data-column="runtimeMs"]');
    assert.equal(await page.getAttribute('#summary th[data-column="runtimeMs"]', 'aria-sort'), 'descending');
    assert.deepEqual(
      await order(),
      sortRows(rows, { column: 'runtimeMs', descending: true }).map((r) => r.id),
    );
    await page.click('#summary th[data-column="runtimeMs"]');
    assert.equal(await page.getAttribute('#summary th[data-column="runtimeMs"]', 'aria-sort'), 'ascending');
    assert.deepEqual(
      await order(),
      sortRows(rows, { column: 'runtimeMs', descending: false }).map((r) => r.id),
    );
    assert.equal(await page.getAttribute('#summary th[data-column="violationMean"]', 'aria-sort'), 'none');

    await page.focus('#summary th[data-column="explainer"] button');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#summary th[data-column="explainer"]', 'aria-sort'), 'ascending');
    const byName = sortRows(rows, { column: 'explainer', descending: false }).map((r) => r.id);
    assert.deepEqual(await order(), byName);
    assert.notDeepEqual(
      byName,
      sortRows(rows, { column: 'runtimeMs', descending: false }).map((r) => r.id),
      'the two orders differ, so the sort did something',
    );
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('th')?.getAttribute('data-column')),
      'explainer',
      'focus stays on the header',
    );
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('#summary th[data-column="explainer"]', 'aria-sort'), 'descending');
  });

  it('draws the attention grid for the chosen layer and head, and the pickers change it', async () => {
    const attention = transformer.attention!;
    assert.equal(attention.layers.length, 4);
    const canvas = '#attention canvas';
    const snapshot = (): Promise<string> => page.$eval(canvas, (c) => (c as HTMLCanvasElement).toDataURL());
    assert.equal(await page.getAttribute(canvas, 'data-layer'), '3');
    assert.equal(await page.getAttribute(canvas, 'data-head'), 'mean');
    assert.deepEqual(await texts(page, '#attention .attn-col'), attention.tokens);

    // The brightest drawn cell is where the head-averaged map is largest.
    const mean = headMatrix(attention.layers[3], 'mean');
    const top = strongestCell(mean)!;
    const alpha = async (row: number, col: number): Promise<number> =>
      page.$eval(
        canvas,
        (c, [r, k]) => {
          const el = c as HTMLCanvasElement;
          const cell = el.width / Number(el.dataset.cols);
          return el.getContext('2d')!.getImageData(Math.floor((k + 0.5) * cell), Math.floor((r + 0.5) * cell), 1, 1)
            .data[3];
        },
        [row, col],
      );
    assert.equal(await alpha(top.row, top.col), 255);
    const weakest = mean.values.indexOf(Math.min(...mean.values));
    assert.ok((await alpha(Math.floor(weakest / mean.cols), weakest % mean.cols)) < 64);

    const before = await snapshot();
    await page.focus('#attention-layer');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#attention canvas')?.getAttribute('data-layer') === '2');
    const layer2 = await snapshot();
    assert.notEqual(layer2, before);
    assert.match((await page.textContent('#attention .attn-caption')) ?? '', new RegExp(attention.layers[2].name));

    await page.focus('#attention-head');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#attention canvas')?.getAttribute('data-head') === '1');
    assert.notEqual(await snapshot(), layer2);

    // Arrow keys on the map read a cell out.
    await page.focus(canvas);
    await page.keyboard.press('ArrowRight');
    const head1 = headMatrix(attention.layers[2], 1);
    const readout = (await page.textContent('#attention-readout')) ?? '';
    assert.ok(readout.includes(`‘${attention.tokens[1]}’`), readout);
    assert.ok(readout.includes(formatMagnitude(head1.values[1])), readout);
    assertClean(trouble);
  });

  it('follows a dark theme without errors', async () => {
    await page.evaluate(() => {
      document.body.classList.remove('vscode-light');
      document.body.classList.add('vscode-dark');
    });
    const tone = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--pl-positive').trim());
    assert.equal(tone, PALETTES.dark.positive);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'panel-transformer-dark.png'), fullPage: true });
      await page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
      await page.screenshot({ path: join(SCREENSHOTS, 'panel-transformer-light.png'), fullPage: true });
    }
    assertClean(trouble);
  });
});

describe('the exported page of a single-attention model (BiLSTM)', () => {
  it('draws the α row, and failed explainers show their error instead of units', async () => {
    const { page, trouble } = await openPage(standalone(bilstm), 'bilstm');
    try {
      assert.equal(bilstm.attention?.layers[0].rows, 1);
      assert.deepEqual(await texts(page, '#attention .attn-row'), ['α']);
      const [rows, cols, width, height] = await page.$eval('#attention canvas', (c) => {
        const el = c as HTMLCanvasElement;
        return [Number(el.dataset.rows), Number(el.dataset.cols), el.width, el.height];
      });
      assert.deepEqual([rows, cols], [1, bilstm.attention.tokens.length]);
      assert.equal(height * cols, width, 'one row of square cells');
      const failed = bilstm.explanations.filter((e) => e.weights === null);
      assert.ok(failed.length > 0);
      for (const e of failed) {
        const row = `.explainer-row[data-explainer="${e.id}"]`;
        assert.equal(await page.locator(`${row} .unit`).count(), 0);
        assert.equal(await page.textContent(`${row} .row-error`), e.error);
      }
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'panel-bilstm-light.png'), fullPage: true });
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });
});

describe('the exported page of a model without attention maps', () => {
  it('hides the attention view with a message and still draws everything else', async () => {
    const result = fakeResult([
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B', weights: null, error: 'B needs attention maps' },
    ]);
    const { page, trouble } = await openPage(standalone(result), 'no-attention');
    try {
      assert.equal(await page.locator('#attention-layer').count(), 0);
      assert.match((await page.textContent('#attention')) ?? '', /no attention maps/);
      assert.deepEqual(await texts(page, '.explainer-row[data-explainer="a"] .unit-text'), ['good', 'but', 'bad']);
      assert.equal(await page.textContent('.explainer-row[data-explainer="b"] .row-error'), 'B needs attention maps');
      assertClean(trouble);
    } finally {
      await page.close();
    }
  });
});

describe('the live webview (VS Code API stand-in)', () => {
  function liveHtml(): string {
    return panelHtml(
      {
        script: readFileSync(SCRIPT, 'utf8'),
        styles: [readFileSync(CSS, 'utf8')],
        codicons: readFileSync(CODICONS, 'utf8'),
      },
      'test-nonce-123',
    );
  }

  const posted = (page: Page): Promise<{ type: string; [k: string]: unknown }[]> =>
    page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
  const send = (page: Page, message: unknown): Promise<void> =>
    page.evaluate((m) => window.postMessage(m, '*'), message);

  it('says ready, draws a shown result, saves only the view, and after a reload draws what the host sends with that view', async () => {
    const file = join(dir, 'live.html');
    writeFileSync(file, liveHtml());
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(FAKE_VSCODE);
    try {
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
      );
      assert.equal(await page.locator('.explainer-row').count(), 0, 'nothing to draw before the host answers');

      const state = stateOf(transformer);
      await send(page, {
        type: 'show',
        result: transformer,
        settings: state.settings,
        catalog,
        recomputed: transformer.explanations.map((e) => e.id),
      });
      await page.waitForSelector('.explainer-row');
      assert.equal(await page.locator('#controls').isVisible(), true);
      const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('state') ?? 'null'));
      assert.deepEqual(Object.keys(saved), ['view'], "the explanation itself is the host's to send");

      // A view change is saved too.
      await page.click('#summary th[data-column="runtimeMs"]');
      assert.deepEqual((await page.evaluate(() => JSON.parse(sessionStorage.getItem('state') ?? 'null'))).view.sort, {
        column: 'runtimeMs',
        descending: true,
      });

      // The impact row's operator is part of the view: picked, saved, kept by a re-run with the same operator.
      assert.equal(await page.getAttribute('.impact-row', 'data-operator'), state.settings.operator);
      const pickImpact = (operator: string) =>
        page.$eval(
          '#impact-operator',
          (el, value) => {
            (el as unknown as { value: string }).value = value;
            el.dispatchEvent(new Event('change'));
          },
          operator,
        );
      await pickImpact('attention-mask');
      await page.waitForSelector('.impact-row[data-operator="attention-mask"]');
      assert.equal(
        (await page.evaluate(() => JSON.parse(sessionStorage.getItem('state') ?? 'null'))).view.impactOperator,
        'attention-mask',
      );
      await send(page, { type: 'show', result: transformer, settings: state.settings, catalog, recomputed: [] });
      await page.waitForSelector('.impact-row[data-operator="attention-mask"]');
      // Choosing another operator in the controls shows that operator's impacts.
      await send(page, {
        type: 'show',
        result: transformer,
        settings: { ...state.settings, operator: 'zero-embedding' },
        catalog,
        recomputed: [],
      });
      await page.waitForSelector('.impact-row[data-operator="zero-embedding"]');
      await send(page, { type: 'show', result: transformer, settings: state.settings, catalog, recomputed: [] });
      await page.waitForSelector(`.impact-row[data-operator="${state.settings.operator}"]`);
      await pickImpact('attention-mask');
      await page.waitForSelector('.impact-row[data-operator="attention-mask"]');

      // partial: the rows that finished are drawn, the status says what still runs, with Cancel.
      const [firstRow, ...others] = transformer.explanations;
      const pending = others.map((e) => e.id);
      await send(page, {
        type: 'partial',
        result: { ...transformer, explanations: [] },
        settings: state.settings,
        catalog,
        pending: [firstRow.id, ...pending],
      });
      await page.waitForFunction(() => document.querySelectorAll('.explainer-row').length === 0);
      await send(page, {
        type: 'partial',
        result: { ...transformer, explanations: [firstRow] },
        settings: state.settings,
        catalog,
        pending,
      });
      await page.waitForFunction(() => document.querySelectorAll('.explainer-row').length === 1);
      assert.match(
        (await page.textContent('#status')) ?? '',
        new RegExp(`1 of ${transformer.explanations.length} explainers done; running ${pending[0]}`),
      );
      assert.equal(await page.locator('#cancel').isVisible(), true);
      await send(page, { type: 'show', result: transformer, settings: state.settings, catalog, recomputed: [] });
      await page.waitForFunction(
        (n) => document.querySelectorAll('.explainer-row').length === n,
        transformer.explanations.length,
      );
      await pickImpact('attention-mask');
      await page.waitForSelector('.impact-row[data-operator="attention-mask"]');

      // busy: label, ring, Cancel (posts cancel), previous result kept.
      await send(page, { type: 'busy', label: 'Explaining with LIME…' });
      await page.waitForSelector('#cancel');
      assert.match((await page.textContent('#status')) ?? '', /Explaining with LIME/);
      assert.ok((await page.locator('.explainer-row').count()) > 0, 'the previous result stays');
      if (SCREENSHOTS) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({
          path: join(SCREENSHOTS, 'panel-live-busy.png'),
          clip: { x: 0, y: 0, width: 1100, height: 420 },
        });
      }
      await page.click('#cancel');
      assert.ok((await posted(page)).some((m) => m.type === 'cancel'));

      await send(page, { type: 'failed', message: 'The model crashed.', cancelled: false });
      await page.waitForSelector('#status [role="alert"]');
      assert.match((await page.textContent('#status')) ?? '', /Failed.*The model crashed/);
      await send(page, { type: 'failed', message: 'Stopped by you.', cancelled: true });
      await page.waitForSelector('#status .status-cancelled');
      // The status icon's font is the inlined codicon sheet's, allowed by the CSP (a blocked font would be an error).
      assert.equal(
        await page.evaluate(async () => (await document.fonts.load('16px codicon')).length > 0),
        true,
        'the codicon font loaded',
      );
      assert.match((await page.textContent('#status [role="alert"]')) ?? '', /Cancelled/);

      // Controls post settings; export and decorate post their messages.
      await page.$eval('#control-granularity', (el) => {
        (el as unknown as { value: string }).value = 'token';
        el.dispatchEvent(new Event('change'));
      });
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'settings'),
      );
      const settings = (await posted(page)).find((m) => m.type === 'settings')!.settings as PanelSettings;
      assert.deepEqual(settings, { ...state.settings, granularity: 'token' });
      await page.click('#export-json');
      await page.click('#export-html');
      await page.click('.explainer-row[data-explainer="lime"] .decorate');
      const types = (await posted(page)).map(
        (m) =>
          `${m.type}:${typeof m.format === 'string' ? m.format : typeof m.explainer === 'string' ? m.explainer : ''}`,
      );
      assert.ok(
        types.includes('export:json') && types.includes('export:html') && types.includes('decorate:lime'),
        types.join(' '),
      );
      assert.equal(await page.getAttribute('.explainer-row[data-explainer="lime"] .decorate', 'aria-pressed'), 'true');

      // A partial re-run marks what was recomputed.
      await send(page, { type: 'show', result: transformer, settings: state.settings, catalog, recomputed: ['lime'] });
      await page.waitForSelector('.explainer-row[data-explainer="lime"] .recomputed');
      assert.equal(await page.locator('.recomputed').count(), 1);
      assert.match((await page.textContent('#status')) ?? '', /Recomputed 1 of/);

      // Reload: nothing of its own is drawn (a saved state may be stale); it waits for the host, then keeps its view.
      await page.reload();
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
      );
      assert.equal(await page.locator('.explainer-row').count(), 0);
      assert.match((await page.textContent('#status')) ?? '', /Restoring the explanation/);
      assert.doesNotMatch((await page.textContent('#header')) ?? '', /No explanation yet/);
      // A host with nothing to show ends the wait with the empty panel; a later show still keeps the saved view.
      await send(page, { type: 'empty' });
      await page.waitForSelector('#header :text("No explanation yet")');
      assert.equal(await page.locator('#status').innerText(), '');
      const explainedAt = '2026-12-02T18:04:05.000Z';
      await send(page, {
        type: 'show',
        result: transformer,
        settings: state.settings,
        catalog,
        recomputed: [],
        restored: { explainedAt, from: 'memory' },
      });
      await page.waitForSelector('.explainer-row');
      const time = await page.evaluate((iso) => new Date(iso).toLocaleTimeString(), explainedAt);
      assert.equal(
        (await page.textContent('#status'))?.trim(),
        `Restored after the window reload: explained at ${time}; nothing was recomputed.`,
      );
      assert.equal(await page.locator('.recomputed').count(), 0, 'nothing is marked recomputed');
      assert.equal(await page.getAttribute('#summary th[data-column="runtimeMs"]', 'aria-sort'), 'descending');
      assert.equal(await page.getAttribute('.explainer-row[data-explainer="lime"] .decorate', 'aria-pressed'), 'true');
      assert.equal(await page.getAttribute('.impact-row', 'data-operator'), 'attention-mask');
      assert.ok((await posted(page)).some((m) => m.type === 'ready'));
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('a class picker lists every class with its probability; picking one posts it; the header says the class explained and ŷ; a regression result has none', async () => {
    const file = join(dir, 'live-labels.html');
    writeFileSync(file, liveHtml());
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.addInitScript(FAKE_VSCODE);
    try {
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
      );
      const base = fakeResult([{ id: 'occlusion', weights: [0.2, -0.1, 0] }]);
      const multi: ExplainResult = {
        ...base,
        model: { ...base.model, labels: ['joy', 'anger', 'fear'] },
        head: { kind: 'multi-label', quantity: 'sigmoid probability σ(z) of one label', isProbability: true },
        prediction: { index: 1, label: 'anger', probability: 0.7, probabilities: [0.2, 0.7, 0.1] },
        target: { index: 1, label: 'anger', probability: 0.7, requested: false },
      };
      const settings: PanelSettings = {
        explainers: ['occlusion'],
        operator: 'delete',
        granularity: 'word',
        objective: 'probability',
        igSteps: 20,
      };
      await send(page, { type: 'show', result: multi, settings, catalog, recomputed: ['occlusion'] });
      await page.waitForSelector('#control-target');
      const value = () => page.$eval('#control-target', (el) => (el as unknown as { value: string }).value);
      assert.equal(await value(), 'predicted');
      const options = await page.$$eval('#control-target vscode-option', (os) => os.map((o) => o.textContent?.trim()));
      assert.deepEqual(options, ['Prediction (anger, 0.700)', 'joy (0.200)', 'anger (0.700)', 'fear (0.100)']);
      assert.match((await page.textContent('#prediction')) ?? '', /Explaining label anger σ\(z_c\) = 0\.700/);
      await page.$eval('#control-target', (el) => {
        (el as unknown as { value: string }).value = '2';
        el.dispatchEvent(new Event('change'));
      });
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'settings'),
      );
      const sent = (await posted(page)).find((m) => m.type === 'settings')!.settings as PanelSettings;
      assert.deepEqual(sent, { ...settings, target: 2 });
      // A softmax result explained for a class it does not predict: the header names both, every Δ is p(class).
      const asked: ExplainResult = {
        ...base,
        target: { index: 0, label: 'negative', probability: 0.2, requested: true },
      };
      await send(page, { type: 'show', result: asked, settings: { ...settings, target: 0 }, catalog, recomputed: [] });
      await page.waitForFunction(() =>
        /negative \(0\.200\)/.test(document.querySelector('#control-target')?.textContent ?? ''),
      );
      assert.equal(await value(), '0');
      assert.match((await page.textContent('#prediction')) ?? '', /Explaining class negative p\(c\) = 0\.200/);
      assert.match((await page.textContent('#predicted-instead')) ?? '', /the model predicts positive \(0\.800\)/);
      // A regression result: no picker.
      const regression: ExplainResult = {
        ...base,
        head: { kind: 'regression', quantity: 'regression score (the model output)', isProbability: false },
      };
      await send(page, { type: 'show', result: regression, settings, catalog, recomputed: [] });
      await page.waitForFunction(() => !document.querySelector('#control-target'));
    } finally {
      await page.close();
    }
  });
});
