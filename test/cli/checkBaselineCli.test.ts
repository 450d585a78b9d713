/**
 * `check --baseline` end to end on shipped models: the CNN's report is the baseline, the transformer the "retrained"
 * model; the comparison printed, kept in every report file and recounted from the two reports' records; the
 * --max-regression gate's exit codes; and every bad baseline refused with exit 2 before anything is explained.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DatasetReport, SampleExplainer } from '../../src/core/datasetRun/datasetReport';
import type { ErasureOperatorName } from '../../src/core/erasure/erasureOperator';
import { assertDeepClose } from '../helpers/closeTo';
import { DATA } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-check-baseline-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const out = (name: string) => join(tmp, name);
const SST2 = join(DATA, 'sst2', 'test.csv');
const EXPLAINERS = ['raw-attention', 'attention-x-gradient', 'occlusion'];
const common = ['--explainers', EXPLAINERS.join(','), '--limit', '20', '--cache-dir', out('cache')];
/** A run; its progress lines (outside a terminal, one per 10% at least) show whether anything was explained. */
const check = (model: string, ...args: string[]) => runCli(['check', SST2, '--model', model, ...common, ...args]);
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as DatasetReport;

/** Per sample, an explainer's violation share over `ops` where both sides judged it outside †; undefined: none. */
function shares(a: SampleExplainer, b: SampleExplainer, ops: ErasureOperatorName[]): [number, number] | undefined {
  const fair = ops.filter((op) =>
    [a, b].every((e) => !e.error && e.verdicts[op] !== undefined && e.byConstruction?.[op] === undefined),
  );
  if (fair.length === 0) return undefined;
  const share = (e: SampleExplainer) => fair.filter((op) => e.verdicts[op]!.violates).length / fair.length;
  return [share(a), share(b)];
}

describe('polarity-lens check --baseline', () => {
  it('prints and keeps the comparison with the baseline report, recounted here from both reports’ records', () => {
    const baseline = check('sst2-cnn-dot', '--json', out('cnn.json'));
    assert.equal(baseline.status, 0, baseline.stderr);
    const r = check(
      'sst2-transformer',
      '--baseline',
      out('cnn.json'),
      '--json',
      out('tr.json'),
      '--markdown',
      out('tr.md'),
      '--junit',
      out('tr.xml'),
      '--html',
      out('tr.html'),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /## Compared with the baseline: sst2-cnn-dot → sst2-transformer/);
    assert.match(r.stdout, /Rows paired by index and text: 20 shared, 0 only in the baseline, 0 only in this run\./);
    assert.match(
      r.stdout,
      /\| Raw attention \| 20 \| \d\.\d{3} → \d\.\d{3}: [+\-±]\d\.\d{3} \[[+\-±]\d\.\d{3}, [+\-±]\d\.\d{3}\]/,
    );
    const old = read(out('cnn.json'));
    const report = read(out('tr.json'));
    const c = report.comparison!;
    assert.deepEqual(c.baseline.model, { name: 'sst2-cnn-dot', sha256: old.model.sha256 });
    assert.deepEqual(c.current.model, { name: 'sst2-transformer', sha256: report.model.sha256 });
    assert.notEqual(old.model.sha256, report.model.sha256);
    assert.deepEqual(c.rows, { shared: 20, onlyBaseline: 0, onlyCurrent: 0, changedText: 0 });
    assert.equal(old.comparison, undefined, 'a run without --baseline has no comparison');
    // Recounted: per explainer and operator, both sides' ratios and the mean paired change.
    const ops = report.settings.operators;
    for (const id of EXPLAINERS) {
      const e = c.explainers.find((x) => x.id === id)!;
      for (const column of [undefined, ...ops]) {
        const pairs = report.records.flatMap((now, i) => {
          const then = old.records[i];
          assert.equal(then.text, now.text);
          const s = shares(now.explainers[id], then.explainers[id], column ? [column] : ops);
          return s ? [s] : [];
        });
        const ratio = column ? e.operators[column]! : e.mean;
        const mean = (f: (s: [number, number]) => number) =>
          pairs.length ? pairs.reduce((a, s) => a + f(s), 0) / pairs.length : null;
        assert.equal(ratio.change.n, pairs.length, `${id} ${column}`);
        assertDeepClose(
          [ratio.current.mean, ratio.baseline.mean, ratio.change.mean],
          [mean(([now]) => now), mean(([, then]) => then), mean(([now, then]) => now - then)],
          1e-9,
        );
        if (column && pairs.length)
          assert.deepEqual(
            [ratio.mcnemar!.onlyCurrent, ratio.mcnemar!.onlyBaseline],
            [pairs.filter(([a, b]) => a > b).length, pairs.filter(([a, b]) => b > a).length],
          );
      }
    }
    assert.equal(c.explainers.find((x) => x.id === 'occlusion')!.operators.delete!.change.n, 0, 'delete is † for it');
    // Every file keeps it: the Markdown is the summary printed, JUnit has a case per explainer's change, the page has it.
    assert.equal(readFileSync(out('tr.md'), 'utf8').trim(), r.stdout.trim());
    const xml = readFileSync(out('tr.xml'), 'utf8');
    assert.match(xml, /tests="6" failures="0"/);
    assert.equal((xml.match(/classname="polarity-lens.regression"/g) ?? []).length, 3);
    assert.match(readFileSync(out('tr.html'), 'utf8'), /"comparison":\{"baseline":\{"file":/);
  });

  it('--max-regression exits 1 when the rise is beyond noise above DELTA, 0 when it is not', () => {
    const c = read(out('tr.json')).comparison!;
    const attGrad = c.explainers.find((x) => x.id === 'attention-x-gradient')!.mean.change;
    assert.ok(attGrad.lo! > 0, 'AttGrad violates more on the transformer than on the CNN on these rows, beyond noise');
    const r = check(
      'sst2-transformer',
      '--baseline',
      out('cnn.json'),
      '--max-regression',
      'attention-x-gradient=0',
      '--junit',
      out('fail.xml'),
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /FAIL attention-x-gradient vs baseline: violation ratio .* rose by more than 0 \(lower bound \+/,
    );
    assert.match(readFileSync(out('fail.xml'), 'utf8'), /tests="4" failures="1"[\s\S]*type="ViolationRegression"/);
    // A DELTA under the point estimate but above the interval's lower end: not a failure (noise cannot fail a build).
    const between = Math.ceil(((attGrad.lo! + attGrad.mean!) / 2) * 1000) / 1000;
    assert.ok(between > attGrad.lo! && between < attGrad.mean!);
    const noisy = check(
      'sst2-transformer',
      '--baseline',
      out('cnn.json'),
      '--max-regression',
      `attention-x-gradient=${between}`,
    );
    assert.equal(noisy.status, 0, noisy.stderr);
    assert.match(noisy.stdout, /PASS attention-x-gradient vs baseline: .* not shown to rise by more than/);
    // The other way round the change is a fall: the gate at 0 passes.
    const back = check('sst2-cnn-dot', '--baseline', out('tr.json'), '--max-regression', 'attention-x-gradient=0');
    assert.equal(back.status, 0, back.stderr);
    assert.match(back.stdout, /## Compared with the baseline: sst2-transformer → sst2-cnn-dot/);
  });

  it('refuses (exit 2, nothing explained) a file that is not a report, another schema, another dataset or other settings', () => {
    const ok = readFileSync(out('cnn.json'), 'utf8');
    const other = JSON.parse(ok) as DatasetReport;
    for (const record of other.records) record.text = `${record.text} (edited)`;
    const files = {
      text: 'this is not JSON',
      v3: ok.replace('"polarity-lens/dataset-report@2"', '"polarity-lens/dataset-report@3"'),
      odd: JSON.stringify({ schema: 'polarity-lens/dataset-report@2', records: [{ row: 0 }] }),
      other: JSON.stringify(other),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(out(`${name}.json`), content);
    const cases: [string[], RegExp][] = [
      [['--baseline', out('text.json')], /--baseline .*text\.json is not JSON \(/],
      [['--baseline', out('v3.json')], /is a report of schema polarity-lens\/dataset-report@3; this version/],
      [
        ['--baseline', out('odd.json')],
        /odd\.json is not a dataset report this version can read: record 1 \(row 0\) has no text/,
      ],
      [
        ['--baseline', out('other.json')],
        /no selected row of .*test\.csv is in the baseline .*other\.json with the same index and text/,
      ],
      [['--baseline', out('missing.json')], /missing\.json cannot be read/],
      [
        ['--max-regression', 'raw-attention=0.1'],
        /--max-regression compares with a baseline report: give it with --baseline/,
      ],
      [['--baseline', out('cnn.json'), '--max-regression', 'raw-attention'], /expected EXPLAINER=DELTA/],
      [['--baseline', out('cnn.json'), '--granularity', 'token'], /explained per word and this run per token/],
      [
        ['--baseline', out('cnn.json'), '--operator', 'zero-embedding', '--max-regression', 'occlusion=0'],
        /--max-regression occlusion: it cannot be compared with the baseline .*: it reads --operator, which differs \(baseline delete, this run zero-embedding\)/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = check('sst2-cnn-dot', ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /^explained \d+/m, 'refused before explaining');
      assert.equal(r.stdout, '');
    }
  });
});
