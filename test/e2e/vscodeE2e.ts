/**
 * Typed access to the shared real-VS-Code harness (../shared/tools/vscode-e2e/run-ext-tests.js: code-server plus
 * Debian Chromium through playwright-core). scripts/e2e-setup.sh installs what it needs.
 */
import { join } from 'node:path';
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
