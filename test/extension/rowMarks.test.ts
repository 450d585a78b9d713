/**
 * The editor marks of a dataset run, as data: what each line says, and that every mark sits on the line where its
 * row starts in the file as VS Code numbers lines (LF, CRLF and CR all end a line), for each format the readers read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { readRows } from '../../src/core/datasetFiles/datasetReader';
import type { ColumnChoice, SelectedRow } from '../../src/core/datasetFiles/datasetTypes';
import type { SampleRow } from '../../src/core/datasetRun/datasetReport';
import { markedRows, rowMarks, type RowMark } from '../../src/extension/rowMarks';
import { tempFiles } from '../core/datasetFiles/datasetFiles';

const { file } = tempFiles('pl-marks-');

/** A sample row as the report has it; `violation` is each explainer's share of violated operators (null: not run). */
const sample = (row: number, line: number, violation: (number | null)[], target?: number): SampleRow => ({
  row,
  line,
  text: `text ${row}`,
  label: null,
  prediction: 'positive',
  probability: 0.9,
  correct: null,
  units: 3,
  violation,
  ...(target === undefined ? {} : { target }),
});
const NO_BAD_ROWS = { badRows: [] };
const brief = (marks: RowMark[]) => marks.map((m) => [m.line, m.kind, m.text]);

describe('row marks', () => {
  it('✗ with the share of explainers that violate under some operator, ✓ when none does, no verdict when none ran', () => {
    const marks = rowMarks({
      sampleRows: [
        sample(0, 2, [0, 1 / 3, 1, null]),
        sample(1, 3, [0, 0, 0, 0]),
        sample(2, 7, [null, null, null, null]),
      ],
      dataset: NO_BAD_ROWS,
    });
    assert.deepEqual(brief(marks), [
      [1, 'violates', '✗ 2/3'],
      [2, 'consistent', '✓ 0/4'],
      [6, 'unjudged', 'no verdict'],
    ]);
    assert.deepEqual(marks[0].samples, [{ row: 0 }]);
  });

  it("a multi-label row's samples (one per label) share one mark, counted per explainer and label", () => {
    const [mark] = rowMarks({
      sampleRows: [sample(4, 6, [0, 1], 0), sample(4, 6, [0, 0], 1), sample(4, 6, [2 / 3, 0], 2)],
      dataset: NO_BAD_ROWS,
    });
    assert.deepEqual([mark.line, mark.text, mark.judged, mark.violating], [5, '✗ 2/6', 6, 2]);
    assert.deepEqual(mark.samples, [
      { row: 4, target: 0 },
      { row: 4, target: 1 },
      { row: 4, target: 2 },
    ]);
    assert.deepEqual(markedRows(mark), [4]);
  });

  it('the bad rows the report lists are marked as skipped with their reason, unless an explained row starts there', () => {
    const marks = rowMarks({
      sampleRows: [sample(0, 2, [0])],
      dataset: {
        badRows: [
          { line: 3, reason: 'empty text' },
          { line: 2, reason: 'could not be explained: x' },
        ],
      },
    });
    assert.deepEqual(brief(marks), [
      [1, 'consistent', '✓ 0/1'],
      [2, 'skipped', '⚠ skipped'],
    ]);
    assert.equal(marks[1].reason, 'empty text');
  });
});

/** Reads `path` as the run would, and marks each row as explained by one explainer that never violates. */
async function marksOf(path: string, columns: ColumnChoice): Promise<{ rows: SelectedRow[]; marks: RowMark[] }> {
  const rows: SelectedRow[] = [];
  for await (const r of readRows(path, columns)) rows.push(r);
  return { rows, marks: rowMarks({ sampleRows: rows.map((r) => sample(r.row, r.line, [0])), dataset: NO_BAD_ROWS }) };
}
/** The file's lines as an editor shows them. */
const editorLines = (content: string) => content.split(/\r\n|\r|\n/);
const TEXTS = ['plain words', 'with "quotes", and commas', 'two\nlines here', 'after the long one'];

describe('marks sit on the line where their row starts', () => {
  for (const eol of ['\n', '\r\n']) {
    const name = eol === '\n' ? 'LF' : 'CRLF';
    it(`CSV and TSV with quoted fields over several lines (${name})`, async () => {
      for (const [delimiter, ext] of [
        [',', 'csv'],
        ['\t', 'tsv'],
      ]) {
        const rows = TEXTS.map((t, i) => [t.replace(/\n/g, eol), i % 2 ? 'pos' : 'neg']);
        const content = stringify([['text', 'label'], ...rows], { delimiter, record_delimiter: eol });
        const { marks } = await marksOf(file(`multi.${ext}`, content), { text: 'text', label: 'label' });
        const lines = editorLines(content);
        assert.deepEqual(
          marks.map((m) => m.line),
          [1, 2, 3, 5],
          `${ext}: a two-line field moves the next row down one line`,
        );
        marks.forEach((m, i) => {
          const firstLine = TEXTS[i].split('\n')[0].replace(/"/g, '""');
          assert.ok(lines[m.line].includes(firstLine), `${ext} row ${i}: "${lines[m.line]}" holds "${firstLine}"`);
        });
      }
    });

    it(`JSONL and plain text with blank lines (${name})`, async () => {
      const jsonl = ['', ...TEXTS.map((t) => JSON.stringify({ text: t })), '', JSON.stringify({ text: 'last' })].join(
        eol,
      );
      const fromJsonl = await marksOf(file('rows.jsonl', jsonl), { text: 'text', label: null });
      const lines = editorLines(jsonl);
      for (const [i, m] of fromJsonl.marks.entries())
        assert.equal(lines[m.line], JSON.stringify({ text: fromJsonl.rows[i].text }));

      const txt = ['', 'first text', '   ', 'second text', '', 'third text'].join(eol);
      const fromTxt = await marksOf(file('rows.txt', txt), { text: 'text', label: null });
      assert.deepEqual(
        fromTxt.marks.map((m) => [m.line, editorLines(txt)[m.line]]),
        [
          [1, 'first text'],
          [3, 'second text'],
          [5, 'third text'],
        ],
      );
    });
  }

  it("a JSON array: each object's mark on its opening brace's line; objects on one line share it (best effort)", async () => {
    const pretty = JSON.stringify(
      TEXTS.map((t) => ({ text: t })),
      null,
      2,
    );
    const { marks } = await marksOf(file('pretty.json', pretty), { text: 'text', label: null });
    const lines = editorLines(pretty);
    assert.equal(marks.length, TEXTS.length);
    for (const m of marks) assert.equal(lines[m.line].trim(), '{');
    const compact = await marksOf(file('compact.json', JSON.stringify(TEXTS.map((t) => ({ text: t })))), {
      text: 'text',
      label: null,
    });
    assert.deepEqual(
      compact.marks.map((m) => [m.line, markedRows(m)]),
      [[0, [0, 1, 2, 3]]],
    );
  });
});
