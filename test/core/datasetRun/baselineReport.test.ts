import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ComparisonError,
  judgedExplainer,
  readBaselineReport,
  textKey,
  verdictCode,
} from '../../../src/core/datasetRun/baselineReport';
import type { DatasetReport } from '../../../src/core/datasetRun/datasetReport';
import { handReport, writeReport, type Verdicts } from '../../helpers/handReport';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-baseline-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

const IDS = ['raw-attention', 'occlusion'];
const report = (): DatasetReport =>
  handReport({
    explainers: IDS,
    samples: Array.from({ length: 6 }, (_, i) => ({
      row: i * 2,
      text: `text ${i}`,
      label: 'positive',
      correct: i % 2 === 0,
      explainers: {
        'raw-attention': [i % 2 === 0, i % 3 === 0, false] as Verdicts,
        occlusion: i === 5 ? ('error' as const) : ([false, true, i > 2] as Verdicts),
      },
      byConstruction: { occlusion: ['delete'] },
    })),
  });

describe('reading a baseline report', () => {
  it('keeps the summary and, per row, its text hash, gold label and every verdict', async () => {
    const written = report();
    const b = await readBaselineReport(writeReport(join(tmp, 'ok.json'), written));
    const { records, ...summary } = written;
    assert.deepEqual(b.summary, { ...summary, records: [] }, 'the records are read one by one, not kept');
    assert.deepEqual([...b.rows.keys()], [0, 2, 4, 6, 8, 10]);
    for (const r of records) {
      const row = b.rows.get(r.row)!;
      assert.equal(row.textKey, textKey(r.text));
      assert.equal(row.judgements.length, 1);
      const [j] = row.judgements;
      assert.deepEqual([j.explained, j.gold, j.correct], [r.prediction.label, r.label, r.correct]);
      for (const id of IDS) {
        const e = r.explainers[id];
        const back = judgedExplainer(j.verdicts[b.explainers.indexOf(id)]);
        if (e.error) assert.equal(back, undefined, 'a failed explainer reads as not run');
        else {
          assert.deepEqual(
            Object.fromEntries(Object.entries(back!.verdicts).map(([op, v]) => [op, v.violates])),
            Object.fromEntries(Object.entries(e.verdicts).map(([op, v]) => [op, v.violates])),
          );
          assert.deepEqual(Object.keys(back!.byConstruction ?? {}), Object.keys(e.byConstruction ?? {}));
        }
      }
    }
  });

  it('reads a report whose records come before its schema (another writer), and a report with a BOM', async () => {
    const { records, ...summary } = report();
    const reordered = await readBaselineReport(file('reordered.json', JSON.stringify({ records, ...summary })));
    assert.equal(reordered.rows.size, 6);
    assert.equal(reordered.summary.schema, summary.schema);
    const bom = await readBaselineReport(file('bom.json', `\ufeff${JSON.stringify(report())}`));
    assert.equal(bom.rows.size, 6);
  });

  it('refuses, naming the file and what it is instead, anything but a report it can read', async () => {
    const ok = report();
    const { records: _records, ...noRecords } = ok;
    const badRow = { ...ok, records: ok.records.map((r, i) => (i === 2 ? { ...r, row: 'x' } : r)) };
    const badVerdict = JSON.parse(JSON.stringify(ok)) as DatasetReport;
    (badVerdict.records[1].explainers['raw-attention'].verdicts.delete as unknown as { violates: string }).violates =
      'yes';
    const duplicated = { ...ok, records: [...ok.records, { ...ok.records[0], text: 'another text' }] };
    const json = JSON.stringify(ok);
    const cases: [string, string, RegExp][] = [
      [
        'words.json',
        'hello, this is not JSON',
        /is not JSON \(Unexpected "h".*\): give the JSON report `check --json` wrote/,
      ],
      ['array.json', '[1, 2, 3]', /is JSON but not a dataset report \(its top level is an array, not an object\)/],
      ['number.json', '42', /is JSON but not a dataset report \(its top level is number/],
      ['noschema.json', '{"records": []}', /is JSON but not a Polarity Lens dataset report \(it has no "schema"\)/],
      [
        'v3.json',
        JSON.stringify({ ...ok, schema: 'polarity-lens/dataset-report@3', records: [{ odd: true }] }),
        /is a report of schema polarity-lens\/dataset-report@3; this version of polarity-lens compares reports of schema polarity-lens\/dataset-report@1 or polarity-lens\/dataset-report@2/,
      ],
      ['other.json', '{"schema": "vega-lite/v5", "records": []}', /is a "vega-lite\/v5" file, not a dataset report/],
      [
        'summary.json',
        JSON.stringify(noRecords),
        /has no per-sample "records" \(a summary is not enough to pair samples\)/,
      ],
      ['records.json', JSON.stringify({ ...ok, records: { a: 1 } }), /has no per-sample "records"/],
      [
        'badrow.json',
        JSON.stringify(badRow),
        /is not a dataset report this version can read: record 3 has no row index/,
      ],
      [
        'badverdict.json',
        JSON.stringify(badVerdict),
        /record 2 \(row 2\): explainer raw-attention has a delete verdict without "violates"/,
      ],
      ['twice.json', JSON.stringify(duplicated), /record 7: row 0 appears twice with different texts/],
      ['nomodel.json', JSON.stringify({ ...ok, model: 'bert' }), /is an incomplete dataset report: its "model"/],
      ['truncated.json', json.slice(0, json.length - 40), /ends before its JSON does \(truncated\?\)/],
      ['empty.json', '', /is empty/],
      ['trailing.json', `${json} {}`, /is not JSON after its record 6/],
    ];
    for (const [name, content, message] of cases) {
      const path = file(name, content);
      await assert.rejects(readBaselineReport(path), (e: Error) => {
        assert.ok(e instanceof ComparisonError, name);
        assert.ok(e.message.startsWith(`--baseline ${path} `), e.message);
        assert.match(e.message, message, name);
        return true;
      });
    }
    await assert.rejects(
      readBaselineReport(join(tmp, 'missing.json')),
      /--baseline .*missing\.json cannot be read: ENOENT/,
    );
  });

  it('packs a verdict into a number and back: judged, violates and † per operator; 0 when it did not run', () => {
    assert.equal(verdictCode(undefined), 0);
    assert.equal(verdictCode({ error: 'x', verdicts: {} }), 0);
    assert.equal(judgedExplainer(0), undefined);
    const e = {
      verdicts: { delete: { violates: true }, 'attention-mask': { violates: false } },
      byConstruction: { 'attention-mask': 'exact' },
    };
    assert.deepEqual(judgedExplainer(verdictCode(e)), {
      verdicts: e.verdicts,
      byConstruction: { 'attention-mask': 'by construction in the baseline' },
    });
    assert.deepEqual(judgedExplainer(verdictCode({ verdicts: {} })), { verdicts: {} }, 'ran, judged nothing');
  });
});
