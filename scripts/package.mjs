// Builds one VSIX per platform: `npm run package` (every platform) or `npm run package -- --target linux-x64` (one),
// into polarity-lens-<target>.vsix (`--out-dir DIR` to write them elsewhere). Each VSIX holds what .vscodeignore lets
// through (the bundles, media, models and the native modules' JavaScript) and only its own platform's native files,
// added here from TARGETS; vsce's --target marks it for that platform, so the Marketplace and VS Code pick the right one.
// Run after `npm run build` (npm run package does both).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createVSIX } from '@vscode/vsce';

/**
 * The platforms both native modules ship binaries for, each with its folder in onnxruntime-node 1.30's package and its
 * binary in tokenizers 0.23's (both packages carry every platform's binaries in themselves).
 */
const TARGETS = {
  'linux-x64': { onnxruntime: 'linux/x64', tokenizers: 'linux-x64-gnu' },
  'linux-arm64': { onnxruntime: 'linux/arm64', tokenizers: 'linux-arm64-gnu' },
  'darwin-arm64': { onnxruntime: 'darwin/arm64', tokenizers: 'darwin-arm64' },
  'win32-x64': { onnxruntime: 'win32/x64', tokenizers: 'win32-x64-msvc' },
  'win32-arm64': { onnxruntime: 'win32/arm64', tokenizers: 'win32-arm64-msvc' },
};

/** Platforms VS Code runs on that get no VSIX, and why. */
const NOT_OFFERED = { 'darwin-x64': 'onnxruntime-node 1.30 ships no darwin-x64 (Intel Mac) binary' };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The platform's native files as .vscodeignore lines, after checking they are there (vsce would leave them out quietly). */
function nativeFileLines(target) {
  const { onnxruntime, tokenizers } = TARGETS[target];
  const onnxruntimeDir = `node_modules/onnxruntime-node/bin/napi-v6/${onnxruntime}`;
  const tokenizersFile = `node_modules/tokenizers/tokenizers.${tokenizers}.node`;
  if (!existsSync(join(root, onnxruntimeDir)) || readdirSync(join(root, onnxruntimeDir)).length === 0)
    throw new Error(`${onnxruntimeDir} is missing: run npm ci, or onnxruntime-node no longer ships ${target}`);
  if (!existsSync(join(root, tokenizersFile)))
    throw new Error(`${tokenizersFile} is missing: run npm ci, or tokenizers no longer ships ${target}`);
  return [`# ${target}'s native files (scripts/package.mjs)`, `!${onnxruntimeDir}/**`, `!${tokenizersFile}`];
}

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    'out-dir': { type: 'string', default: root },
    prepublish: { type: 'boolean', default: false },
  },
});
// package.json's vscode:prepublish, which vsce runs before it packages: bare `vsce package` or `vsce publish` would
// make a VSIX without any native module, so they stop here unless this script is the caller.
if (values.prepublish) {
  if (process.env.POLARITY_LENS_PACKAGING === '1') process.exit(0);
  console.error(
    'vsce alone would package no native modules: run `npm run package`, then publish its VSIXs with ' +
      '`vsce publish --packagePath polarity-lens-*.vsix`',
  );
  process.exit(1);
}
const targets = values.target ?? Object.keys(TARGETS);
for (const target of targets.filter((t) => !(t in TARGETS))) {
  const why = NOT_OFFERED[target] ?? 'unknown target';
  console.error(`package: no VSIX for ${target} (${why}); targets: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'extension.js'))) {
  console.error('package: dist/extension.js is missing: run npm run build first (npm run package does)');
  process.exit(2);
}

process.env.POLARITY_LENS_PACKAGING = '1';
const shared = readFileSync(join(root, '.vscodeignore'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'polarity-lens-package-'));
try {
  for (const target of targets) {
    const ignoreFile = join(scratch, `${target}.vscodeignore`);
    writeFileSync(ignoreFile, `${shared}\n${nativeFileLines(target).join('\n')}\n`);
    await createVSIX({
      cwd: root,
      target,
      ignoreFile,
      packagePath: join(resolve(values['out-dir']), `polarity-lens-${target}.vsix`),
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
