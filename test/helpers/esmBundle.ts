import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'polarity-lens-esm-'));

/**
 * An ES-module-only package, loaded from the CommonJS tests: bundled to CommonJS by esbuild (the project's bundler)
 * first. @actions/workflow-parser also imports its JSON schema without an import attribute, which only a bundler reads.
 */
export function requireBundled<T>(specifier: string): T {
  const outfile = join(dir, `${specifier.replace(/[^a-z0-9]+/gi, '_')}.cjs`);
  buildSync({
    stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: ROOT },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as T;
}
