import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previewDataset, readRows } from '../../../src/core/datasetFiles/datasetReader';
import { DatasetError } from '../../../src/core/datasetFiles/datasetTypes';
import { read, tempFiles, TL } from './datasetFiles';

const { file } = tempFiles('pl-json-');

const JSONL = [
  '{"text": "good", "label": "pos", "extra": [1, 2]}', // 1
  '', // 2
  '{"text": "bad json"', // 3
  '[1, 2]', // 4
  '{"text": 42, "label": 1}', // 5
  '{"text": "t", "label": true}', // 6
  '{"text": "no label"}', // 7
  '{"text": "null label", "label": null}', // 8
  '{"text": {"a": 1}, "label": "x"}', // 9
  '{"text": "  ", "label": "x"}', // 10
  '{"label": "x"}', // 11
  '"just a string"', // 12
  '{"text": "crlf line", "label": 1.5}\r', // 13
  '   ', // 14
  '{"text": "list label", "label": ["a", 2]}', // 15: a multi-label row's labels
  '{"text": "nested list", "label": [["a"]]}', // 16
  '{"text": "last", "label": false}', // 17, no final newline
];

describe('readRows: JSONL', () => {
  it('reads objects, converts values to strings, and reports bad lines with their numbers', async () => {
    for (const name of ['data.jsonl', 'data.ndjson']) {
      const { rows, bad, stats } = await read(file(name, JSONL.join('\n')));
      assert.deepEqual(
        rows.map((r) => [r.row, r.line, r.text, r.label]),
        [
          [0, 1, 'good', 'pos'],
          [3, 5, '42', '1'],
          [4, 6, 't', 'true'],
          [5, 7, 'no label', null],
          [6, 8, 'null label', null],
          [11, 13, 'crlf line', '1.5'],
          [12, 15, 'list label', 'a;2'],
          [14, 17, 'last', 'false'],
        ],
      );
      assert.deepEqual(
        bad.map((b) => b.line),
        [3, 4, 9, 10, 11, 12, 16],
      );
      assert.match(bad[0].reason, /^invalid JSON: /);
      assert.equal(bad[1].reason, 'not a JSON object (an array)');
      assert.equal(bad[2].reason, 'the text is an object, not a string');
      assert.equal(bad[3].reason, 'empty text');
      assert.equal(bad[4].reason, 'no text ("text" is missing or null)');
      assert.equal(bad[5].reason, 'not a JSON object (a string)');
      assert.equal(bad[6].reason, 'the label is an array, not a string, a number or a list of them');
      assert.equal(stats.rowsRead, 15);
      assert.equal(stats.badRowCount, 7);
    }
  });

  it('a text field missing from the first object is a DatasetError naming its keys', async () => {
    const path = file('keys.jsonl', '{"sentence": "hi", "gold": "pos"}\n{"sentence": "yo", "gold": "neg"}\n');
    await assert.rejects(
      read(path),
      (e: unknown) =>
        e instanceof DatasetError &&
        /no field "text" \(line 1\); its first object has "sentence", "gold"/.test(e.message),
    );
    const { rows } = await read(path, { text: 'sentence', label: 'gold' });
    assert.deepEqual(
      rows.map((r) => r.label),
      ['pos', 'neg'],
    );
  });

  it('an overlong line is a bad row and the lines after it still read; invalid UTF-8 is a bad row', async () => {
    const content = Buffer.concat([
      Buffer.from('{"text": "a"}\n{"text": "'),
      Buffer.alloc(5e6, 'x'), // over the byte cap: dropped while streaming
      Buffer.from('"}\n{"text": "b"}\n{"text": "'),
      Buffer.alloc(1.5e6, 'y'), // under the byte cap, over the character cap
      Buffer.from('"}\n{"text": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n{"text": "c"}'),
    ]);
    const { rows, bad } = await read(file('long.jsonl', content));
    assert.deepEqual(
      rows.map((r) => [r.line, r.text]),
      [
        [1, 'a'],
        [3, 'b'],
        [6, 'c'],
      ],
    );
    assert.deepEqual(bad, [
      { line: 2, reason: 'record longer than 1,000,000 characters' },
      { line: 4, reason: 'record longer than 1,000,000 characters' },
      { line: 5, reason: 'not valid UTF-8' },
    ]);
  });

  it('skips a BOM; an empty file gives zero rows; binary files are refused', async () => {
    const bom = await read(
      file('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text":"x"}\n')])),
    );
    assert.deepEqual(
      bom.rows.map((r) => r.text),
      ['x'],
    );
    assert.deepEqual((await read(file('empty.jsonl', ''))).rows, []);
    assert.deepEqual((await read(file('blank.jsonl', '\n\n  \n'))).rows, []);
    await assert.rejects(read(file('bin.jsonl', Buffer.from([0x7b, 0x00, 0x01, 0x02]))), /looks like a binary file/);
  });

  it('streams 100,000 lines', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++)
      lines.push(JSON.stringify({ id: i, text: `sentence number ${i} about a film`, label: i % 2 }));
    let n = 0;
    for await (const row of readRows(file('big.jsonl', lines.join('\n') + '\n'), TL)) {
      assert.equal(row.line, n + 1);
      assert.equal(row.label, String(n % 2));
      n++;
    }
    assert.equal(n, 100_000);
  });

  it('stops on abort without an error', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ text: `t${i}` }));
    const path = file('abort.jsonl', lines.join('\n'));
    const controller = new AbortController();
    let n = 0;
    for await (const _row of readRows(path, TL, { signal: controller.signal })) if (++n === 5) controller.abort();
    assert.ok(n >= 5 && n < 10_000);
  });
});

describe('readRows: JSON arrays', () => {
  const PRETTY = [
    '[', // 1
    '  {', // 2
    '    "text": "first",', // 3
    '    "label": "a"', // 4
    '  },', // 5
    '  {"text": "with } and ] and \\" and [{ inside", "label": "b"},', // 6
    '  42,', // 7
    '  {"text": "third"}, {"text": "same line", "label": 0},', // 8
    '  {"text": ["nested"]},', // 9
    '  "str", null, true', // 10
    ']', // 11
    '', // 12
  ].join('\n');

  it('yields each object with the line of its opening brace; non-objects are bad rows', async () => {
    const { rows, bad, stats } = await read(file('pretty.json', PRETTY));
    assert.deepEqual(
      rows.map((r) => [r.row, r.line, r.text, r.label]),
      [
        [0, 2, 'first', 'a'],
        [1, 6, 'with } and ] and " and [{ inside', 'b'],
        [3, 8, 'third', null],
        [4, 8, 'same line', '0'],
      ],
    );
    assert.deepEqual(bad, [
      { line: 7, reason: 'not a JSON object (a number)' },
      { line: 9, reason: 'the text is an array, not a string' },
      { line: 10, reason: 'not a JSON object (a string)' },
      { line: 10, reason: 'not a JSON object (null)' },
      { line: 10, reason: 'not a JSON object (a boolean)' },
    ]);
    assert.equal(stats.rowsRead, 9);
  });

  it('a truncated array keeps the objects before the cut and stops with a bad row', async () => {
    const { rows, bad, stats } = await read(file('cut.json', '[{"text": "a"},\n {"text": "b"},\n {"text": "c'));
    assert.deepEqual(
      rows.map((r) => r.text),
      ['a', 'b'],
    );
    assert.equal(bad.length, 1);
    assert.equal(bad[0].line, 3);
    assert.match(bad[0].reason, /^the file ends before the array is closed \(truncated\?\); reading stopped here/);
    assert.ok(stats.stopped);
  });

  it('an invalid element is a bad row and the next elements still read', async () => {
    const { rows, bad } = await read(file('invalid.json', '[{"text": "a"}, {"text": tru}, {"text": "b"}]'));
    assert.deepEqual(
      rows.map((r) => r.text),
      ['a', 'b'],
    );
    assert.deepEqual(
      bad.map((b) => b.line),
      [1],
    );
    assert.match(bad[0].reason, /^invalid JSON/);
  });

  it('an overlong element is a bad row; the next one still reads', async () => {
    const content = Buffer.concat([
      Buffer.from('[{"text": "a"},\n{"text": "'),
      Buffer.alloc(5e6, 'z'),
      Buffer.from('"},\n{"text": "b"}]'),
    ]);
    const { rows, bad } = await read(file('long.json', content));
    assert.deepEqual(
      rows.map((r) => [r.line, r.text]),
      [
        [1, 'a'],
        [3, 'b'],
      ],
    );
    assert.deepEqual(bad, [{ line: 2, reason: 'record longer than 1,000,000 characters' }]);
  });

  it('empty files and empty arrays give zero rows; a top-level object is a DatasetError suggesting JSONL', async () => {
    assert.deepEqual((await read(file('empty.json', ''))).rows, []);
    assert.deepEqual((await read(file('arr.json', ' [ ] \n'))).rows, []);
    await assert.rejects(
      read(file('obj.json', '{"text": "a"}')),
      (e: unknown) => e instanceof DatasetError && /top-level array of objects.*\.jsonl/.test(e.message),
    );
  });

  it('previews JSON: keys in first-seen order, values as strings, nested values as JSON', async () => {
    const preview = await previewDataset(
      file(
        'p.json',
        '[{"sentence": "a long enough sentence here", "n": 3}, {"sentence": "b", "gold": "pos", "meta": {"k": [1]}, "x": null}]',
      ),
    );
    assert.equal(preview.format, 'json');
    assert.deepEqual(preview.columns, ['sentence', 'n', 'gold', 'meta', 'x']);
    assert.deepEqual(
      preview.rows.map((r) => ({ ...r })),
      [
        { sentence: 'a long enough sentence here', n: '3', gold: '', meta: '', x: '' },
        { sentence: 'b', gold: 'pos', meta: '{"k":[1]}', x: '', n: '' },
      ],
    );
    assert.equal(preview.guess.text, 'sentence');
    assert.equal(preview.guess.label, 'gold');
  });

  it('keys such as __proto__ and constructor are plain fields, and values nested to any depth are bad rows, not a crash', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const lines = [
      '{"text": "good", "label": "pos"}', // 1
      '{"__proto__": {"text": "polluted", "polluted": 1}, "label": "pos"}', // 2: no text of its own
      '{"text": {"a": 1}, "label": "neg"}', // 3
      '{"constructor": {"prototype": {"polluted": 1}}, "text": "fine words", "label": "pos"}', // 4
      `{"text": ${deep(100_000)}, "label": "neg"}`, // 5
      `{"text": "deep extra field", "label": "neg", "x": ${deep(100_000)}}`, // 6
      '{"text": "odd label", "label": {"__proto__": {"polluted": 1}}}', // 7
      '{"text": "toString label", "label": "toString"}', // 8
    ];
    const path = file('hostile.jsonl', lines.join('\n'));
    const { rows, bad, stats } = await read(path);
    assert.deepEqual(
      rows.map((r) => [r.line, r.text, r.label]),
      [
        [1, 'good', 'pos'],
        [4, 'fine words', 'pos'],
        [6, 'deep extra field', 'neg'],
        [8, 'toString label', 'toString'],
      ],
    );
    assert.deepEqual(bad, [
      { line: 2, reason: 'no text ("text" is missing or null)' },
      { line: 3, reason: 'the text is an object, not a string' },
      { line: 5, reason: 'the text is an array, not a string' },
      { line: 7, reason: 'the label is an object, not a string, a number or a list of them' },
    ]);
    assert.equal(stats.badRowCount, 4);
    // A field named like an Object.prototype member is read only when the record has it.
    const byConstructor = await read(
      file('ctor.jsonl', '{"constructor": "a text in a field named constructor"}\n{"other": 1}\n'),
      { text: 'constructor', label: null },
    );
    assert.deepEqual(
      byConstructor.rows.map((r) => r.text),
      ['a text in a field named constructor'],
    );
    assert.deepEqual(byConstructor.bad, [{ line: 2, reason: 'no text ("constructor" is missing or null)' }]);

    const preview = await previewDataset(path);
    assert.deepEqual(preview.columns, ['text', 'label', '__proto__', 'constructor', 'x']);
    assert.equal(preview.rows[1]['__proto__'], '{"text":"polluted","polluted":1}');
    assert.equal(preview.rows[5].x, '(an array, nested too deeply to show)');
    assert.ok(
      preview.rows.every((r) => Object.getPrototypeOf(r) === null),
      'preview rows have no prototype a key could reach',
    );
    assert.equal(preview.guess.text, 'text');
    const plain: Record<string, unknown> = {};
    assert.equal(plain.polluted, undefined, 'Object.prototype was not touched');
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'text'), false);
  });

  it('previewDataset refuses a JSON(L) file with no objects at the top', async () => {
    await assert.rejects(
      previewDataset(file('none.jsonl', '1\n2\n')),
      (e: unknown) => e instanceof DatasetError && /no JSON object/.test(e.message),
    );
    await assert.rejects(previewDataset(file('none.json', '')), DatasetError);
  });
});
