/**
 * `polarity-lens report`: a saved report rendered without the model or the dataset. `check` runs once on a .txt file
 * (one text per line) and writes every file; `report` on its JSON must write the same files, byte for byte.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { DATA } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-report-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const out = (name: string) => join(tmp, name);
const texts = readLabelledCsv(join(DATA, 'sst2', 'test.csv'))
  .slice(0, 12)
  .map((r) => r.text);
const dataset = out('reviews.txt');
// A blank line after every third text: skipped, and rows keep their line numbers.
writeFileSync(dataset, texts.map((t, i) => (i % 3 === 2 ? `${t}\n` : t)).join('\n') + '\n');
const FILES = { html: 'html', markdown: 'md', csv: 'csv', junit: 'xml' } as const;
const flags = (prefix: string) =>
  Object.entries(FILES).flatMap(([flag, ext]) => [`--${flag}`, out(`${prefix}.${ext}`)]);

let report: DatasetReport;
let ratio: number;
before(() => {
  const r = runCli([
    'check',
    dataset,
    '--model',
    'sst2-cnn-dot',
    '--explainers',
    'raw-attention,occlusion',
    '--no-cache',
    '--quiet',
    '--max-violation',
    'raw-attention=1',
    '--json',
    out('check.json'),
    ...flags('check'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  report = JSON.parse(readFileSync(out('check.json'), 'utf8')) as DatasetReport;
  ratio = report.explainers.find((e) => e.id === 'raw-attention')!.violationMean.mean!;
});

describe('check on a .txt dataset', () => {
  it('explains each text line, numbered by its line, and says accuracy is not measured (no labels)', () => {
    assert.equal(report.samples, texts.length);
    assert.equal(report.dataset.format, 'txt');
    assert.deepEqual(report.dataset.columns, { text: 'text', label: null });
    const lines = readFileSync(dataset, 'utf8').split('\n');
    for (const r of report.records) {
      assert.equal(lines[r.line - 1], r.text);
      assert.equal(r.row, r.line - 1);
    }
    assert.equal(report.accuracy, null);
    assert.match(
      readFileSync(out('check.md'), 'utf8'),
      /Accuracy not measured: a text file \(one text per line\) has no labels/,
    );
    const labelled = runCli(['check', dataset, '--model', 'sst2-cnn-dot', '--label-column', 'label']);
    assert.equal(labelled.status, 2);
    assert.match(labelled.stderr, /has no column "label"; its columns are: text/);
  });
});

describe('polarity-lens report', () => {
  it('writes the HTML, Markdown, CSV and JUnit files check wrote for the run, identical, and prints the summary', () => {
    const r = runCli(['report', out('check.json'), '--max-violation', 'raw-attention=1', ...flags('again')]);
    assert.equal(r.status, 0, r.stderr);
    // The same bytes but for the HTML's CSP nonces, new on every render.
    const read = (file: string) => readFileSync(out(file), 'utf8').replace(/nonce(-|=")[A-Za-z0-9+/=]+/g, 'nonce');
    for (const ext of Object.values(FILES)) assert.equal(read(`again.${ext}`), read(`check.${ext}`), ext);
    assert.match(read('again.html'), /reviews\.txt/);
    assert.equal(r.stdout.split('\nPASS')[0].trim(), readFileSync(out('check.md'), 'utf8').trim());
    assert.match(r.stdout, /PASS raw-attention: mean violation ratio/);
  });

  it('writes one report to stdout with -, the summary then on stderr', () => {
    const r = runCli(['report', out('check.json'), '--markdown', '-']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(out('check.md'), 'utf8'));
    assert.match(r.stderr, /^# Polarity Lens violation test: reviews\.txt/);
  });

  it('judges thresholds again: exit 1 when one is broken, with JUnit saying which', () => {
    assert.ok(ratio > 0, 'raw attention violates on some of these texts');
    const r = runCli([
      'report',
      out('check.json'),
      '--max-violation',
      `raw-attention=${(ratio - 0.001).toFixed(4)}`,
      '--junit',
      out('fail.xml'),
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /FAIL raw-attention: mean violation ratio/);
    assert.match(readFileSync(out('fail.xml'), 'utf8'), /tests="1" failures="1"/);
  });

  it('exits 2 with the reason for input it cannot use, and 0 with the help for -h', () => {
    writeFileSync(out('broken.json'), '{"schema": "polarity-lens/data');
    writeFileSync(out('newer.json'), JSON.stringify({ ...report, schema: 'polarity-lens/dataset-report@9' }));
    writeFileSync(out('partial.json'), JSON.stringify({ ...report, complete: false }));
    const cases: [string[], RegExp][] = [
      [['report'], /expected one report file \(\.json\); got 0/],
      [['report', out('missing.json')], /cannot read .*missing\.json/],
      [['report', out('broken.json')], /broken\.json is not valid JSON/],
      [['report', dataset], /reviews\.txt is not valid JSON/],
      [['report', out('newer.json')], /written by a newer Polarity Lens .*: update Polarity Lens/],
      [
        ['report', out('check.json'), '--html', out('check.json')],
        /is the report read; write the report somewhere else/,
      ],
      [['report', out('check.json'), '--html', '-', '--csv', '-'], /only one report can go to stdout/],
      [['report', out('check.json'), '--json', out('x.json')], /Unknown option '--json'/],
      [['report', out('check.json'), '--max-violation', 'lime=0.5'], /"lime" is not among the explainers that run/],
      [['report', out('partial.json'), '--max-violation', 'raw-attention=1'], /is a partial report .*not judged/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    const help = runCli(['report', '-h']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^polarity-lens report <report\.json> \[--html F\]/);
  });
});
