import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { DATA, FIXTURES } from '../helpers/paths';
import { interruptCli, runCli } from '../helpers/runCli';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-check-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const out = (name: string) => join(tmp, name);
const base = [
  '--model',
  'sst2-cnn-dot',
  '--explainers',
  'raw-attention,attention-x-gradient,occlusion',
  '--cache-dir',
  out('cache'),
];
const SST2 = join(DATA, 'sst2', 'test.csv');

describe('polarity-lens check', () => {
  let ratio = 0;

  it('prints the summary to stdout and progress to stderr, writes every report file, and exits 0 within the thresholds', () => {
    const r = runCli([
      'check',
      SST2,
      ...base,
      '--limit',
      '25',
      '--max-violation',
      'raw-attention=1',
      '--workers',
      'auto',
      '--json',
      out('r.json'),
      '--junit',
      out('r.xml'),
      '--csv',
      out('r.csv'),
      '--html',
      out('r.html'),
      '--markdown',
      out('r.md'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\| Raw attention \| .*\[/);
    assert.match(r.stdout, /PASS raw-attention: mean violation ratio/);
    assert.match(r.stderr, /explained 25\/25 rows/);
    const report = JSON.parse(readFileSync(out('r.json'), 'utf8')) as DatasetReport;
    assert.equal(report.samples, 25);
    assert.equal(report.records.length, 25);
    assert.deepEqual(report.dataset.selection, { mode: 'first', n: 25 });
    ratio = report.explainers.find((e) => e.id === 'raw-attention')!.violationMean.mean!;
    // Occlusion's weights are the delete Δs: that column is marked † and the held-out mean leaves it out.
    const occlusion = report.explainers.find((e) => e.id === 'occlusion')!;
    assert.match(occlusion.byConstruction!.delete!, /exact: its weights are the Δs of erasures under delete/);
    assert.equal(occlusion.violation.delete!.k, 0, 'so it never violates there');
    const heldOut = report.records.map(
      (x) =>
        (['zero-embedding', 'attention-mask'] as const).filter((op) => x.explainers.occlusion.verdicts[op]!.violates)
          .length / 2,
    );
    assert.ok(Math.abs(occlusion.heldOutMean!.mean! - heldOut.reduce((s, v) => s + v, 0) / heldOut.length) < 1e-12);
    assert.equal(report.explainers.find((e) => e.id === 'raw-attention')!.byConstruction, undefined);
    assert.match(r.stdout, /- † Leave-one-out occlusion under delete: exact: its weights are the Δs/);
    // Paired differences, recounted from the records: every pair, A − B per sample, McNemar's discordant verdicts.
    assert.equal(report.pairs!.length, 3);
    assert.match(r.stdout, /<details><summary>Paired differences: 3 pairs of explainers/);
    // Over the operators marked † for neither (occlusion's delete is left out of its pairs).
    const marked = (id: string) => Object.keys(report.explainers.find((e) => e.id === id)!.byConstruction ?? {});
    for (const pair of report.pairs!) {
      const ops = report.settings.operators.filter(
        (op) => !marked(pair.a).includes(op) && !marked(pair.b).includes(op),
      );
      const share = (x: (typeof report.records)[number], id: string) =>
        ops.filter((op) => x.explainers[id].verdicts[op]!.violates).length / ops.length;
      const d = report.records.map((x) => share(x, pair.a) - share(x, pair.b));
      assert.ok(Math.abs(pair.difference.mean! - d.reduce((s, v) => s + v, 0) / d.length) < 1e-12, pair.a + pair.b);
      const onlyA = report.records.filter(
        (x) =>
          x.explainers[pair.a].verdicts['attention-mask']!.violates &&
          !x.explainers[pair.b].verdicts['attention-mask']!.violates,
      ).length;
      assert.equal(pair.mcnemar['attention-mask']!.onlyA, onlyA);
      assert.equal(pair.mcnemar.delete === undefined, ops.length < 3, 'no McNemar under a † operator');
    }
    assert.equal(parse<unknown>(readFileSync(out('r.csv')), { columns: true }).length, 25);
    assert.match(readFileSync(out('r.xml'), 'utf8'), /<testsuites name="polarity-lens check" tests="1" failures="0">/);
    assert.equal(readFileSync(out('r.md'), 'utf8').trim(), r.stdout.split('\nPASS')[0].trim());
    const html = readFileSync(out('r.html'), 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']?https?:/, 'nothing is fetched');
    assert.ok(html.includes(report.records[0].text.slice(0, 20)), 'the report data is inside the page');
  });

  it('exits 1 when a threshold is broken (and says which), resuming every sample from the cache', () => {
    assert.ok(ratio > 0, 'raw attention violates on some of these rows');
    const r = runCli([
      'check',
      SST2,
      ...base,
      '--limit',
      '25',
      '--max-violation',
      `raw-attention=${(ratio - 0.001).toFixed(4)}`,
      '--max-violation',
      'occlusion=1',
      '--junit',
      out('fail.xml'),
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /FAIL raw-attention: mean violation ratio/);
    assert.match(r.stdout, /PASS occlusion/);
    assert.match(r.stderr, /25\/25 rows \(25 from cache\)/);
    assert.match(readFileSync(out('fail.xml'), 'utf8'), /tests="2" failures="1"/);
  });

  it('exits 2 with a message for bad input', () => {
    const cases: [string[], RegExp][] = [
      [['check', SST2, ...base, '--max-violation', 'raw-attention'], /expected EXPLAINER=RATIO/],
      [['check', SST2, '--explainers', 'astrology'], /unknown astrology/],
      [['check', out('missing.csv'), ...base], /missing\.csv/],
      [['check', SST2, ...base, '--sample', 'random'], /needs --limit/],
      [['check', SST2, ...base, '--text-column', 'review'], /no column "review"; its columns are: text, label/],
      [['check', SST2, '--model', out('no-model')], /no-model/],
      [['check', SST2, ...base, '--max-violations', 'x=1'], /Unknown option '--max-violations'/],
      [['check', SST2, ...base, '--max-violation', 'lime=0.5'], /"lime" is not among the explainers that run/],
      [
        ['check', SST2, ...base, '--json', out('missing-folder/r.json')],
        /the folder of .*missing-folder\/r\.json does not exist/,
      ],
      [['check', SST2, ...base, '--csv', SST2], /is the dataset itself/],
      [['check', SST2, ...base, '--workers', 'many'], /--workers must be auto or a whole number/],
      [['check', SST2, ...base, '--workers', '0'], /--workers must be auto or a whole number from 1 to 64/],
      [['check', SST2, ...base, '--measure', 'verdicts,tokens'], /--measure: unknown tokens; known: all, verdicts/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('--measure: the run computes what it names, the JSON says what it measured, the summary what it did not', () => {
    const r = runCli(['check', SST2, ...base, '--limit', '8', '--measure', 'metrics', '--json', out('measured.json')]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(out('measured.json'), 'utf8')) as DatasetReport;
    assert.deepEqual(report.settings.measure, ['verdicts', 'metrics']);
    assert.ok(report.metrics.length > 0 && report.explainers.every((e) => Object.keys(e.metrics).length > 0));
    assert.deepEqual(report.random.perSeed, []);
    assert.ok(report.explainers.every((e) => e.polarity === undefined && e.tokenLevelRate.mean === null));
    assert.match(
      r.stdout,
      /Not computed in this run \(it measured verdicts, metrics\): token-level rates and polarity counts; the Random floor\./,
    );
    assert.match(r.stdout, /Other metrics under delete/);
    const help = runCli(['check', '--help']).stdout;
    for (const id of ['verdicts', 'token-level', 'metrics', 'random-floor'])
      assert.match(help, new RegExp(`^ +${id}: `, 'm'), id);
    assert.match(help, /--measure +what to compute per sample, comma-separated \(default verdicts,random-floor/);
  });

  it('asks for --text-column when two columns could be the text, and reads unlabelled JSONL', () => {
    const rows = readLabelledCsv(SST2).slice(0, 6);
    const twoTexts = out('two.csv');
    writeFileSync(twoTexts, stringify([['first', 'second'], ...rows.map((r) => [r.text, `${r.text} indeed`])]));
    const ambiguous = runCli(['check', twoTexts, ...base]);
    assert.equal(ambiguous.status, 2);
    assert.match(ambiguous.stderr, /--text-column/);
    const chosen = runCli([
      'check',
      twoTexts,
      ...base,
      '--text-column',
      'second',
      '--label-column',
      'none',
      '--json',
      out('two.json'),
    ]);
    assert.equal(chosen.status, 0, chosen.stderr);
    const report = JSON.parse(readFileSync(out('two.json'), 'utf8')) as DatasetReport;
    assert.equal(report.records[0].text, `${rows[0].text} indeed`);
    assert.equal(report.accuracy, null);

    const jsonl = out('reviews.jsonl');
    writeFileSync(jsonl, rows.map((r) => JSON.stringify({ text: r.text })).join('\n') + '\n{not json\n');
    const r = runCli(['check', jsonl, ...base, '--json', out('jsonl.json')]);
    assert.equal(r.status, 0, r.stderr);
    const fromJsonl = JSON.parse(readFileSync(out('jsonl.json'), 'utf8')) as DatasetReport;
    assert.equal(fromJsonl.samples, 6);
    assert.deepEqual(
      fromJsonl.dataset.badRows.map((b) => b.line),
      [7],
    );
  });

  it('a JSONL record nested tens of thousands deep or with a text that is not a string is a bad row; the run goes on', () => {
    const rows = readLabelledCsv(SST2).slice(0, 3);
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const hostile = out('hostile.jsonl');
    writeFileSync(
      hostile,
      [
        JSON.stringify({ text: rows[0].text, label: rows[0].label }),
        `{"text": ${deep}, "label": "positive"}`,
        `{"text": "deeply nested extra", "label": "positive", "meta": ${deep}}`,
        '{"__proto__": {"text": "polluted"}, "text": {"a": 1}, "label": "negative"}',
        JSON.stringify({ text: rows[1].text, label: rows[1].label }),
        JSON.stringify({ constructor: { prototype: { polluted: 1 } }, text: rows[2].text, label: rows[2].label }),
      ].join('\n'),
    );
    const r = runCli(['check', hostile, ...base, '--json', out('hostile.json')]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(out('hostile.json'), 'utf8')) as DatasetReport;
    assert.deepEqual(
      report.records.map((s) => s.line),
      [1, 3, 5, 6],
    );
    assert.deepEqual(report.dataset.badRows, [
      { line: 2, reason: 'the text is an object, not a string' },
      { line: 4, reason: 'the text is an object, not a string' },
    ]);
    assert.match(r.stderr, /2 bad rows/);
  });

  it("a regression model's report names its score, not a probability, and records the head", () => {
    const r = runCli([
      'check',
      SST2,
      '--model',
      join(FIXTURES, 'zoo', 'bert-regression'),
      '--limit',
      '3',
      '--explainers',
      'occlusion',
      '--json',
      out('regression.json'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /gradients of the logit z\(ŷ\)/);
    assert.match(r.stdout, /the real change in s\(x\) \(regression score \(the model output\)\) when it is erased/);
    const report = JSON.parse(readFileSync(out('regression.json'), 'utf8')) as DatasetReport;
    assert.deepEqual(report.model.head, {
      kind: 'regression',
      quantity: 'regression score (the model output)',
      isProbability: false,
    });
  });

  it('reports per predicted class and gold label with a confusion matrix; --target explains one class for every sample', () => {
    const TREC = join(DATA, 'trec', 'test.csv');
    const args = ['check', TREC, '--model', 'trec-transformer', '--explainers', 'occlusion', '--limit', '12'];
    const r = runCli([...args, '--cache-dir', out('cache'), '--json', out('trec.json')]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(out('trec.json'), 'utf8')) as DatasetReport;
    const labels = report.model.labels;
    const classes = report.classes!;
    assert.equal(classes.target, null);
    // The confusion matrix and the groups are recounted from the records.
    const confusion = labels.map(() => labels.map(() => 0));
    for (const rec of report.records) confusion[rec.labelIndex!][rec.predicted!]++;
    assert.deepEqual(classes.confusion, confusion);
    for (const row of classes.byPredicted) {
      const mine = report.records.filter((rec) => rec.predicted === row.index);
      assert.equal(row.samples, mine.length, row.label);
      assert.equal(row.accuracy!.k, mine.filter((rec) => rec.correct).length);
      const mean = mine.reduce((a, rec) => a + rec.explainers.occlusion.violationMean!, 0) / mine.length;
      assert.ok(Math.abs(row.violation.occlusion!.mean! - mean) < 1e-12);
    }
    assert.equal(
      classes.byGold.reduce((a, g) => a + g.samples, 0),
      12,
    );
    assert.match(r.stdout, /## By class/);
    assert.match(r.stdout, /Confusion matrix \(rows: gold label, columns: predicted class ŷ\)/);

    // --target: every Δ is about p(target); ŷ, accuracy and the confusion matrix are the same.
    const target = labels.indexOf('numeric');
    const t = runCli([
      ...args,
      '--no-cache',
      '--target',
      'numeric',
      '--json',
      out('trec-t.json'),
      '--csv',
      out('trec-t.csv'),
    ]);
    assert.equal(t.status, 0, t.stderr);
    const asked = JSON.parse(readFileSync(out('trec-t.json'), 'utf8')) as DatasetReport;
    assert.equal(asked.settings.target, target);
    assert.equal(asked.classes!.target, target);
    assert.deepEqual(asked.classes!.confusion, classes.confusion);
    assert.deepEqual(asked.accuracy, report.accuracy);
    assert.ok(asked.records.every((rec) => rec.prediction.index === target && rec.prediction.label === 'numeric'));
    assert.deepEqual(
      asked.records.map((rec) => rec.predicted),
      report.records.map((rec) => rec.predicted),
    );
    assert.match(t.stdout, /Every sample is explained for the class \*\*numeric\*\*/);
    assert.match(t.stdout, /the real change in p\(numeric\)/);
    const csv = parse<Record<string, string>>(readFileSync(out('trec-t.csv')), { columns: true });
    assert.deepEqual(
      csv.map((c) => [c.prediction, c.explained_class]),
      report.records.map((rec) => [labels[rec.predicted!], 'numeric']),
    );
    const bad = runCli([...args, '--target', 'NOPE']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /No class "NOPE" in this model; its classes are 0 /);
  });

  it('--layer all: the violation mean by layer for every layer-reading explainer, in the JSON and the summary', () => {
    const r = runCli([
      'check',
      SST2,
      '--model',
      'sst2-transformer',
      '--explainers',
      'raw-attention,attention-x-gradient,occlusion',
      '--limit',
      '6',
      '--layer',
      'all',
      '--no-cache',
      '--json',
      out('depth.json'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(out('depth.json'), 'utf8')) as DatasetReport;
    const depth = report.depth!;
    assert.equal(depth.layers, 4);
    assert.deepEqual(
      depth.explainers.map((e) => e.id),
      ['raw-attention', 'attention-x-gradient'],
    );
    for (const e of depth.explainers)
      e.byLayer.forEach((m, l) => {
        const values = report.records.map((x) => x.depth![e.id][l]!);
        assert.equal(m.n, 6);
        assert.ok(Math.abs(m.mean! - values.reduce((a, b) => a + b, 0) / 6) < 1e-12, `${e.id} layer ${l}`);
      });
    // The last layer is what the explainer reads by default.
    const raw = report.explainers.find((e) => e.id === 'raw-attention')!;
    assert.ok(Math.abs(depth.explainers[0].byLayer[3].mean! - raw.violationMean.mean!) < 1e-12);
    assert.match(r.stdout, /Violation by layer \(`--layer all`\)/);
    assert.match(r.stdout, /\| Raw attention \| [^|]+ \| [^|]+ \| [^|]+ \| [^|]+ \|/);
  });

  it('a multi-label model is tested on every label of every row: the summary, the CSV and the JSON say so', () => {
    const file = out('emotions.jsonl');
    writeFileSync(
      file,
      [
        { text: 'what a bright and happy morning', labels: ['joy'] },
        { text: 'i am furious and a little scared', labels: ['anger', 'fear'] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const r = runCli([
      'check',
      file,
      '--model',
      join(FIXTURES, 'zoo', 'bert-multilabel'),
      '--text-column',
      'text',
      '--label-column',
      'labels',
      '--explainers',
      'occlusion,raw-attention',
      '--cache-dir',
      out('cache'),
      '--json',
      out('multi.json'),
      '--csv',
      out('multi.csv'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /6 samples \(2 rows × 3 labels\)/);
    assert.match(r.stdout, /Per-label accuracy \(σ\(z\) ≥ ½ agrees with the row’s gold labels\) on 6 label judgements/);
    assert.match(r.stdout, /intervals count each row’s labels together/);
    const csv = parse<Record<string, string>>(readFileSync(out('multi.csv')), { columns: true });
    assert.deepEqual(
      csv.map((c) => [c.row, c.label_tested, c.label]),
      [
        ['0', 'joy', 'joy'],
        ['0', 'anger', 'joy'],
        ['0', 'fear', 'joy'],
        ['1', 'joy', 'anger;fear'],
        ['1', 'anger', 'anger;fear'],
        ['1', 'fear', 'anger;fear'],
      ],
    );
    const report = JSON.parse(readFileSync(out('multi.json'), 'utf8')) as DatasetReport;
    assert.deepEqual([report.samples, report.rowsExplained, report.records.length], [6, 2, 6]);
  });

  it('a file that cannot be read to its end fails the gate (exit 2) after writing the report of the rows before it', () => {
    const rows = readLabelledCsv(SST2).slice(0, 4);
    const broken = out('broken.csv');
    writeFileSync(
      broken,
      stringify([['text', 'label'], ...rows.map((r) => [r.text, r.label])]) + '"never closed,1\nlost,0\n',
    );
    const r = runCli([
      'check',
      broken,
      ...base,
      '--max-violation',
      'occlusion=1',
      '--json',
      out('broken.json'),
      '--junit',
      out('broken.xml'),
    ]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /could not be read past line 6/);
    const report = JSON.parse(readFileSync(out('broken.json'), 'utf8')) as DatasetReport;
    assert.equal(report.complete, false);
    assert.equal(report.samples, 4);
    // Without thresholds, JUnit lists each explainer; one that never ran is skipped, not failed.
    const info = runCli([
      'check',
      SST2,
      '--model',
      'sst2-cnn-dot',
      '--explainers',
      'raw-attention,rollout',
      '--limit',
      '3',
      '--cache-dir',
      out('cache'),
      '--junit',
      out('info.xml'),
    ]);
    assert.equal(info.status, 0, info.stderr);
    const xml = readFileSync(out('info.xml'), 'utf8');
    assert.match(xml, /tests="2" failures="0"/);
    assert.match(xml, /<skipped message="rollout did not run/);
  });

  it('Ctrl+C stops the run, writes the report of the finished samples, and exits 130', async () => {
    const { code, stderr } = await interruptCli(
      [
        'check',
        SST2,
        '--model',
        'sst2-cnn-dot',
        '--explainers',
        'lime',
        '--samples',
        '3000',
        '--limit',
        '50',
        '--no-cache',
        '--json',
        out('interrupted.json'),
      ],
      /explained [2-9]\//,
    );
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted: finishing the report/);
    const report = JSON.parse(readFileSync(out('interrupted.json'), 'utf8')) as DatasetReport;
    assert.equal(report.complete, false);
    assert.ok(report.samples >= 2 && report.samples < 50, `${report.samples} samples`);
    assert.equal(report.records.length, report.samples);
  });
});
