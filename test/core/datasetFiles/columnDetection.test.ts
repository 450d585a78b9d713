import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { guessColumns } from '../../../src/core/datasetFiles/columnDetection';
import { detectFormat, previewDataset, readRows } from '../../../src/core/datasetFiles/datasetReader';
import { DatasetError } from '../../../src/core/datasetFiles/datasetTypes';
import { readLabelledCsv } from '../../../src/core/datasetFiles/labelledCsv';
import { DATA } from '../../helpers/paths';
import { tempFiles } from './datasetFiles';

const { file } = tempFiles('pl-cols-');

const SENTENCES = [
  'the movie was a delight from start to finish',
  'a tedious, overlong mess with nothing to say',
  'i would watch it again with my family',
  'the acting is wooden and the plot is thin',
  'one of the best films of the year, no doubt',
  'forgettable in every single way that matters',
];
const LABELS = ['pos', 'neg', 'pos', 'neg', 'pos', 'neg'];

/** Rows from columns of values (each array one column). */
function rowsOf(columns: Record<string, string[]>): Record<string, string>[] {
  const n = Math.max(...Object.values(columns).map((v) => v.length));
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v[i] ?? ''])),
  );
}

describe('guessColumns by name', () => {
  const cases: [string[], string | null, string | null][] = [
    [['text', 'label'], 'text', 'label'],
    [['label', 'text'], 'text', 'label'],
    [['id', 'sentence', 'label'], 'sentence', 'label'],
    [['review', 'sentiment'], 'review', 'sentiment'],
    [['Review Text', 'Rating'], 'Review Text', 'Rating'],
    [['reviewText', 'overall'], 'reviewText', null],
    [['TEXT', 'LABEL'], 'TEXT', 'LABEL'],
    [['content', 'category'], 'content', 'category'],
    [['question', 'coarse_label', 'fine_label'], 'question', 'coarse_label'],
    [['text_id', 'utterance', 'intent'], 'utterance', 'intent'],
    [['document', 'target'], 'document', 'target'],
    [['comment_text', 'toxic', 'y'], 'comment_text', 'y'],
    [['body', 'gold_label'], 'body', 'gold_label'],
    [['tweet', 'class'], 'tweet', 'class'],
  ];
  for (const [columns, text, label] of cases) {
    it(`${columns.join(',')} → text ${text}, label ${label} (header only)`, () => {
      const guess = guessColumns(columns, []);
      assert.equal(guess.text, text);
      assert.equal(guess.label, label);
      assert.equal(guess.ambiguous, false);
    });
  }

  it('two equally named text columns are ambiguous (sentence1, sentence2)', () => {
    const guess = guessColumns(
      ['sentence1', 'sentence2', 'label'],
      rowsOf({ sentence1: SENTENCES, sentence2: SENTENCES, label: LABELS }),
    );
    assert.equal(guess.text, 'sentence1');
    assert.deepEqual(guess.textCandidates, ['sentence1', 'sentence2']);
    assert.equal(guess.ambiguous, true);
  });

  it('a text word next to an id-like word is not text (text_length), a label word never is', () => {
    const guess = guessColumns(['text_length', 'label_text'], []);
    assert.equal(guess.text, null);
    assert.equal(guess.ambiguous, true);
  });
});

describe('guessColumns by content', () => {
  it('the one column of long spaced values is the text; a few repeated short values the label', () => {
    const rows = rowsOf({ a: SENTENCES, b: LABELS, c: ['1', '2', '3', '4', '5', '6'] });
    const guess = guessColumns(['a', 'b', 'c'], rows);
    assert.deepEqual(guess, { text: 'a', label: 'b', textCandidates: ['a'], labelCandidates: ['b'], ambiguous: false });
  });

  it('small integer labels are found; unique ids and scores are not labels', () => {
    const n = 40;
    const rows = Array.from({ length: n }, (_, i) => ({
      uid: String(1000 + i),
      score: (i / 7).toFixed(3),
      x1: SENTENCES[i % 6] + ` (${i})`,
      x2: String(i % 3),
    }));
    const guess = guessColumns(['uid', 'score', 'x1', 'x2'], rows);
    assert.equal(guess.text, 'x1');
    assert.equal(guess.label, 'x2');
    assert.deepEqual(guess.labelCandidates, ['x2']);
    assert.equal(guess.ambiguous, false);
  });

  it('two unnamed text-like columns are ambiguous; the longer one comes first', () => {
    const short = [
      'a short one here',
      'and another short',
      'three words here',
      'four is also here',
      'five is ok too',
      'six is the last',
    ];
    const rows = rowsOf({ c1: short, c2: SENTENCES, c3: LABELS });
    const guess = guessColumns(['c1', 'c2', 'c3'], rows);
    assert.equal(guess.text, 'c2');
    assert.deepEqual(guess.textCandidates, ['c2', 'c1']);
    assert.equal(guess.label, 'c3');
    assert.equal(guess.ambiguous, true);
  });

  it('a name match beats content: no question when one column is named like text', () => {
    const rows = rowsOf({
      notes: SENTENCES,
      review: SENTENCES.map((s) => s.slice(0, 20)),
      stars: ['1', '5', '4', '2', '5', '1'],
    });
    const guess = guessColumns(['notes', 'review', 'stars'], rows);
    assert.equal(guess.text, 'review');
    assert.deepEqual(guess.textCandidates, ['review', 'notes']);
    assert.equal(guess.label, 'stars');
    assert.equal(guess.ambiguous, false);
  });

  it('nothing text-like: text null and ambiguous', () => {
    const guess = guessColumns(['id', 'value'], rowsOf({ id: ['1', '2', '3'], value: ['0.1', '0.2', '0.3'] }));
    assert.equal(guess.text, null);
    assert.equal(guess.ambiguous, true);
    assert.deepEqual(guessColumns(['foo', 'bar'], []).text, null);
  });

  it('is deterministic', () => {
    const rows = rowsOf({ c1: SENTENCES, c2: SENTENCES, c3: LABELS });
    assert.deepEqual(guessColumns(['c1', 'c2', 'c3'], rows), guessColumns(['c1', 'c2', 'c3'], rows));
    assert.equal(guessColumns(['c1', 'c2', 'c3'], rows).text, 'c1', 'ties go to the earlier column');
  });
});

describe('detectFormat', () => {
  it('maps extensions, case-insensitively', () => {
    assert.equal(detectFormat('a/b.csv'), 'csv');
    assert.equal(detectFormat('B.CSV'), 'csv');
    assert.equal(detectFormat('x.tsv'), 'tsv');
    assert.equal(detectFormat('x.tab'), 'tsv');
    assert.equal(detectFormat('x.jsonl'), 'jsonl');
    assert.equal(detectFormat('x.ndjson'), 'jsonl');
    assert.equal(detectFormat('x.json'), 'json');
    assert.equal(detectFormat('x.TXT'), 'txt');
  });
  it('refuses anything else, listing what is supported', () => {
    for (const name of ['x.md', 'x.xlsx', 'noext', 'x.csv.gz']) {
      assert.throws(
        () => detectFormat(name),
        (e: unknown) =>
          e instanceof DatasetError && /\.csv, \.tsv, \.tab, \.jsonl, \.ndjson, \.json, \.txt/.test(e.message),
      );
    }
  });
});

describe('previewDataset', () => {
  it('reads the header and the first rows only, and guesses', async () => {
    const lines = ['id,review,stars'];
    for (let i = 0; i < 500; i++) lines.push(`${i},"${SENTENCES[i % 6]}, really",${(i % 5) + 1}`);
    lines.push('"an unclosed quote after the preview');
    const preview = await previewDataset(file('p.csv', lines.join('\n')), { rows: 10 });
    assert.equal(preview.format, 'csv');
    assert.deepEqual(preview.columns, ['id', 'review', 'stars']);
    assert.equal(preview.rows.length, 10);
    assert.deepEqual({ ...preview.rows[0] }, { id: '0', review: `${SENTENCES[0]}, really`, stars: '1' });
    assert.equal(preview.guess.text, 'review');
    assert.equal(preview.guess.label, 'stars');
    assert.equal((await previewDataset(file('d.csv', lines.join('\n')))).rows.length, 50, 'default 50 rows');
  });

  it('a CSV column named __proto__ or constructor is a plain column of the preview', async () => {
    const preview = await previewDataset(
      file(
        'proto.csv',
        '__proto__,constructor,text\n{"polluted":1},ctor,a perfectly ordinary sentence for the preview\n',
      ),
    );
    assert.deepEqual(preview.columns, ['__proto__', 'constructor', 'text']);
    assert.deepEqual(Object.entries(preview.rows[0]), [
      ['__proto__', '{"polluted":1}'],
      ['constructor', 'ctor'],
      ['text', 'a perfectly ordinary sentence for the preview'],
    ]);
    assert.equal(Object.getPrototypeOf(preview.rows[0]), null);
    assert.equal(preview.guess.text, 'text');
  });

  it('a header-only file has columns and no rows; an empty file is a DatasetError', async () => {
    const preview = await previewDataset(file('h.tsv', 'text\tlabel\n'));
    assert.deepEqual(preview.columns, ['text', 'label']);
    assert.deepEqual(preview.rows, []);
    assert.equal(preview.guess.text, 'text');
    await assert.rejects(
      previewDataset(file('e.csv', '')),
      (e: unknown) => e instanceof DatasetError && /empty.*header row/.test(e.message),
    );
    await assert.rejects(previewDataset(file('e.md', 'a')), DatasetError);
  });

  it('skips ragged rows in the preview', async () => {
    const preview = await previewDataset(file('r.csv', 'text,label\na,b,c\nok,pos\n'));
    assert.deepEqual(
      preview.rows.map((r) => ({ ...r })),
      [{ text: 'ok', label: 'pos' }],
    );
  });
});

describe('the shared datasets (text,label CSVs)', () => {
  const files = ['sst2/test.csv', 'trec/test.csv', 'ag_news/test.csv']
    .map((f) => join(DATA, f))
    .filter((f) => existsSync(f));

  it('are present', { skip: files.length === 0 ? `no datasets under ${DATA}` : false }, () => {
    assert.ok(files.length > 0);
  });

  for (const path of files) {
    it(`${path.slice(DATA.length + 1)}: text and label detected, not ambiguous; every row read, as the whole-file reader reads them`, async () => {
      const preview = await previewDataset(path);
      assert.deepEqual(preview.columns, ['text', 'label']);
      assert.equal(preview.rows.length, 50);
      assert.equal(preview.guess.text, 'text');
      assert.equal(preview.guess.label, 'label');
      assert.equal(preview.guess.ambiguous, false);

      const expected = readLabelledCsv(path);
      let i = 0;
      for await (const row of readRows(path, { text: 'text', label: 'label' })) {
        assert.equal(row.text, expected[i].text);
        assert.equal(row.label, expected[i].label);
        i++;
      }
      assert.equal(i, expected.length);
    });
  }
});
