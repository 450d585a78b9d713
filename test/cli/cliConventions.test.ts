import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { DATA, ROOT } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

describe('CLI conventions', () => {
  it('-h and --help on every command print its help and exit 0; --version prints the version; no command is an error', () => {
    for (const command of ['explain', 'check', 'doctor', 'accuracy', 'merge'])
      for (const flag of ['-h', '--help']) {
        const r = runCli([command, flag]);
        assert.equal(r.status, 0, `${command} ${flag}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`polarity-lens ${command} `));
        assert.match(r.stdout, /Exit codes, the same for every command: 0 done; 1 .*; 2 bad input/s);
      }
    const version = runCli(['--version']);
    assert.equal(version.status, 0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
    const none = runCli([]);
    assert.equal(none.status, 2);
    assert.equal(none.stdout, '', 'the help goes to stderr');
    assert.match(none.stderr, /Commands:/);
  });

  it('explain reads its text from stdin: piped with no text, or with -', () => {
    const args = ['--model', 'sst2-cnn-dot', '--explainers', 'occlusion', '--format', 'json'];
    const text = 'a gorgeous , witty film';
    for (const argv of [
      ['explain', ...args],
      ['explain', '-', ...args],
    ]) {
      const r = runCli(argv, process.env, `${text}\n`);
      assert.equal(r.status, 0, r.stderr);
      const result = JSON.parse(r.stdout) as ExplainResult;
      assert.equal(result.text, text, 'the trailing newline is not part of the text');
    }
  });

  it('check writes a report to stdout with -, and then its summary goes to stderr; two reports on stdout are refused', () => {
    const args = ['check', join(DATA, 'sst2', 'test.csv'), '--model', 'sst2-cnn-dot', '--explainers', 'occlusion'];
    const r = runCli([...args, '--limit', '3', '--no-cache', '--quiet', '--json', '-']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as DatasetReport;
    assert.equal(report.samples, 3);
    assert.match(r.stderr, /# Polarity Lens violation test/);
    const two = runCli([...args, '--json', '-', '--csv', '-']);
    assert.equal(two.status, 2);
    assert.match(two.stderr, /only one report can go to stdout/);
  });
});
