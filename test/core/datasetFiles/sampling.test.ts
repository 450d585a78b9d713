import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newReadStats, readRows, selectRows } from '../../../src/core/datasetFiles/datasetReader';
import {
  DatasetError,
  type ColumnChoice,
  type SampleSpec,
  type SelectedRow,
} from '../../../src/core/datasetFiles/datasetTypes';
import { allocateStrata, sampleRows, validateSampleSpec } from '../../../src/core/datasetFiles/sampling';
import { seededRandom } from '../../../src/core/math/random';
import { tempFiles } from './datasetFiles';

const { dir, file } = tempFiles('pl-sample-');

const TL: ColumnChoice = { text: 'text', label: 'label' };

async function collect(rows: AsyncIterable<SelectedRow>): Promise<SelectedRow[]> {
  const out: SelectedRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** 100 labelled rows (a ×60, b ×30, c ×10, interleaved), a bad row, and 5 unlabelled rows. */
function labelledFile(): string {
  const lines = ['text,label'];
  for (let i = 0; i < 100; i++) lines.push(`row ${i},${i % 10 === 9 ? 'c' : i % 10 >= 6 ? 'b' : 'a'}`);
  lines.push('ragged,row,here');
  for (let i = 0; i < 5; i++) lines.push(`unlabelled ${i},`);
  return file('labelled.csv', lines.join('\n'));
}

function isFileOrder(rows: SelectedRow[]): boolean {
  return rows.every((r, i) => i === 0 || (r.row > rows[i - 1].row && r.line > rows[i - 1].line));
}

describe('validateSampleSpec', () => {
  it('accepts good specs and explains bad ones', () => {
    validateSampleSpec({ mode: 'all' });
    validateSampleSpec({ mode: 'first', n: 1 });
    validateSampleSpec({ mode: 'random', n: 10, seed: 7 });
    const bad: [SampleSpec, RegExp][] = [
      [{ mode: 'first' }, /"first" needs n.*positive integer \(got undefined\)/],
      [{ mode: 'random', n: 0 }, /positive integer \(got 0\)/],
      [{ mode: 'stratified', n: 2.5 }, /positive integer \(got 2\.5\)/],
      [{ mode: 'random', n: -3 }, /positive integer/],
      [{ mode: 'random', n: 3, seed: -1 }, /seed must be a non-negative integer/],
      [
        { mode: 'sometimes' as SampleSpec['mode'], n: 3 },
        /unknown sampling mode "sometimes"; use one of: all, first, random, stratified/,
      ],
    ];
    for (const [spec, message] of bad)
      assert.throws(
        () => validateSampleSpec(spec),
        (e: unknown) => e instanceof DatasetError && message.test(e.message),
      );
  });

  it('selectRows validates before reading', async () => {
    await assert.rejects(
      collect(selectRows(join(dir, 'does-not-exist.csv'), TL, { mode: 'first', n: 0 })),
      /positive integer/,
    );
  });
});

describe('selectRows', () => {
  it("'all' is readRows", async () => {
    const path = labelledFile();
    assert.deepEqual(await collect(selectRows(path, TL, { mode: 'all' })), await collect(readRows(path, TL)));
  });

  it("'first' stops reading after n good rows: a malformed tail is never seen", async () => {
    const lines = ['text,label', 'a,1', 'bad,row,here', 'b,2', 'c,3', 'd,4', '"unclosed quote,5', 'e,6'];
    const path = file('tail.csv', lines.join('\n'));
    const stats = newReadStats();
    const rows = await collect(selectRows(path, TL, { mode: 'first', n: 3 }, { stats }));
    assert.deepEqual(
      rows.map((r) => r.text),
      ['a', 'b', 'c'],
    );
    assert.equal(stats.badRowCount, 1, 'only the ragged row before the third good one');
    const clean = newReadStats();
    assert.equal((await collect(selectRows(path, TL, { mode: 'first', n: 4 }, { stats: clean }))).length, 4);
    assert.equal(
      clean.badRows.some((b) => /quote/.test(b.reason)),
      false,
    );
    // n beyond the file: every row (and then the bad tail is reached).
    assert.deepEqual(
      (await collect(selectRows(path, TL, { mode: 'first', n: 100 }))).map((r) => r.text),
      ['a', 'b', 'c', 'd'],
    );
  });

  it("'random' is reproducible per seed, differs across seeds, in file order, and counts the whole file", async () => {
    const path = labelledFile();
    const stats = newReadStats();
    const a = await collect(selectRows(path, TL, { mode: 'random', n: 10, seed: 1 }, { stats }));
    const b = await collect(selectRows(path, TL, { mode: 'random', n: 10, seed: 1 }));
    const c = await collect(selectRows(path, TL, { mode: 'random', n: 10, seed: 2 }));
    const d = await collect(selectRows(path, TL, { mode: 'random', n: 10 }));
    assert.equal(a.length, 10);
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.map((r) => r.row),
      c.map((r) => r.row),
    );
    assert.deepEqual(d, await collect(selectRows(path, TL, { mode: 'random', n: 10, seed: 0 })), 'seed defaults to 0');
    assert.ok(isFileOrder(a));
    assert.equal(new Set(a.map((r) => r.row)).size, 10);
    assert.deepEqual(stats, {
      rowsRead: 106,
      badRowCount: 1,
      badRows: [{ line: 102, reason: 'has 3 fields, the header has 2' }],
    });
    // n larger than the file: every good row.
    assert.equal((await collect(selectRows(path, TL, { mode: 'random', n: 1000, seed: 3 }))).length, 105);
  });

  it("'random' is uniform: over many seeds every row is picked about n/N of the time", async () => {
    const N = 20;
    const n = 5;
    const rows: SelectedRow[] = Array.from({ length: N }, (_, i) => ({
      row: i,
      line: i + 2,
      text: `t${i}`,
      label: null,
    }));
    const source = async function* () {
      yield* rows;
    };
    const picks = new Array<number>(N).fill(0);
    const seeds = 4000;
    for (let seed = 0; seed < seeds; seed++)
      for await (const r of sampleRows(source, { mode: 'random', n, seed })) picks[r.row]++;
    const expected = (seeds * n) / N; // 1000; sd ≈ 27
    for (const p of picks) assert.ok(Math.abs(p - expected) < 120, `picked ${p} times, expected about ${expected}`);
  });

  it("'stratified' keeps label proportions (largest remainder), reads the file twice, counts it once", async () => {
    const path = labelledFile();
    const stats = newReadStats();
    const bad: unknown[] = [];
    const rows = await collect(
      selectRows(path, TL, { mode: 'stratified', n: 21, seed: 5 }, { stats, onBadRow: (b) => bad.push(b) }),
    );
    const count = (label: string | null) => rows.filter((r) => r.label === label).length;
    // 105 rows: a 60, b 30, c 10, unlabelled 5 → 21 × (60, 30, 10, 5)/105 = 12, 6, 2, 1.
    assert.deepEqual([count('a'), count('b'), count('c'), count(null)], [12, 6, 2, 1]);
    assert.ok(isFileOrder(rows));
    assert.equal(stats.rowsRead, 106);
    assert.equal(stats.badRowCount, 1);
    assert.equal(bad.length, 1, 'onBadRow once, not once per pass');
    assert.deepEqual(rows, await collect(selectRows(path, TL, { mode: 'stratified', n: 21, seed: 5 })));
    assert.notDeepEqual(
      rows.map((r) => r.row),
      (await collect(selectRows(path, TL, { mode: 'stratified', n: 21, seed: 6 }))).map((r) => r.row),
    );
    // At least one row per label when n allows, even for the rarest.
    const four = await collect(selectRows(path, TL, { mode: 'stratified', n: 4, seed: 0 }));
    assert.deepEqual(new Set(four.map((r) => r.label)), new Set(['a', 'b', 'c', null]));
    // n beyond the file: every row.
    assert.equal((await collect(selectRows(path, TL, { mode: 'stratified', n: 500 }))).length, 105);
  });

  it('stops without an error on abort', async () => {
    const path = labelledFile();
    const controller = new AbortController();
    controller.abort();
    for (const mode of ['all', 'first', 'random', 'stratified'] as const) {
      assert.deepEqual(await collect(selectRows(path, TL, { mode, n: 5 }, { signal: controller.signal })), []);
    }
  });
});

describe('allocateStrata and mulberry32', () => {
  it('splits n by largest remainder, at least one per stratum when n allows, never more than a stratum has', () => {
    assert.deepEqual(allocateStrata([60, 30, 10], 10), [6, 3, 1]);
    assert.deepEqual(allocateStrata([50, 50], 3), [2, 1], 'tie: the earlier stratum');
    assert.deepEqual(allocateStrata([10, 30], 3), [1, 2], 'the larger remainder (0.75) gets the extra row');
    assert.deepEqual(allocateStrata([20, 40, 40], 3), [1, 1, 1]);
    assert.deepEqual(allocateStrata([45, 145, 10], 2), [0, 2, 0], 'equal remainders (0.45): the larger stratum');
    assert.deepEqual(allocateStrata([97, 2, 1], 10), [8, 1, 1]);
    assert.deepEqual(allocateStrata([97, 2, 1], 2), [2, 0, 0], 'n below the number of strata: proportional only');
    assert.deepEqual(allocateStrata([3, 4], 50), [3, 4]);
    const rand = seededRandom(9);
    for (let t = 0; t < 200; t++) {
      const counts = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => 1 + Math.floor(rand() * 50));
      const total = counts.reduce((a, b) => a + b, 0);
      const n = 1 + Math.floor(rand() * total);
      const q = allocateStrata(counts, n);
      assert.equal(
        q.reduce((a, b) => a + b, 0),
        n,
      );
      q.forEach((k, i) => assert.ok(k >= 0 && k <= counts[i]));
      if (n >= counts.length) assert.ok(q.every((k) => k >= 1));
    }
  });

  it('mulberry32 is deterministic, seed-dependent and in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.notDeepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => c()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05);
  });
});
