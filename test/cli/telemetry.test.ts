import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { ROOT } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Variables that already stop onnxruntime-node's telemetry: it stays quiet on CI services, so a test run on CI
 * would prove nothing unless they are removed. */
const QUIETING_VARIABLES = [
  'ORT_DISABLE_TELEMETRY',
  'CI',
  'TF_BUILD',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'TRAVIS',
  'JENKINS_URL',
];

/** A fresh HOME and TMPDIR, and an environment in which onnxruntime-node would write telemetry if allowed. */
function sandbox(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'polarity-telemetry-'));
  dirs.push(dir);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, TMPDIR: dir };
  for (const name of [...QUIETING_VARIABLES, 'XDG_CACHE_HOME']) delete env[name];
  return { dir, env };
}

/** Everything onnxruntime-node's telemetry writes: a device id and database, and a debug log. */
function telemetryFiles(dir: string): string[] {
  const found = readdirSync(dir).filter((f) => f.startsWith('mat-debug-'));
  if (existsSync(join(dir, '.cache', 'Microsoft'))) found.push('.cache/Microsoft');
  return found;
}

describe('telemetry', () => {
  it('the check can see telemetry: onnxruntime-node loaded bare writes it', () => {
    const { dir, env } = sandbox();
    const model = join(resolveModelDir('sst2-cnn-dot'), 'model.onnx');
    const r = spawnSync(
      process.execPath,
      ['-e', `require('onnxruntime-node').InferenceSession.create(${JSON.stringify(model)})`],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(telemetryFiles(dir).length > 0, 'expected onnxruntime-node to write telemetry when not disabled');
  });

  it('Polarity Lens runs a model and writes nothing: no device id, no database, no debug log', () => {
    const { dir, env } = sandbox();
    const csv = join(mkdtempSync(join(tmpdir(), 'polarity-data-')), 'two.csv');
    dirs.push(join(csv, '..'));
    writeFileSync(csv, 'text,label\na gorgeous film,positive\na dull mess,negative\n');
    const r = runCli(['accuracy', '--model', 'sst2-cnn-dot', '--data', csv, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].examples, 2, 'the model really ran');
    assert.deepEqual(telemetryFiles(dir), []);
    assert.deepEqual(readdirSync(dir), [], 'nothing at all was written to HOME or TMPDIR');
  });
});
