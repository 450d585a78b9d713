/**
 * `npm run package` writes one VSIX per platform both native modules ship binaries for; each is opened and listed here.
 * Each must hold exactly its own platform's native files: the set onnxruntime-node and tokenizers ship for it, every one
 * of them a binary for that OS and CPU by its header, with the onnxruntime library the binding loads beside it; and the
 * bundles, the shipped models and the media, but no source maps, sources or other platforms' binaries.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { ROOT } from '../helpers/paths';
import { binaryPlatform, HEADER_BYTES } from './binaryPlatform';
import { CLI_FILES } from './packagedFiles';

/** The platforms: both onnxruntime-node 1.30 and tokenizers 0.23 ship these (onnxruntime-node no darwin-x64). */
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
/** tokenizers (napi-rs) names its binaries <os>-<cpu>-<abi>; VS Code's linux targets are glibc, its Windows ones MSVC. */
const TOKENIZERS_ABI: Record<string, string> = { linux: '-gnu', win32: '-msvc', darwin: '' };
const NATIVE = /\.(node|dylib|dll)$|\.so(\.\d+)*$/;
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/** Reads an entry's first `limit` bytes (all of it by default) and closes its stream. */
async function read(zip: ZipFile, entry: Entry, limit = Infinity): Promise<Buffer> {
  const stream: Readable = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

interface Vsix {
  /** The files under extension/, relative to the extension's folder. */
  files: string[];
  /** Each native file's platform, read from its header. */
  platforms: Map<string, string | undefined>;
  /** The onnxruntime binding's bytes. */
  binding: Buffer;
  manifest: string;
}

async function openVsix(path: string): Promise<Vsix> {
  const zip = await openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    const vsix: Vsix = { files: [], platforms: new Map(), binding: Buffer.alloc(0), manifest: '' };
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name === 'extension.vsixmanifest') vsix.manifest = (await read(zip, entry)).toString('utf8');
      if (!name.startsWith('extension/')) continue;
      const file = name.slice('extension/'.length);
      vsix.files.push(file);
      if (!NATIVE.test(file)) continue;
      if (file.endsWith('/onnxruntime_binding.node')) vsix.binding = await read(zip, entry);
      vsix.platforms.set(file, binaryPlatform(await read(zip, entry, HEADER_BYTES)));
    }
    return vsix;
  } finally {
    zip.close();
  }
}

/** The native files onnxruntime-node and tokenizers ship for `target` in node_modules, as paths inside the VSIX. */
function shippedNativeFiles(target: string): string[] {
  const [os, cpu] = target.split('-');
  const ortDir = `${ORT_BIN}/${os}/${cpu}`;
  return [
    ...readdirSync(join(ROOT, ortDir)).map((f) => `${ortDir}/${f}`),
    `node_modules/tokenizers/tokenizers.${os}-${cpu}${TOKENIZERS_ABI[os]}.node`,
  ].sort();
}

const REQUIRED = [
  'package.json',
  'readme.md',
  'LICENSE.txt',
  'dist/extension.js',
  'dist/inferenceWorker.js',
  'dist/webview/main.js',
  'dist/webview/codicon-inline.css',
  'media/icon.png',
  'node_modules/onnxruntime-node/package.json',
  'node_modules/onnxruntime-node/dist/index.js',
  'node_modules/onnxruntime-common/dist/cjs/index.js',
  'node_modules/tokenizers/index.js',
  ...CLI_FILES,
];

describe('the VSIXs npm run package builds', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'polarity-lens-vsix-'));
  const vsixes = new Map<string, Vsix>();

  before(async () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out-dir', outDir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 600_000,
    });
    assert.equal(r.status, 0, `scripts/package.mjs failed:\n${r.stdout}\n${r.stderr}`);
    for (const target of TARGETS) vsixes.set(target, await openVsix(join(outDir, `polarity-lens-${target}.vsix`)));
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes one VSIX for each platform both native modules ship, and no other (no darwin-x64)', () => {
    assert.deepEqual(readdirSync(outDir).sort(), TARGETS.map((t) => `polarity-lens-${t}.vsix`).sort());
  });

  for (const target of TARGETS)
    describe(target, () => {
      it("holds exactly the platform's native files, each a binary for its OS and CPU", () => {
        const vsix = vsixes.get(target)!;
        const natives = vsix.files.filter((f) => NATIVE.test(f)).sort();
        assert.deepEqual(natives, shippedNativeFiles(target));
        for (const [file, platform] of vsix.platforms)
          assert.equal(platform, target, `${file} is built for ${platform}`);
      });

      it('holds the onnxruntime library its binding loads, beside it', () => {
        const vsix = vsixes.get(target)!;
        const [os, cpu] = target.split('-');
        const loaded = new Set(
          [
            ...vsix.binding.toString('latin1').matchAll(/(?:lib)?onnxruntime(?:\.\d+)*\.(?:so(?:\.\d+)*|dylib|dll)/g),
          ].map((m) => m[0]),
        );
        assert.ok(loaded.size > 0, 'the binding names no onnxruntime library');
        for (const library of loaded) assert.ok(vsix.files.includes(`${ORT_BIN}/${os}/${cpu}/${library}`), library);
      });

      it('is marked for its platform and holds the bundles, the models and the media, without source maps, declarations or sources', () => {
        const vsix = vsixes.get(target)!;
        assert.match(vsix.manifest, new RegExp(`TargetPlatform="${target}"`));
        for (const file of REQUIRED) assert.ok(vsix.files.includes(file), `${file} is missing`);
        const unwanted = vsix.files.filter(
          (f) =>
            /\.(map|d\.ts)$/.test(f) ||
            /^(src|test|webview|training|scripts|bench|out)\//.test(f) ||
            (f.startsWith('node_modules/') &&
              !/^node_modules\/(onnxruntime-node|onnxruntime-common|tokenizers)\//.test(f)),
        );
        assert.deepEqual(unwanted, []);
      });
    });
});

describe('binaryPlatform', () => {
  it("reads each of tokenizers' binaries as the platform its name says", () => {
    const dir = join(ROOT, 'node_modules', 'tokenizers');
    const named = readdirSync(dir)
      .map((f) => /^tokenizers\.(linux|darwin|win32)-(x64|arm64|ia32|universal)\b/.exec(f))
      .filter((m) => m !== null);
    assert.ok(named.length >= 8, `only ${named.length} binaries to check`);
    for (const m of named) {
      const head = readFileSync(join(dir, m.input)).subarray(0, HEADER_BYTES);
      assert.equal(binaryPlatform(head), `${m[1]}-${m[2]}`, m.input);
    }
    assert.equal(binaryPlatform(Buffer.from('#!/usr/bin/env node\n')), undefined);
  });
});
