/**
 * package.json as a publishable manifest, for the Marketplace (vsce) and for npm: the fields each needs are there and
 * valid, the CLI is an installable bin, and the npm package depends on exactly what the bundles load at run time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';

interface Manifest {
  name: string;
  version: string;
  publisher: string;
  displayName: string;
  description: string;
  private?: boolean;
  license: string;
  repository: { type: string; url: string };
  bugs: { url: string };
  homepage: string;
  icon: string;
  galleryBanner: { color: string; theme: string };
  categories: string[];
  keywords: string[];
  engines: { vscode: string; node: string };
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The categories the Marketplace and VS Code's extension view accept. */
const MARKETPLACE_CATEGORIES = new Set([
  'AI',
  'Azure',
  'Chat',
  'Data Science',
  'Debuggers',
  'Education',
  'Extension Packs',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Other',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
]);

/** Width and height from a PNG's IHDR chunk (the first, right after the 8-byte signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.equal(bytes.toString('latin1', 1, 4), 'PNG', 'the icon is not a PNG (vsce refuses SVG icons)');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('package.json, ready to publish', () => {
  it('names the repository, where to report bugs, the home page and the licence (the LICENSE file says the same)', () => {
    assert.equal(manifest.private, undefined, 'a private package cannot be published to npm');
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const repo = manifest.repository.url.replace(/\.git$/, '');
    assert.equal(manifest.bugs.url, `${repo}/issues`);
    assert.ok(manifest.homepage.startsWith(repo), manifest.homepage);
    assert.equal(manifest.license, 'MIT');
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
    assert.doesNotMatch(manifest.scripts.package, /allow-missing-repository/);
  });

  it('has what the Marketplace shows: a PNG icon of at least 128 px, a banner, known categories, keywords', () => {
    assert.match(manifest.publisher, /^[a-z0-9][a-z0-9-]*$/i);
    assert.ok(manifest.displayName && manifest.description);
    const { width, height } = pngSize(readFileSync(join(ROOT, manifest.icon)));
    assert.ok(width >= 128 && height >= 128, `the icon is ${width} × ${height}`);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme), manifest.galleryBanner.theme);
    assert.ok(manifest.categories.length > 0);
    for (const category of manifest.categories) assert.ok(MARKETPLACE_CATEGORIES.has(category), category);
    // vsce refuses more than 30 keywords.
    assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
  });

  it('stops bare vsce package and vsce publish, which would ship no native modules; npm run package passes', () => {
    assert.equal(manifest.scripts['vscode:prepublish'], 'node scripts/package.mjs --prepublish');
    const prepublish = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['scripts/package.mjs', '--prepublish'], { cwd: ROOT, env, encoding: 'utf8' });
    const bare = prepublish({ ...process.env, POLARITY_LENS_PACKAGING: '' });
    assert.equal(bare.status, 1);
    assert.match(bare.stderr, /run `npm run package`/);
    assert.equal(prepublish({ ...process.env, POLARITY_LENS_PACKAGING: '1' }).status, 0);
  });

  it('installs the CLI as polarity-lens: a bin with a shebang, built before npm packs', () => {
    assert.deepEqual(manifest.bin, { 'polarity-lens': 'dist/cli.js' });
    assert.match(readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.match(manifest.scripts.prepack, /npm run build/);
  });

  it('depends on exactly the modules the bundles leave to node_modules (the rest esbuild bundles: devDependencies)', () => {
    const builtins = new Set(builtinModules);
    const required = new Set<string>();
    for (const bundle of readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.js')))
      for (const m of readFileSync(join(ROOT, 'dist', bundle), 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g))
        if (!m[1].startsWith('node:') && !builtins.has(m[1]) && m[1] !== 'vscode') required.add(m[1]);
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), [...required].sort());
  });
});
