/** Starts the real extension against the vscode stub (tests of the glue), and disposes what it registered. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';
import { installVscodeStub, memento, stub, Uri } from './vscodeStub';

type Extension = typeof import('../../src/extension/extension');
const contexts: { subscriptions: { dispose(): void }[] }[] = [];
/** The extension's workspace storage folder (context.storageUri): it outlives a "window", as VS Code's does. */
export const STORAGE_DIR = mkdtempSync(join(tmpdir(), 'polarity-lens-storage-'));
process.on('exit', () => rmSync(STORAGE_DIR, { recursive: true, force: true }));

/** Installs the stub, then loads the extension module (which imports `vscode`). */
export function loadExtension(): Extension {
  installVscodeStub();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../src/extension/extension') as Extension;
}

/** activate() with a fresh stub, the small CNN model and these settings. */
export function startExtension(
  activate: Extension['activate'],
  configuration: Record<string, unknown> = {},
): ReturnType<Extension['activate']> {
  stub.reset();
  stub.configuration = { model: 'sst2-cnn-dot', ...configuration };
  const context = {
    extensionUri: Uri.file(ROOT),
    workspaceState: memento,
    subscriptions: [] as { dispose(): void }[],
    extension: { packageJSON: { version: 'test' } },
    globalStorageUri: Uri.file(process.env.POLARITY_LENS_CACHE_DIR ?? '/tmp/polarity-lens-test-storage'),
    storageUri: Uri.file(STORAGE_DIR),
  };
  contexts.push(context);
  return activate(context as never);
}

export function disposeAll(): void {
  contexts.forEach((c) => c.subscriptions.forEach((s) => s.dispose()));
  contexts.length = 0;
}
