/**
 * The CLI as npm users get it: `npm pack`, then `npm install -g` of that tarball into a temporary prefix (dependencies
 * from the registry, or npm's cache), then the installed `polarity-lens` run from a folder that is not the repository.
 * onnxruntime-node's install script runs, with the README's ONNXRUNTIME_NODE_INSTALL=skip.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { ROOT } from '../helpers/paths';
import { runCli } from '../helpers/runCli';
import { CLI_FILES } from './packagedFiles';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** A user's environment: none of `npm run`'s npm_* variables, no repository folder on PATH, its own cache folder. */
function userEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  env.PATH = [
    dirname(process.execPath),
    ...(process.env.PATH ?? '').split(delimiter).filter((p) => !p.startsWith(ROOT)),
  ]
    .filter((p) => p !== '')
    .join(delimiter);
  env.POLARITY_LENS_CACHE_DIR = cacheDir;
  return env;
}

function run(command: string, args: string[], options: SpawnSyncOptions) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('the CLI as an npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'polarity-lens-npm-'));
  const prefix = join(work, 'prefix');
  const elsewhere = join(work, 'elsewhere');
  const env = userEnv(join(work, 'cache'));
  const bin = join(prefix, 'bin', 'polarity-lens');
  const installed = join(prefix, 'lib', 'node_modules', 'polarity-lens');
  let tarball = '';
  let packed: string[] = [];

  before(() => {
    mkdirSync(elsewhere);
    // --ignore-scripts: npm pack's prepack would rebuild dist/, which test:unit has built already, under the other test
    // files that run it.
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info.filename);
    packed = info.files.map((f) => f.path);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('packs polarity-lens-<version>.tgz with the CLI, its worker, the report bundle, the models, README and LICENSE only', () => {
    assert.equal(tarball, join(work, `polarity-lens-${manifest.version}.tgz`));
    const required = ['package.json', 'README.md', 'LICENSE', ...CLI_FILES];
    for (const file of required) assert.ok(packed.includes(file), `${file} is missing`);
    const allowed =
      /^(package\.json|README\.md|LICENSE|dist\/[^/]+\.js|dist\/webview\/[^/]+\.(js|css)|media\/[^/]+\.(css|png|svg)|models\/.+)$/;
    assert.deepEqual(
      packed.filter((f) => !allowed.test(f) || f.endsWith('.map')),
      [],
    );
  });

  it('installs globally from the tarball and explains from another folder: the same prediction as the repository', () => {
    // --allow-scripts: whatever npm's policy on dependencies' install scripts, onnxruntime-node's runs. On linux-x64 it
    // downloads CUDA libraries from NuGet (and fails offline) unless ONNXRUNTIME_NODE_INSTALL=skip, as the README says.
    const npmInstall = ['install', '--global', '--prefix', prefix, tarball, '--allow-scripts=onnxruntime-node'];
    const install = run('npm', [...npmInstall, '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: elsewhere,
      env: { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    assert.equal(install.status, 0, `${install.stdout}\n${install.stderr}`);
    // What esbuild bundled is not installed again; onnxruntime-node fetched no GPU libraries.
    const modules = readdirSync(join(installed, 'node_modules'));
    for (const bundled of ['csv-parse', 'ml-matrix', 'onnx-buf', '@stdlib'])
      assert.ok(!modules.includes(bundled), bundled);
    const ortLinux = join(installed, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
    assert.ok(!existsSync(join(ortLinux, 'libonnxruntime_providers_cuda.so')));

    const version = run(bin, ['--version'], { cwd: elsewhere, env });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), manifest.version);

    const text = 'a gorgeous, witty film';
    const explain = run(bin, ['explain', text], { cwd: elsewhere, env });
    assert.equal(explain.status, 0, explain.stderr);
    const headline = /^model sst2-bilstm-tanh: predicts "(\w+)" with p\(ŷ\) = (0\.\d{4})/.exec(explain.stdout);
    assert.ok(headline, explain.stdout);
    const fromRepo = runCli([
      'explain',
      text,
      '--model',
      'sst2-bilstm-tanh',
      '--explainers',
      'random',
      '--format',
      'json',
    ]);
    assert.equal(fromRepo.status, 0, fromRepo.stderr);
    const expected = (JSON.parse(fromRepo.stdout) as ExplainResult).prediction;
    assert.deepEqual([headline[1], headline[2]], [expected.label, expected.probability.toFixed(4)]);

    const json = run(bin, ['explain', text, '--explainers', 'random', '--format', 'json'], { cwd: elsewhere, env });
    assert.equal(json.status, 0, json.stderr);
    const modelDir = (JSON.parse(json.stdout) as ExplainResult).model.dir;
    assert.ok(modelDir.startsWith(realpathSync(installed)), `the model came from ${modelDir}`);
  });

  it('the installed check runs a dataset in worker processes and writes the HTML report', () => {
    assert.ok(existsSync(bin), 'installed by the test before');
    const dataset = join(elsewhere, 'reviews.csv');
    writeFileSync(dataset, 'text,label\na gorgeous film,1\na dull and tired mess,0\nwitty and warm,1\n');
    const html = join(elsewhere, 'report.html');
    const json = join(elsewhere, 'report.json');
    const args = ['check', dataset, '--model', 'sst2-cnn-dot', '--explainers', 'occlusion', '--workers', '2'];
    const check = run(bin, [...args, '--no-cache', '--quiet', '--html', html, '--json', json], { cwd: elsewhere, env });
    assert.equal(check.status, 0, check.stderr);
    assert.equal((JSON.parse(readFileSync(json, 'utf8')) as DatasetReport).samples, 3);
    assert.match(readFileSync(html, 'utf8'), /<script nonce=/);
  });
});
