/**
 * Runs the in-process suite in desktop VS Code through @vscode/test-electron, for machines that can download VS Code.
 * Offline (as on this project's CI) the download fails: this says so and exits 0 without claiming a pass; the same
 * suite runs in code-server as part of `npm test` (scripts/e2e.sh).
 */
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { ROOT } from '../helpers/paths';

async function main(): Promise<void> {
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode('1.100.3');
  } catch (e) {
    console.log(
      `SKIPPED (not run, not passed): desktop VS Code could not be downloaded here (${(e as Error).message.split('\n')[0]}). The same suite runs in code-server in npm test.`,
    );
    return;
  }
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'test', 'electron', 'suite.js'),
    launchArgs: ['--disable-extensions'],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
