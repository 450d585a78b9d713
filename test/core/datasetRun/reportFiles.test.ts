import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DatasetReport, SampleRecord } from '../../../src/core/datasetRun/datasetReport';
import {
  defaultReportPath,
  freePath,
  jsonReport,
  markdownSummary,
  samplesCsv,
} from '../../../src/core/datasetRun/reportFiles';
import { writeChunksAtomically } from '../../../src/core/files/writeAtomically';
import { runDataset, type DatasetRun } from '../../../src/core/datasetRun/runDataset';
import { checkThresholds, junitXml, parseThreshold } from '../../../src/core/datasetRun/thresholds';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-files-'));
const dataset = join(tmp, 'hostile.csv');
const TEXTS = [
  'a dull , lifeless film',
  'a "quoted", sharp and funny script\nacross two lines',
  '<img src=x onerror=alert(1)> | pipes | and awful',
  'warm , generous and wise',
];
writeFileSync(dataset, stringify([['text', 'label'], ...TEXTS.map((t, i) => [t, i % 2 ? 'positive' : 'negative'])]));
const EXPLAINERS = ['raw-attention', 'occlusion'];

let model: TextClassifier;
let run: DatasetRun;
before(async () => {
  model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
  run = await runDataset(model, {
    path: dataset,
    columns: { text: 'text', label: 'label' },
    selection: { mode: 'all' },
    explain: { explainers: EXPLAINERS },
    cacheDir: join(tmp, 'cache'),
  });
});
after(async () => {
  run.close();
  await model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const collect = async (chunks: AsyncIterable<string>) => {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
};

describe('report files', () => {
  it('the JSON report is the summary plus every record, and parses', async () => {
    const json = JSON.parse(await collect(jsonReport(run))) as DatasetReport;
    assert.equal(json.schema, 'polarity-lens/dataset-report@2');
    assert.deepEqual(json.explainers, JSON.parse(JSON.stringify(run.report.explainers)));
    assert.deepEqual(
      json.records.map((r) => r.text),
      TEXTS,
    );
    assert.deepEqual(
      json.records.map((r) => r.line),
      [2, 3, 5, 6],
    );
    for (const r of json.records) assert.deepEqual(Object.keys(r.explainers).sort(), [...EXPLAINERS].sort());
  });

  it('the per-sample CSV round-trips through a CSV parser: multi-line and quoted text intact, one column set per explainer', async () => {
    const rows = parse<Record<string, string>>(await collect(samplesCsv(run)), { columns: true });
    assert.deepEqual(
      rows.map((r) => r.text),
      TEXTS,
    );
    const records: SampleRecord[] = [];
    for await (const r of run.records()) records.push(r);
    rows.forEach((row, i) => {
      assert.equal(row.prediction, records[i].prediction.label);
      for (const id of EXPLAINERS) {
        assert.equal(row[`${id}:top_unit`], records[i].explainers[id].topText);
        assert.equal(row[`${id}:violates_delete`], records[i].explainers[id].verdicts.delete!.violates ? '1' : '0');
      }
    });
  });

  it('the Markdown summary has one table row per explainer with its ratios, and escapes pipes', () => {
    const md = markdownSummary(run.report);
    for (const e of run.report.explainers) {
      const line = md.split('\n').find((l) => l.startsWith(`| ${e.label} |`) && l.includes('['));
      assert.ok(line, e.label);
      assert.ok(line.includes(e.violation.delete!.ratio!.toFixed(3)), line);
    }
    assert.match(md, /Random floor \(3 seeds\)/);
    assert.match(md, /Accuracy on 4 labelled rows/);
    assert.match(
      markdownSummary({ ...run.report, dataset: { ...run.report.dataset, path: '/x/a|b.csv' } }),
      /a\\\|b\.csv/,
    );
  });

  it('writes atomically beside the target, never over an existing file unless asked, and names files after the dataset', async () => {
    const target = defaultReportPath(dataset, 'md');
    assert.equal(target, join(tmp, 'hostile.polarity-lens.summary.md'));
    await writeChunksAtomically(target, ['one']);
    await assert.rejects(writeChunksAtomically(target, ['two']), /already exists/);
    assert.equal(readFileSync(target, 'utf8'), 'one');
    assert.equal(freePath(target), join(tmp, 'hostile.polarity-lens.summary-2.md'));
    await writeChunksAtomically(target, ['three'], { overwrite: true });
    assert.equal(readFileSync(target, 'utf8'), 'three');
    // A writer that fails half-way leaves neither a partial file nor its temporary.
    async function* failing() {
      yield 'half';
      throw new Error('disk full');
    }
    await assert.rejects(writeChunksAtomically(join(tmp, 'broken.json'), failing()), /disk full/);
    assert.equal(existsSync(join(tmp, 'broken.json')), false);
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});

describe('thresholds and JUnit', () => {
  const known = ['raw-attention', 'occlusion'];
  it('parses EXPLAINER=RATIO and explains bad ones', () => {
    assert.deepEqual(parseThreshold('raw-attention=0.25', known), { explainer: 'raw-attention', maxRatio: 0.25 });
    assert.throws(() => parseThreshold('raw-attention', known), /expected EXPLAINER=RATIO/);
    assert.throws(() => parseThreshold('raw-attention=1.5', known), /between 0 and 1/);
    assert.throws(() => parseThreshold('astrology=0.1', known), /"astrology" is not among the explainers that run/);
  });

  it('passes at or under the ratio, fails over it or when the explainer never ran, and JUnit says so', () => {
    const ratio = run.report.explainers.find((e) => e.id === 'raw-attention')!.violationMean.mean!;
    const results = checkThresholds(run.report, [
      { explainer: 'raw-attention', maxRatio: ratio },
      { explainer: 'raw-attention', maxRatio: Math.max(0, ratio - 0.01) },
      { explainer: 'lime', maxRatio: 1 },
    ]);
    assert.deepEqual(
      results.map((r) => r.passed),
      [true, ratio === 0, false],
    );
    assert.match(results[2].message, /did not run/);
    const xml = junitXml(
      { ...run.report, dataset: { ...run.report.dataset, path: '<&>"\u0001\u001b\ud800x\tok' } },
      results,
    );
    assert.match(xml, new RegExp(`tests="3" failures="${results.filter((r) => !r.passed).length}"`));
    assert.equal((xml.match(/<failure /g) ?? []).length, results.filter((r) => !r.passed).length);
    assert.ok(
      xml.includes('&lt;&amp;&gt;&quot;\ufffd\ufffd\ufffdx\tok') && !xml.includes('<&>'),
      'markup escaped, characters XML cannot hold replaced',
    );
  });
});
