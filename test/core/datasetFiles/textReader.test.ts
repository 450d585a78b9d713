import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DATASET_EXTENSIONS,
  detectFormat,
  previewDataset,
  readRows,
  selectRows,
} from '../../../src/core/datasetFiles/datasetReader';
import { DatasetError, type SelectedRow } from '../../../src/core/datasetFiles/datasetTypes';
import { read, tempFiles } from './datasetFiles';

const { file } = tempFiles('pl-txt-');
/** A .txt dataset's columns: the one text column, no labels. */
const LINES = { text: 'text', label: null };

describe('readRows: plain text, one text per line', () => {
  it('every non-blank line is a text without a label; blank lines are skipped and rows keep their line numbers', async () => {
    const path = file(
      'reviews.txt',
      ['a gripping film', '', '   ', 'dull, "quoted", and, commas', '\t', 'last line, no newline'].join('\n'),
    );
    const { rows, bad, stats } = await read(path, LINES);
    assert.deepEqual(rows, [
      { row: 0, line: 1, text: 'a gripping film', label: null },
      { row: 3, line: 4, text: 'dull, "quoted", and, commas', label: null },
      { row: 5, line: 6, text: 'last line, no newline', label: null },
    ]);
    assert.deepEqual(bad, [], 'a blank line is not a bad row');
    assert.equal(stats.rowsRead, 3);
  });

  it('CRLF line ends and a byte-order mark are not part of the text; .TXT is a dataset too', async () => {
    const path = file('crlf.TXT', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('one\r\n\r\ntwo\r\n')]));
    assert.equal(detectFormat(path), 'txt');
    const { rows } = await read(path, LINES);
    assert.deepEqual(
      rows.map((r) => [r.line, r.text]),
      [
        [1, 'one'],
        [3, 'two'],
      ],
    );
  });

  it('an overlong line and invalid UTF-8 are bad rows with their lines, and the lines after them still read', async () => {
    const content = Buffer.concat([
      Buffer.from('a\n'),
      Buffer.alloc(5e6, 'x'), // over the byte cap: dropped while streaming
      Buffer.from('\nb\n'),
      Buffer.alloc(1.5e6, 'y'), // under the byte cap, over the character cap
      Buffer.from('\ncaf'),
      Buffer.from([0xe9]),
      Buffer.from('\nc'),
    ]);
    const { rows, bad, stats } = await read(file('long.txt', content), LINES);
    assert.deepEqual(
      rows.map((r) => [r.row, r.line, r.text]),
      [
        [0, 1, 'a'],
        [2, 3, 'b'],
        [5, 6, 'c'],
      ],
    );
    assert.deepEqual(bad, [
      { line: 2, reason: 'record longer than 1,000,000 characters' },
      { line: 4, reason: 'record longer than 1,000,000 characters' },
      { line: 5, reason: 'not valid UTF-8' },
    ]);
    assert.equal(stats.badRowCount, 3);
  });

  it('UTF-16 and binary files are refused as a whole, with what to do', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi\n', 'utf16le')]);
    await assert.rejects(read(file('utf16.txt', utf16), LINES), /is UTF-16 text; save it as UTF-8/);
    await assert.rejects(
      read(file('bin.txt', Buffer.from([0x68, 0x00, 0x01])), LINES),
      /looks like a binary file, not a text dataset/,
    );
  });

  it('a label column or another text column is a DatasetError that says a text file has neither', async () => {
    const path = file('plain.txt', 'one\ntwo\n');
    await assert.rejects(
      read(path, { text: 'text', label: 'label' }),
      (e: unknown) => e instanceof DatasetError && /one text per line and no labels/.test(e.message),
    );
    await assert.rejects(
      read(path, { text: 'sentence', label: null }),
      (e: unknown) => e instanceof DatasetError && /its only column is "text", not "sentence"/.test(e.message),
    );
  });

  it('samples by line like any other dataset: a seeded random sample comes out in file order, the same every time', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => (i % 7 === 3 ? '' : `sentence ${i}`));
    const path = file('sample.txt', lines.join('\n'));
    const take = async () => {
      const out: SelectedRow[] = [];
      for await (const r of selectRows(path, LINES, { mode: 'random', n: 20, seed: 3 })) out.push(r);
      return out;
    };
    const first = await take();
    assert.equal(first.length, 20);
    assert.deepEqual(first, await take());
    for (const r of first) assert.equal(r.text, lines[r.line - 1], `row ${r.row} is the text of its line`);
    assert.deepEqual(
      first.map((r) => r.row),
      [...first.map((r) => r.row)].sort((a, b) => a - b),
    );
    let n = 0;
    for await (const _ of readRows(path, LINES)) n++;
    assert.equal(n, lines.filter((l) => l !== '').length);
  });

  it('the preview offers the one column, detected without a question; an all-blank file has no text', async () => {
    const preview = await previewDataset(file('preview.txt', '\nfirst text\nsecond text\n'), { rows: 1 });
    assert.equal(preview.format, 'txt');
    assert.deepEqual(preview.columns, ['text']);
    assert.deepEqual(
      preview.rows.map((r) => ({ ...r })),
      [{ text: 'first text' }],
    );
    assert.deepEqual(preview.guess, {
      text: 'text',
      label: null,
      textCandidates: ['text'],
      labelCandidates: [],
      ambiguous: false,
    });
    await assert.rejects(previewDataset(file('blank.txt', '\n  \n')), /has no text: every line is blank/);
  });

  it('the dataset extensions are the formats detectFormat reads, .txt among them', () => {
    assert.ok(DATASET_EXTENSIONS.includes('.txt'));
    for (const ext of DATASET_EXTENSIONS) assert.doesNotThrow(() => detectFormat(`data${ext}`), ext);
    assert.throws(() => detectFormat('data.md'), /use one of .*\.txt .*plain text with one text per line/);
  });
});
