/** Headless Chromium for the webview page tests: one launch recipe, and pages watched for errors, CSP violations and dialogs. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Browser, chromium, Page } from 'playwright-core';

// The init script runs in the browser; the root tsconfig has no DOM lib, so declare what it uses.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Everything that went wrong on a page: script errors, console errors, CSP violations, dialogs (an XSS alert). */
export interface Trouble {
  errors: string[];
  dialogs: string[];
}

export interface OpenOptions {
  viewport: { width: number; height: number };
  /** A selector that is there once the app has drawn. */
  ready: string;
  /** A script to run before the page's own (a stand-in for VS Code). */
  init?: string;
}

/** Writes the page to `file`, opens it and waits until it has drawn; `trouble` keeps collecting while it is open. */
export async function openWatched(
  browser: Browser,
  html: string,
  file: string,
  options: OpenOptions,
): Promise<{ page: Page; trouble: Trouble }> {
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: options.viewport });
  const trouble: Trouble = { errors: [], dialogs: [] };
  page.on('pageerror', (e) => trouble.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) trouble.errors.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    trouble.dialogs.push(d.message());
    void d.dismiss();
  });
  // Init scripts run before the page's own and are not subject to its CSP: they only watch (and stand in for VS Code).
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: any) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  if (options.init) await page.addInitScript(options.init);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector(options.ready, { timeout: 60_000 });
  return { page, trouble };
}

export function assertClean(trouble: Trouble): void {
  assert.deepEqual(trouble.errors, [], 'no script errors and no CSP violations');
  assert.deepEqual(trouble.dialogs, [], 'nothing in the data ran (no alert)');
}

/** A stand-in for acquireVsCodeApi: posts land in window.__posted; state survives reloads in sessionStorage. */
export const FAKE_VSCODE = `
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => { const s = sessionStorage.getItem('state'); return s ? JSON.parse(s) : undefined; },
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  });`;

export const texts = (page: Page, selector: string): Promise<string[]> =>
  page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
export const attrs = (page: Page, selector: string, name: string): Promise<(string | null)[]> =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n)), name);
