import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import type { ShardHeader } from '../../src/core/datasetRun/shardFile';
import { DATA } from '../helpers/paths';
import { withoutClocks } from '../helpers/reportClocks';
import { interruptCli, runCli } from '../helpers/runCli';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { stringify } from 'csv-stringify/sync';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-merge-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const out = (name: string) => join(tmp, name);
const SST2 = join(DATA, 'sst2', 'test.csv');
const run = (sample: string) => [
  SST2,
  '--model',
  'sst2-cnn-dot',
  '--explainers',
  'raw-attention,attention-x-gradient,occlusion',
  '--limit',
  '40',
  '--sample',
  sample,
  '--quiet',
];
const shardFile = (dir: string, k: number, n = 4) => out(`${dir}/test.polarity-lens.shard-${k}-of-${n}.jsonl`);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as DatasetReport;
const header = (path: string) => JSON.parse(readFileSync(path, 'utf8').split('\n')[0]) as ShardHeader;

/** Runs the four shards of `sample`'s run into `dir`, each with its own cache (a machine each). */
function shards(dir: string, sample: string, cache = (k: number) => out(`${dir}/cache-${k}`)): string[] {
  mkdirSync(out(dir), { recursive: true });
  return [1, 2, 3, 4].map((k) => {
    const r = runCli(['check', ...run(sample), '--cache-dir', cache(k), '--shard', `${k}/4`, '--shard-file', out(dir)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^shard ${k}/4: 10 rows explained \\(\\d+ from cache\\) of the 40 selected`));
    return shardFile(dir, k);
  });
}

describe('polarity-lens check --shard and merge', () => {
  for (const sample of ['first', 'random']) {
    it(`four shards of ${sample} 40 rows, merged, are the single run's report: every number and every sample`, () => {
      const single = runCli([
        'check',
        ...run(sample),
        '--cache-dir',
        out(`${sample}/cache`),
        '--json',
        out(`${sample}.json`),
        '--csv',
        out(`${sample}.csv`),
      ]);
      assert.equal(single.status, 0, single.stderr);
      const files = shards(sample, sample);
      // Dealt out round-robin: shard K has the selection's rows K, K+4, K+8…, and every shard knows the whole selection.
      const one = readJson(out(`${sample}.json`));
      files.forEach((f, k) => {
        const h = header(f);
        assert.deepEqual(h.shard, { index: k + 1, count: 4 });
        assert.equal(h.selection.rows, 40);
        const rows = readFileSync(f, 'utf8').trim().split('\n').slice(1);
        assert.deepEqual(
          rows.map((l) => (JSON.parse(l) as { row: number }).row),
          one.records.filter((_, i) => i % 4 === k).map((r) => r.row),
        );
      });
      assert.equal(new Set(files.map((f) => header(f).selection.digest)).size, 1);
      // In any order.
      const merged = runCli([
        'merge',
        ...[...files].reverse(),
        '--json',
        out(`${sample}-merged.json`),
        '--csv',
        out(`${sample}-merged.csv`),
      ]);
      assert.equal(merged.status, 0, merged.stderr);
      assert.match(merged.stdout, /# Polarity Lens violation test/);
      const many = readJson(out(`${sample}-merged.json`));
      assert.equal(many.samples, 40);
      assert.deepEqual(withoutClocks(many), withoutClocks(one));
      assert.equal(readFileSync(out(`${sample}-merged.csv`), 'utf8'), readFileSync(out(`${sample}.csv`), 'utf8'));
      assert.equal(many.resumed, 0);
      const seconds = files.reduce((s, f) => s + header(f).seconds, 0);
      assert.ok(Math.abs(many.timing.seconds - seconds) < 1e-9, 'the time is the shards’ added up');
    });
  }

  it('shards that find the single run’s samples in their caches resume all of them: then even the milliseconds are equal', () => {
    const files = shards('resumed', 'first', (k) => {
      const cache = out(`resumed/cache-${k}`);
      cpSync(out('first/cache'), cache, { recursive: true });
      return cache;
    });
    for (const f of files) assert.equal(header(f).resumed, 10);
    const r = runCli(['merge', ...files, '--json', out('resumed.json')]);
    assert.equal(r.status, 0, r.stderr);
    const one = readJson(out('first.json'));
    const many = readJson(out('resumed.json'));
    // The run's seconds and the report's date are the clock's; `resumed` counts the cache hits.
    const clockless = ({ createdAt: _c, timing: { seconds: _s, ...timing }, resumed: _r, ...rest }: DatasetReport) => ({
      ...rest,
      timing,
    });
    assert.deepEqual(clockless(many), clockless(one));
    assert.equal(many.resumed, 40);
  });

  it('a missing, repeated, cut or foreign shard is bad input (exit 2) that names the file; gates work as in check', () => {
    const files = [1, 2, 3, 4].map((k) => shardFile('first', k));
    const refused = (args: string[], pattern: RegExp) => {
      const r = runCli(['merge', ...args, '--json', out('never.json')]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.ok(!existsSync(out('never.json')), 'no report from shards that are not one run');
    };
    refused(
      files.slice(0, 3),
      /polarity-lens merge: shard 4 of 4 missing: got test\.polarity-lens\.shard-1-of-4\.jsonl/,
    );
    const twin = out('first/copy-of-shard-2.jsonl');
    cpSync(files[1], twin);
    refused([...files, twin], /copy-of-shard-2\.jsonl and .*shard-2-of-4\.jsonl are both shard 2 of 4/);
    // Another model, other settings, another selection, another N: one foreign shard among the run's.
    const foreign = (dir: string, extra: string[], k = 4, n = 4) => {
      mkdirSync(out(dir));
      const args = ['check', ...run('first'), '--cache-dir', out(`${dir}/cache`), '--shard', `${k}/${n}`];
      const r = runCli([...args, ...extra, '--shard-file', out(dir)]);
      assert.equal(r.status, 0, r.stderr);
      return shardFile(dir, k, n);
    };
    const bilstm = foreign('model', ['--model', 'sst2-bilstm-tanh']);
    refused(
      [...files.slice(0, 3), bilstm],
      /model\/test\.polarity-lens\.shard-4-of-4\.jsonl is a shard of another model/,
    );
    const operator = foreign('operator', ['--operator', 'zero-embedding']);
    refused(
      [...files.slice(0, 3), operator],
      /operator\/test\.polarity-lens\.shard-4-of-4\.jsonl is a shard of other settings/,
    );
    const measured = foreign('measure', ['--measure', 'all']);
    refused(
      [...files.slice(0, 3), measured],
      /measure\/test\.polarity-lens\.shard-4-of-4\.jsonl is a shard of other settings/,
    );
    refused(
      [...files.slice(0, 3), shardFile('random', 4)],
      /random\/.*shard-4-of-4\.jsonl is a shard of another selection/,
    );
    const three = foreign('three', [], 3, 3);
    refused([...files.slice(0, 3), three], /three\/.*shard-3-of-3\.jsonl is a shard of another split/);
    const lines = readFileSync(files[3], 'utf8').split('\n');
    writeFileSync(out('first/cut.jsonl'), lines.slice(0, 5).join('\n'));
    refused([...files.slice(0, 3), out('first/cut.jsonl')], /cut\.jsonl is cut short: it holds 4 of the 10 rows/);
    refused([...files.slice(0, 3), out('first.json')], /first\.json is not a Polarity Lens shard file/);
    // check's gates, on the merged report: a broken threshold is exit 1, and JUnit says which.
    const gated = runCli(['merge', ...files, '--max-violation', 'raw-attention=0', '--junit', out('gate.xml')]);
    assert.equal(gated.status, 1, gated.stderr);
    assert.match(gated.stdout, /FAIL raw-attention: mean violation ratio/);
    assert.match(readFileSync(out('gate.xml'), 'utf8'), /failures="1"/);
    // And --baseline: the merged run compared with the single run's report, on all 40 samples, changes nothing.
    const compared = runCli([
      'merge',
      ...files,
      '--baseline',
      out('first.json'),
      '--max-regression',
      'raw-attention=0',
      '--json',
      out('compared.json'),
    ]);
    assert.equal(compared.status, 0, compared.stderr);
    assert.match(compared.stdout, /PASS raw-attention vs baseline: .* on 40 shared samples, change /);
    const { comparison } = readJson(out('compared.json'));
    assert.equal(comparison!.rows.shared, 40);
    assert.ok(comparison!.explainers.every((e) => e.mean.change.mean === 0));
    const mixed = runCli(['check', ...run('first'), '--shard', '1/4', '--json', out('x.json')]);
    assert.equal(mixed.status, 2);
    assert.match(
      mixed.stderr,
      /with --shard, check writes a shard file; the reports and the gates \(--json\) are polarity-lens merge's/,
    );
  });

  it('bad rows and a file readable only in part: the merged report is the single run’s, and both exit 2 after writing it', () => {
    const rows = readLabelledCsv(SST2).slice(0, 8);
    const lines = [stringify([['text', 'label']]), ...rows.map((r) => stringify([[r.text, r.label]]))];
    lines.splice(3, 0, ',1\n', 'one,two,three\n');
    const broken = out('broken.csv');
    writeFileSync(broken, `${lines.join('')}"never closed,1\nlost,0\n`);
    const args = ['check', broken, '--model', 'sst2-cnn-dot', '--explainers', 'raw-attention,occlusion', '--quiet'];
    const single = runCli([...args, '--cache-dir', out('broken/cache'), '--json', out('broken.json')]);
    assert.equal(single.status, 2, single.stderr);
    const files = [1, 2].map((k) => {
      const r = runCli([
        ...args,
        '--cache-dir',
        out(`broken/cache-${k}`),
        '--shard',
        `${k}/2`,
        '--shard-file',
        out('broken/'),
      ]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        /could not be read past line 12 .*; the shard covers the rows before it, as every shard does/,
      );
      return out(`broken/broken.polarity-lens.shard-${k}-of-2.jsonl`);
    });
    const merged = runCli(['merge', ...files, '--json', out('broken-merged.json')]);
    assert.equal(merged.status, 2, merged.stderr);
    assert.match(merged.stderr, /could not be read past line 12 .*; the report covers the rows before it/);
    const one = readJson(out('broken.json'));
    assert.deepEqual([one.complete, one.samples, one.dataset.badRowCount], [false, 8, 3]);
    assert.deepEqual(withoutClocks(readJson(out('broken-merged.json'))), withoutClocks(one));
  });

  it('an interrupted shard writes nothing, and run again it resumes from its cache', async () => {
    const args = [
      'check',
      SST2,
      '--model',
      'sst2-cnn-dot',
      '--explainers',
      'lime',
      '--samples',
      '2000',
      '--limit',
      '24',
      '--shard',
      '2/4',
      '--cache-dir',
      out('slow/cache'),
      '--shard-file',
      out('slow/shard.jsonl'),
    ];
    mkdirSync(out('slow'));
    const { code, stderr } = await interruptCli(args, /explained [2-5]\/6 /);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted: stopping; the finished samples stay in the cache/);
    assert.match(stderr, /shard 2\/4 not written; run the same command again to resume/);
    assert.ok(!existsSync(out('slow/shard.jsonl')));
    const again = runCli([...args, '--quiet']);
    assert.equal(again.status, 0, again.stderr);
    const resumed = Number(/\((\d+) from cache\)/.exec(again.stdout)?.[1]);
    assert.ok(resumed >= 2 && resumed < 6, again.stdout);
    const h = header(out('slow/shard.jsonl'));
    assert.deepEqual([h.rows, h.resumed, h.complete], [6, resumed, true]);
  });
});
