/**
 * Typed access to the shared real-VS-Code harness (../shared/tools/vscode-e2e/run-ext-tests.js: code-server plus
 * Debian Chromium through playwright-core). scripts/test-setup.sh installs what it needs.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  startCodeServer(options: { workspace: string; settings?: Record<string, unknown>; installExtensions?: string[] }): Promise<CodeServer>;
  launchBrowser(): Promise<Browser>;
  workbenchUrl(url: string, options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
}

export function e2eToolsDir(): string {
  return process.env.POLARITY_LENS_E2E_TOOLS ?? join(ROOT, '..', 'shared', 'tools', 'vscode-e2e');
}

export function e2eTools(): E2eTools {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(e2eToolsDir(), 'run-ext-tests.js')) as E2eTools;
}

/** The frame (at any depth: VS Code nests each webview in two iframes) that has `selector`, once one has it. */
export async function frameWith(page: Page, selector: string, timeout = 120_000): Promise<import('playwright-core').Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no frame shows ${selector} after ${timeout / 1000} s`);
    await page.waitForTimeout(250);
  }
}

/** A test body that leaves a screenshot of the workbench in `dir` when it fails. */
export function shotOnFailure(page: () => Page, dir: string, name: string, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (e) {
      await page().screenshot({ path: join(dir, `failed-${name}.png`) }).catch(() => {});
      throw e;
    }
  };
}

/** A workbench on `workspace` with Polarity Lens loaded from the working tree; `close` stops it and deletes the folder. */
export async function openWorkbench(workspace: string): Promise<{ page: Page; close(): Promise<void> }> {
  const tools = e2eTools();
  // The caches, absolute: the extension host runs in another process and folder.
  process.env.POLARITY_LENS_CACHE_DIR = resolve(process.env.POLARITY_LENS_CACHE_DIR ?? join(ROOT, 'out', 'gradient-cache'));
  const server = await tools.startCodeServer({ workspace });
  const browser = await tools.launchBrowser();
  browser.page.on('dialog', (d) => void d.dismiss());
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
 * has read its manifest, a moment after the workbench shows), then clicks it.
 */
export async function clickContextMenuItem(page: Page, target: import('playwright-core').Locator, item: string, timeout = 90_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await target.click({ button: 'right' });
    const entry = page.locator('.monaco-menu .action-item', { hasText: item }).first();
    try {
      await entry.waitFor({ timeout: 3000 });
      await page.waitForTimeout(300); // a click right after the menu opens is ignored
      await entry.click();
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw e;
      await page.waitForTimeout(1000);
    }
  }
}
