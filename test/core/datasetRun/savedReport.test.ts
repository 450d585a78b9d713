/**
 * A report read back from its JSON file: a run over a .txt dataset (one text per line, no labels) is written with
 * jsonReport, read with readReportFile and served by savedRun; everything the live run gave (summary, sample rows,
 * records) must come back equal. Files that are not reports are refused with a reason, and the dataset check sees
 * edits that would misplace the markers.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import type { DatasetReport, SampleRecord } from '../../../src/core/datasetRun/datasetReport';
import { MEASURE_IDS, measuredBy } from '../../../src/core/datasetRun/measures';
import { checkReportDataset, locateReportDataset } from '../../../src/core/datasetRun/reportDataset';
import { jsonReport, markdownSummary } from '../../../src/core/datasetRun/reportFiles';
import { runDataset, type DatasetRun } from '../../../src/core/datasetRun/runDataset';
import { checkReport, readReportFile, ReportFileError, savedRun } from '../../../src/core/datasetRun/savedReport';
import { writeChunksAtomically } from '../../../src/core/files/writeAtomically';
import { resolveModelDir } from '../../../src/core/model/shippedModels';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-saved-'));
const dataset = join(tmp, 'reviews.txt');
const LINES = [
  'a dull , lifeless film',
  '',
  'warm , generous and wise',
  '   ',
  'the plot is thin but the cast is terrific',
  'an "honest", moving story',
];
writeFileSync(dataset, `${LINES.join('\n')}\n`);
const reportPath = join(tmp, 'reviews.polarity-lens.report.json');

let model: TextClassifier;
let run: DatasetRun;
let records: SampleRecord[];
before(async () => {
  model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
  run = await runDataset(model, {
    path: dataset,
    columns: { text: 'text', label: null },
    selection: { mode: 'all' },
    explain: { explainers: ['raw-attention', 'occlusion'] },
    cacheDir: join(tmp, 'cache'),
  });
  records = [];
  for await (const r of run.records()) records.push(r);
  await writeChunksAtomically(reportPath, jsonReport(run));
});
after(async () => {
  run.close();
  await model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** A JSON round trip: what reading a written file gives back. */
const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('a .txt dataset run', () => {
  it('explains every non-blank line, rows numbered by line, with no labels and no accuracy (said, not shown as 0)', () => {
    assert.equal(run.report.dataset.format, 'txt');
    assert.deepEqual(
      records.map((r) => [r.row, r.line, r.text, r.label, r.correct]),
      [
        [0, 1, LINES[0], null, null],
        [2, 3, LINES[2], null, null],
        [4, 5, LINES[4], null, null],
        [5, 6, LINES[5], null, null],
      ],
    );
    assert.equal(run.report.accuracy, null);
    assert.equal(run.report.dataset.badRowCount, 0, 'blank lines are not bad rows');
    assert.match(
      markdownSummary(run.report),
      /Accuracy not measured: a text file \(one text per line\) has no labels\./,
    );
  });
});

describe('a saved report', () => {
  it('reads back as the run it was written from: the same summary, sample rows and records', async () => {
    const saved = savedRun(await readReportFile(reportPath));
    assert.deepEqual(saved.report, viaJson(run.report));
    assert.deepEqual(saved.sampleRows, viaJson(run.sampleRows));
    const again: SampleRecord[] = [];
    for await (const r of saved.records()) again.push(r);
    assert.deepEqual(again, viaJson(records));
    assert.deepEqual(saved.record(4), viaJson(run.record(4)));
    assert.equal(saved.record(1), undefined, 'line 2 is blank: no row 1');
  });

  it('reads a report of the format before (@1, written before runs chose what to measure) as one that measured everything', () => {
    const good = JSON.parse(readFileSync(reportPath, 'utf8')) as DatasetReport;
    const { measure: _m, ...settings } = good.settings;
    const older = checkReport({ ...good, schema: 'polarity-lens/dataset-report@1', settings }, 'old.json');
    assert.equal(older.schema, 'polarity-lens/dataset-report@1');
    assert.deepEqual(measuredBy(older.settings), [...MEASURE_IDS]);
    assert.throws(
      () => checkReport({ ...good, schema: 'polarity-lens/dataset-report@0' }, 'ancient.json'),
      /ancient\.json has an older report format \(polarity-lens\/dataset-report@0\)/,
    );
  });

  it('refuses what is not a report this version reads, saying what it is instead', async () => {
    const good = JSON.parse(readFileSync(reportPath, 'utf8')) as DatasetReport;
    const cases: [string, string | object, RegExp][] = [
      ['not.json', '{"schema": "polarity-lens/dataset', /^not\.json is not valid JSON \(.+\); a report is the file/],
      ['list.json', [1, 2], /not a Polarity Lens dataset report: it holds a list, not a JSON object/],
      [
        'explain.json',
        { schema: 'polarity-lens/explain@2', text: 'x' },
        /it is one explanation \(polarity-lens explain --format json\), not a dataset run/,
      ],
      [
        'other.json',
        { name: 'package' },
        /its "schema" is nothing, where a report says "polarity-lens\/dataset-report@2"/,
      ],
      [
        'newer.json',
        { ...good, schema: 'polarity-lens/dataset-report@3' },
        /written by a newer Polarity Lens \(polarity-lens\/dataset-report@3; this version reads up to polarity-lens\/dataset-report@2\): update Polarity Lens/,
      ],
      [
        'no-model.json',
        { ...good, model: { ...good.model, labels: 'negative' } },
        /is damaged: "model\.labels" should be a list of strings and is the string "negative"/,
      ],
      [
        'bad-record.json',
        { ...good, records: [good.records[0], { ...good.records[1], line: '3' }] },
        /is damaged: "line" of record 2 \("records"\) should be a whole number and is the string "3"/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const path = join(tmp, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      await assert.rejects(
        readReportFile(path),
        (e: unknown) => e instanceof ReportFileError && message.test(e.message),
        name,
      );
    }
    await assert.rejects(readReportFile(join(tmp, 'missing.json')), /cannot read .*missing\.json/);
    await assert.rejects(readReportFile(tmp), /cannot read .*: not a file/);
    assert.doesNotThrow(() => checkReport(good, 'good.json'));
  });

  it('finds its dataset where it was, or beside the report when both moved', () => {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as DatasetReport;
    assert.equal(locateReportDataset(report, reportPath), dataset);
    const moved = join(tmp, 'moved');
    mkdirSync(moved);
    copyFileSync(dataset, join(moved, 'reviews.txt'));
    const elsewhere = { dataset: { ...report.dataset, path: '/gone/reviews.txt' } };
    assert.equal(locateReportDataset(elsewhere, join(moved, 'r.json')), join(moved, 'reviews.txt'));
    assert.equal(locateReportDataset(elsewhere, join(tmp, 'nowhere', 'r.json')), null);
  });

  it("checks that the dataset still holds the report's rows at their lines, and says what changed", async () => {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as DatasetReport;
    assert.deepEqual(await checkReportDataset(dataset, report, report.records), { matches: true });
    const variant = (name: string, lines: string[]) => {
      const path = join(tmp, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return checkReportDataset(path, report, report.records);
    };
    assert.deepEqual(await variant('appended.txt', [...LINES, 'a new last line']), { matches: true });
    // A line added above: every row moves down one, so row 6 now holds what row 5 held.
    assert.deepEqual(await variant('shifted.txt', ['', ...LINES]), {
      matches: false,
      reason: 'the text of row 6 (line 6) changed',
    });
    const edited = [...LINES];
    edited[4] = 'the plot is thin';
    assert.deepEqual(await variant('edited.txt', edited), {
      matches: false,
      reason: 'the text of row 5 (line 5) changed',
    });
    assert.deepEqual(await variant('cut.txt', LINES.slice(0, 3)), {
      matches: false,
      reason: 'row 5 (line 5) is no longer in the file',
    });
  });
});
