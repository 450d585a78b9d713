/**
 * Typed access to the shared real-VS-Code harness (../shared/tools/vscode-e2e/run-ext-tests.js: code-server plus
 * Debian Chromium through playwright-core). scripts/test-setup.sh installs what it needs.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../helpers/paths';

export interface CodeServer {
  url: string;
  dir: string;
  stop(options?: { keep?: boolean }): Promise<void>;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface E2eTools {
  startCodeServer(options: {
    workspace: string;
    settings?: Record<string, unknown>;
    installExtensions?: string[];
  }): Promise<CodeServer>;
  launchBrowser(): Promise<Browser>;
  workbenchUrl(
    url: string,
    options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string },
  ): string;
}

export function e2eToolsDir(): string {
  return process.env.POLARITY_LENS_E2E_TOOLS ?? join(ROOT, '..', 'shared', 'tools', 'vscode-e2e');
}

export function e2eTools(): E2eTools {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(e2eToolsDir(), 'run-ext-tests.js')) as E2eTools;
}

/** The frame (at any depth: VS Code nests each webview in two iframes) that has `selector`, once one has it. */
export async function frameWith(
  page: Page,
  selector: string,
  timeout = 120_000,
): Promise<import('playwright-core').Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
    if (Date.now() > deadline) {
      const seen = await Promise.all(
        page.frames().map(
          async (f) =>
            `${f.url().slice(0, 100)}: ${(
              await f
                .locator('body')
                .innerText({ timeout: 1000 })
                .catch(() => '?')
            )
              .slice(0, 120)
              .replace(/\s+/g, ' ')}`,
        ),
      );
      throw new Error(`no frame shows ${selector} after ${timeout / 1000} s; frames:\n${seen.join('\n')}`);
    }
    await page.waitForTimeout(250);
  }
}

/**
 * Runs `body` on the frame that shows `selector`, and again on a frame found anew if its frame was detached meanwhile:
 * moving a webview to another editor group loads it again, and the old frame can still answer `frameWith` for a moment.
 */
export async function inFrameWith<T>(
  page: Page,
  selector: string,
  body: (frame: import('playwright-core').Frame) => Promise<T>,
  tries = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const frame = await frameWith(page, selector);
    try {
      return await body(frame);
    } catch (e) {
      if (!frame.isDetached() || attempt >= tries) throw e;
    }
  }
}

/**
 * `frameWith` for a webview VS Code revives after a window reload. VS Code for the web can leave a revived webview's
 * inner frame uncreated while its service worker waits for a `controllerchange` that never comes (the console says
 * "Found unexpected service worker controller"; microsoft/vscode#312020 reworks that wait). If no frame shows
 * `selector` within `patience`, "Developer: Reload Webviews" re-creates every webview frame from the HTML the extension
 * already gave it; if that is not enough either, the window is reloaded once more, as a user would. The extension's
 * revival is still what is tested: a panel it never filled stays empty through both.
 */
export async function revivedFrameWith(
  page: Page,
  selector: string,
  patience = 45_000,
  timeout = 180_000,
): Promise<import('playwright-core').Frame> {
  try {
    return await frameWith(page, selector, patience);
  } catch (e) {
    console.error(
      `no revived webview shows ${selector} after ${patience / 1000} s; reloading the webviews once. ${(e as Error).message.split('\n')[0]}`,
    );
  }
  await runFromPalette(page, 'Developer: Reload Webviews');
  try {
    return await frameWith(page, selector, patience);
  } catch (e) {
    console.error(
      `still none after reloading the webviews; reloading the window once more. ${(e as Error).message.split('\n')[0]}`,
    );
  }
  await page.reload();
  return frameWith(page, selector, timeout);
}

/** A test body that leaves a screenshot of the workbench in `dir` when it fails. */
export function shotOnFailure(
  page: () => Page,
  dir: string,
  name: string,
  body: () => Promise<void>,
): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (e) {
      await page()
        .screenshot({ path: join(dir, `failed-${name}.png`) })
        .catch(() => {});
      throw e;
    }
  };
}

/** A workbench on `workspace` with Polarity Lens loaded from the working tree; `close` stops it and deletes the folder. */
export async function openWorkbench(workspace: string): Promise<{ page: Page; close(): Promise<void> }> {
  const tools = e2eTools();
  // The caches, absolute: the extension host runs in another process and folder.
  process.env.POLARITY_LENS_CACHE_DIR = resolve(
    process.env.POLARITY_LENS_CACHE_DIR ?? join(ROOT, 'out', 'gradient-cache'),
  );
  const server = await tools.startCodeServer({ workspace });
  const browser = await tools.launchBrowser();
  browser.page.on('dialog', (d) => void d.dismiss());
  // The workbench's and the webviews' console, for a failure's post-mortem: out/e2e/console-<workspace kind>.log.
  mkdirSync(join(ROOT, 'out', 'e2e'), { recursive: true });
  const consoleLog = join(ROOT, 'out', 'e2e', `console-${basename(workspace).replace(/-[^-]*$/, '')}.log`);
  writeFileSync(consoleLog, '');
  browser.page.on('console', (m) =>
    appendFileSync(
      consoleLog,
      `${new Date().toISOString()} [${m.type()}] ${m.location().url.slice(0, 80)} ${m.text().slice(0, 500)}\n`,
    ),
  );
  browser.page.on('requestfailed', (r) =>
    appendFileSync(
      consoleLog,
      `${new Date().toISOString()} [requestfailed] ${r.url().slice(0, 200)} ${r.failure()?.errorText ?? ''}\n`,
    ),
  );
  await browser.page.goto(tools.workbenchUrl(server.url, { folder: workspace, extensionDevelopmentPath: ROOT }));
  return {
    page: browser.page,
    close: async () => {
      await browser.close();
      // POLARITY_LENS_E2E_KEEP=1 keeps code-server's folder (user-data/logs: the extension host's log) for debugging.
      const keep = process.env.POLARITY_LENS_E2E_KEEP === '1';
      await server.stop({ keep });
      if (keep) console.error(`code-server logs kept in ${server.dir}`);
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * Right-clicks `target` until its context menu offers `item` (an extension's menu entries appear only once VS Code
 * has read its manifest, a moment after the workbench shows), then chooses it. `target` is a locator, found again on
 * every try: a point measured once goes stale when the workbench's layout shifts (breadcrumbs or a notification
 * arriving late on a slow machine) and every retry then right-clicks something else. The entry is chosen by hovering
 * it (which focuses it) and pressing Enter: a menu ignores a click that comes right after it opens. Each miss prints
 * what the menu did offer, for a failure's post-mortem.
 */
export async function clickContextMenuItem(
  page: Page,
  target: import('playwright-core').Locator,
  item: string,
  timeout = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await target.click({ button: 'right' });
    const entry = page.locator('.monaco-menu .action-item', { hasText: item }).first();
    try {
      await entry.waitFor({ timeout: 3000 });
      await entry.hover();
      await page.locator('.monaco-menu .action-item.focused', { hasText: item }).waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      await page.locator('.monaco-menu').waitFor({ state: 'detached', timeout: 3000 });
      return;
    } catch (e) {
      const offered = await page
        .locator('.monaco-menu .action-label')
        .allInnerTexts()
        .catch(() => []);
      console.error(
        `no "${item}" in the context menu yet; it offered: ${offered.filter(Boolean).join(' | ') || '(no menu)'}`,
      );
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * Moves the mouse onto `at` (from below and to the left) until `hover` shows: the editor shows a hover only once its
 * decorations or hover providers are in place, so the first moves may find none.
 */
export async function hoverUntil(
  page: Page,
  at: { x: number; y: number },
  hover: import('playwright-core').Locator,
  timeout = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.mouse.move(at.x - 40, at.y + 60);
    await page.mouse.move(at.x, at.y, { steps: 5 });
    try {
      await hover.waitFor({ timeout: 3000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * Runs a command from the palette (F1), once the palette lists it under exactly that title. F1 is pressed again until
 * the palette opens: a workbench that is still starting (after a reload) ignores keys. The palette lists what the
 * context allowed when it opened (a `when` clause on the active editor's file type, say), so when the command is not
 * there the palette is closed and opened again, printing what it offered instead, until `timeout`.
 */
export async function runFromPalette(page: Page, title: string, timeout = 90_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 3000 });
      await input.fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      const offered = await page
        .locator('.quick-input-list .monaco-list-row .label-name')
        .allInnerTexts()
        .catch(() => []);
      console.error(`the palette does not offer "${title}" yet; it offered: ${offered.join(' | ') || '(nothing)'}`);
      if (await input.isVisible()) await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * Waits until the web workbench has written its editor layout with a webview of each `viewTypes` into the browser's
 * storage (IndexedDB, every few seconds in VS Code for the web): only then does a reload revive those panels. What
 * they show after the reload is the extension's business, and is what the tests check.
 */
export async function waitForSavedLayout(page: Page, viewTypes: string[], timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let layout = '';
  for (;;) {
    layout = await page.evaluate(readSavedEditorLayout);
    if (viewTypes.every((t) => layout.includes(t))) return;
    if (Date.now() > deadline)
      throw new Error(
        `the workbench did not save a layout with ${viewTypes.join(' and ')} in ${timeout / 1000} s; saved: ${layout.slice(0, 300)}`,
      );
    await page.waitForTimeout(250);
  }
}

/** In the workbench page: the stored editor layout of every workspace database (VS Code for the web's own keys). */
async function readSavedEditorLayout(): Promise<string> {
  // Runs in the browser, where the root tsconfig's lib has no DOM types.
  const idb = (
    globalThis as unknown as { indexedDB: { databases(): Promise<{ name?: string }[]>; open(name: string): unknown } }
  ).indexedDB;
  type Request<T> = { result: T; onsuccess: (() => void) | null; onerror: (() => void) | null };
  const done = <T>(r: Request<T>): Promise<T> =>
    new Promise(
      (resolve, reject) => (
        (r.onsuccess = () => resolve(r.result)),
        (r.onerror = () => reject(new Error('IndexedDB request failed')))
      ),
    );
  const out: string[] = [];
  for (const { name } of await idb.databases()) {
    if (!name?.startsWith('vscode-web-state-db-')) continue;
    const db = await done(
      idb.open(name) as Request<{
        objectStoreNames: { contains(n: string): boolean };
        transaction(n: string): { objectStore(n: string): { get(k: string): unknown } };
        close(): void;
      }>,
    );
    try {
      if (!db.objectStoreNames.contains('ItemTable')) continue;
      const value = await done(
        db.transaction('ItemTable').objectStore('ItemTable').get('memento/workbench.parts.editor') as Request<unknown>,
      );
      if (value !== undefined)
        out.push(typeof value === 'string' ? value : new TextDecoder().decode(value as Uint8Array));
    } finally {
      db.close();
    }
  }
  return out.join('\n');
}
