import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countRows, newReadStats, readRows } from '../../../src/core/datasetFiles/datasetReader';
import { DatasetError } from '../../../src/core/datasetFiles/datasetTypes';
import { read, tempFiles, TL } from './datasetFiles';

const { dir, file } = tempFiles('pl-csv-');

/** Descriptors this process holds on `path`, with their open flags (Linux only; [] elsewhere). */
function openDescriptors(path: string): number[] {
  if (!existsSync('/proc/self/fd')) return [];
  const flags: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== path) continue;
      const m = /flags:\s*([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (m) flags.push(parseInt(m[1], 8));
    } catch {
      // closed meanwhile
    }
  }
  return flags;
}

const LINES = [
  'text,label', // 1
  '"a, with a comma",pos', // 2
  '', // 3
  '"multi', // 4
  'line ""quoted""",neg', // 5
  'c,pos,extra', // 6: ragged
  '"x ""q"" y",neg', // 7
  'd', // 8: ragged
  '', // 9
  '', // 10
  'e,pos', // 11, no final newline
];

describe('readRows: CSV per RFC 4180', () => {
  it('reads quotes, doubled quotes, delimiters and newlines in quotes, skips empty lines, and numbers start lines', async () => {
    const { rows, stats, bad } = await read(file('basic.csv', LINES.join('\n')));
    assert.deepEqual(
      rows.map((r) => [r.row, r.line, r.text, r.label]),
      [
        [0, 2, 'a, with a comma', 'pos'],
        [1, 4, 'multi\nline "quoted"', 'neg'],
        [3, 7, 'x "q" y', 'neg'],
        [5, 11, 'e', 'pos'],
      ],
    );
    assert.deepEqual(bad, [
      { line: 6, reason: 'has 3 fields, the header has 2' },
      { line: 8, reason: 'has 1 field, the header has 2' },
    ]);
    assert.deepEqual(stats, { rowsRead: 6, badRowCount: 2, badRows: bad });
  });

  it('gives the same lines for CRLF files, CRLF inside quotes included, and for mixed line endings', async () => {
    const crlf = await read(file('crlf.csv', LINES.join('\r\n') + '\r\n'));
    assert.deepEqual(
      crlf.rows.map((r) => r.line),
      [2, 4, 7, 11],
    );
    assert.equal(crlf.rows[1].text, 'multi\r\nline "quoted"');
    assert.deepEqual(
      crlf.bad.map((b) => b.line),
      [6, 8],
    );
    assert.equal(crlf.rows[3].label, 'pos', 'no stray \\r on the last field');

    const mixed = await read(file('mixed.csv', 'text,label\na,pos\r\nb,neg\n"c\r\nc",pos\r\nd,neg'));
    assert.deepEqual(
      mixed.rows.map((r) => [r.line, r.text, r.label]),
      [
        [2, 'a', 'pos'],
        [3, 'b', 'neg'],
        [4, 'c\r\nc', 'pos'],
        [6, 'd', 'neg'],
      ],
    );
  });

  it('skips a UTF-8 byte-order mark, so the first column is still found by name', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text,label\nhello,pos\n')]);
    const { rows } = await read(file('bom.csv', bom));
    assert.deepEqual(rows, [{ row: 0, line: 2, text: 'hello', label: 'pos' }]);
  });

  it('keeps a stray quote inside an unquoted field (relax_quotes) instead of failing the file', async () => {
    const { rows, bad } = await read(file('stray.csv', 'text,label\n5" screen is great,pos\n"a"b,neg\nplain,pos\n'));
    assert.deepEqual(
      rows.map((r) => r.text),
      ['5" screen is great', '"a"b', 'plain'],
    );
    assert.deepEqual(bad, []);
  });

  it('reads TSV (tab delimiter, quotes still allowed) from .tsv and .tab files', async () => {
    const body = 'label\ttext\npos\t"a\ttab, and a comma"\nneg\tplain "quote" inside\n';
    for (const name of ['data.tsv', 'data.tab']) {
      const { rows, bad } = await read(file(name, body));
      assert.deepEqual(
        rows.map((r) => [r.text, r.label]),
        [
          ['a\ttab, and a comma', 'pos'],
          ['plain "quote" inside', 'neg'],
        ],
      );
      assert.deepEqual(bad, []);
    }
    // A comma file read as TSV has one column: the header has no "text".
    await assert.rejects(
      read(file('commas.tsv', 'text,label\na,b\n')),
      /no column "text"; its columns are "text,label"/,
    );
  });

  it('empty or blank text is a bad row; an empty label is null; no label column gives null labels', async () => {
    const path = file('empty.csv', 'text,label\n,pos\n"   ",neg\nhello,\nworld,"  "\n');
    const { rows, bad } = await read(path);
    assert.deepEqual(
      rows.map((r) => [r.line, r.text, r.label]),
      [
        [4, 'hello', null],
        [5, 'world', null],
      ],
    );
    assert.deepEqual(bad, [
      { line: 2, reason: 'empty text' },
      { line: 3, reason: 'empty text' },
    ]);
    const unlabelled = await read(path, { text: 'text', label: null });
    assert.deepEqual(
      unlabelled.rows.map((r) => r.label),
      [null, null],
    );
  });

  it('a missing text or label column is a DatasetError naming the columns found', async () => {
    const path = file('cols.csv', 'sentence,sentiment\nhi,pos\n');
    await assert.rejects(read(path), (e: unknown) => {
      assert.ok(e instanceof DatasetError);
      assert.match(e.message, /no column "text"; its columns are "sentence", "sentiment"/);
      return true;
    });
    await assert.rejects(
      read(path, { text: 'sentence', label: 'label' }),
      /no label column "label"; its columns are "sentence", "sentiment"/,
    );
    const ok = await read(path, { text: 'sentence', label: 'sentiment' });
    assert.deepEqual(
      ok.rows.map((r) => [r.text, r.label]),
      [['hi', 'pos']],
    );
  });

  it('an empty file or a header alone gives zero rows, not an error', async () => {
    for (const content of ['', '\n\n', 'text,label', 'text,label\r\n\r\n']) {
      const { rows, stats } = await read(file('empty.csv', content));
      assert.deepEqual(rows, []);
      assert.equal(stats.rowsRead, 0);
    }
  });

  it('a row with invalid UTF-8 is a bad row; a real U+FFFD in the file is not; the rest still reads', async () => {
    const content = Buffer.concat([
      Buffer.from('text,label\nfirst,pos\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
      Buffer.from(',neg\na real \uFFFD here,pos\nlabel bad,'),
      Buffer.from([0xff]),
      Buffer.from('\nlast,neg\n'),
    ]);
    const { rows, bad } = await read(file('latin1.csv', content));
    assert.deepEqual(
      rows.map((r) => [r.line, r.text]),
      [
        [2, 'first'],
        [4, 'a real \uFFFD here'],
        [6, 'last'],
      ],
    );
    assert.deepEqual(bad, [
      { line: 3, reason: 'not valid UTF-8' },
      { line: 5, reason: 'not valid UTF-8' },
    ]);
  });

  it('refuses binary and UTF-16 files with a DatasetError', async () => {
    const binary = Buffer.concat([
      Buffer.from('text,label\n'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]),
    ]);
    await assert.rejects(
      read(file('image.csv', binary)),
      (e: unknown) => e instanceof DatasetError && /looks like a binary file, not a text dataset/.test(e.message),
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('text,label\r\nhi,pos\r\n', 'utf16le')]);
    await assert.rejects(read(file('utf16.csv', utf16)), /UTF-16 text; save it as UTF-8/);
    await assert.rejects(
      read(join(dir, 'missing.csv')),
      (e: unknown) => e instanceof DatasetError && /cannot open/.test(e.message),
    );
  });
});

describe('readRows: CSV records that cannot be read', () => {
  it('an unclosed quote keeps the rows before it, becomes a bad row on its line, and stops the reading', async () => {
    const path = file('unclosed.csv', 'text,label\na,pos\n\nb,neg\n"never closed,pos\nc,neg\nd,pos\n');
    const { rows, stats, bad } = await read(path);
    assert.deepEqual(
      rows.map((r) => r.text),
      ['a', 'b'],
    );
    assert.equal(bad.length, 1);
    assert.equal(bad[0].line, 5);
    assert.match(bad[0].reason, /^a quote opened in this row is never closed; reading stopped here/);
    assert.deepEqual(stats.stopped, bad[0]);
    assert.equal(stats.rowsRead, 3);
  });

  it("a slow reader still gets every good row before an unclosed quote, and the stop names the quote's line", async () => {
    const good = Array.from({ length: 40 }, (_, i) => `good ${i},1`);
    const path = file('slow.csv', ['text,label', ...good, '"unclosed,1', 'more,0', ''].join('\n'));
    const stats = newReadStats();
    const rows: string[] = [];
    for await (const row of readRows(path, TL, { stats })) {
      rows.push(row.text);
      await new Promise((r) => setTimeout(r, 2)); // explaining takes a while between rows
    }
    assert.deepEqual(
      rows,
      good.map((g) => g.split(',')[0]),
    );
    assert.equal(stats.stopped?.line, 42);
    assert.match(stats.stopped.reason, /never closed/);
  });

  it('a 50 MB unterminated quote is a "too long" bad row and a clear stop, not an out-of-memory crash', async () => {
    const path = file(
      'runaway.csv',
      Buffer.concat([Buffer.from('text,label\nfirst,pos\n\n"'), Buffer.alloc(50e6, 'x'), Buffer.from('\nlater,neg\n')]),
    );
    const before = process.memoryUsage().rss;
    const { rows, stats, bad } = await read(path);
    console.log(`# 50 MB runaway quote: rss grew ${((process.memoryUsage().rss - before) / 1e6).toFixed(0)} MB`);
    assert.deepEqual(
      rows.map((r) => r.text),
      ['first'],
    );
    assert.equal(bad.length, 1);
    assert.equal(bad[0].line, 4);
    assert.match(bad[0].reason, /^record longer than 1,000,000 characters .*reading stopped here/);
    assert.ok(stats.stopped);
  });

  it('a single 20 MB field is a "too long" bad row and stops the reading (where it ends cannot be trusted)', async () => {
    const path = file(
      'huge.csv',
      Buffer.concat([
        Buffer.from('text,label\nfirst,pos\n"'),
        Buffer.alloc(20e6, 'y'),
        Buffer.from('",neg\nlater,pos\n'),
      ]),
    );
    const { rows, bad } = await read(path);
    assert.deepEqual(
      rows.map((r) => r.text),
      ['first'],
    );
    assert.deepEqual(
      bad.map((b) => b.line),
      [3],
    );
    assert.match(bad[0].reason, /^record longer than 1,000,000 characters/);
  });

  it('a record of 1–4 million characters is a bad row and the reading goes on', async () => {
    const path = file(
      'long.csv',
      Buffer.concat([
        Buffer.from('text,label\nfirst,pos\n"'),
        Buffer.alloc(2e6, 'z'),
        Buffer.from('",neg\nlater,pos\n'),
      ]),
    );
    const { rows, bad, stats } = await read(path);
    assert.deepEqual(
      rows.map((r) => [r.line, r.text]),
      [
        [2, 'first'],
        [4, 'later'],
      ],
    );
    assert.deepEqual(bad, [{ line: 3, reason: 'record longer than 1,000,000 characters' }]);
    assert.equal(stats.stopped, undefined);
    // Exactly at the cap is fine.
    const atCap = await read(file('cap.csv', `text,label\n${'w'.repeat(999_996)},pos\n`));
    assert.equal(atCap.rows.length, 1);
    assert.deepEqual(atCap.bad, []);
  });

  it('keeps only the first 1,000 bad rows but counts them all', async () => {
    const lines = ['text,label', ...Array.from({ length: 1500 }, (_, i) => `bad${i}`), 'good,pos'];
    const { rows, stats } = await read(file('many-bad.csv', lines.join('\n')));
    assert.equal(rows.length, 1);
    assert.equal(stats.badRowCount, 1500);
    assert.equal(stats.badRows.length, 1000);
    assert.equal(stats.rowsRead, 1501);
    assert.equal(rows[0].row, 1500);
  });
});

describe('readRows: streaming, abort, read-only', () => {
  const N = 100_000;
  let big = '';
  const bigFile = (): string => {
    if (big) return big;
    const parts = ['text,label\n'];
    for (let i = 0; i < N; i++) {
      const words = `row ${i} is a sentence about the movie, which was ""fine"" and long enough to matter here`;
      parts.push(
        i % 97 === 0 ? `"${words}\nwith a second line",${i % 3}\n` : `"${words} ${'.'.repeat(i % 80)}",${i % 3}\n`,
      );
    }
    big = file('big.csv', parts.join(''));
    return big;
  };

  it('streams a 100,000-row file: every row arrives in order with its line', async () => {
    const path = bigFile();
    let count = 0;
    let expectedLine = 2;
    let heap = 0;
    for await (const row of readRows(path, TL)) {
      assert.equal(row.row, count);
      assert.equal(row.line, expectedLine);
      expectedLine += row.text.includes('\n') ? 2 : 1;
      count++;
      if (count % 10_000 === 0) heap = Math.max(heap, process.memoryUsage().heapUsed);
    }
    assert.equal(count, N);
    console.log(
      `# 100,000 rows (${(readFileSync(path).length / 1e6).toFixed(1)} MB): peak heap seen ${(heap / 1e6).toFixed(0)} MB`,
    );
    assert.equal(await countRows(path, TL), N);
  });

  it('stops promptly on abort (no error), closes the file, and only ever opens it read-only', async () => {
    const path = bigFile();
    const controller = new AbortController();
    const stats = newReadStats();
    let seen = 0;
    let flagsWhileReading: number[] = [];
    for await (const _row of readRows(path, TL, { signal: controller.signal, stats })) {
      if (++seen === 1) flagsWhileReading = openDescriptors(path);
      if (seen === 10) controller.abort();
    }
    assert.ok(seen >= 10 && seen < N, `stopped after ${seen} rows`);
    assert.ok(stats.rowsRead < N);
    if (existsSync('/proc/self/fd')) {
      assert.ok(flagsWhileReading.length > 0, 'the file was open while reading');
      for (const f of flagsWhileReading) assert.equal(f & 3, 0, 'O_RDONLY');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(openDescriptors(path), [], 'the file is closed after the abort');
    }
    // Already aborted: nothing is read.
    const none = await read(path, TL, { signal: AbortSignal.abort() });
    assert.deepEqual(none.rows, []);
    assert.equal(none.stats.rowsRead, 0);
  });

  it('closes the file when the consumer stops early (break)', async () => {
    const path = bigFile();
    for await (const _row of readRows(path, TL)) break;
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(openDescriptors(path), []);
  });
});
