import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusteredCount, proportion, RunningMean } from '../../../src/core/datasetRun/statistics';

const close = (a: number | null, b: number, eps = 5e-4) =>
  assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≉ ${b}`);

describe('report statistics', () => {
  it('Wilson intervals match published values, stay inside [0, 1], and are empty for n = 0', () => {
    // Reference values (Newcombe 1998, table I style; also R's prop.test(correct = FALSE)).
    const half = proportion(15, 30);
    close(half.lo, 0.3315);
    close(half.hi, 0.6685);
    const none = proportion(0, 30);
    assert.equal(none.lo, 0);
    close(none.hi, 0.1135);
    const all = proportion(10, 10);
    close(all.lo, 0.7225);
    assert.equal(all.hi, 1);
    assert.deepEqual(proportion(0, 0), { k: 0, n: 0, ratio: null, lo: null, hi: null });
  });

  it('the running mean equals the batch mean, with a t interval, and ignores missing values', () => {
    const xs = [0, 1 / 3, 2 / 3, 1, 1, 0, 1 / 3];
    const m = new RunningMean();
    [...xs, null, undefined, NaN].forEach((x) => m.add(x));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    const e = m.estimate();
    assert.equal(e.n, 7);
    close(e.mean, mean, 1e-12);
    close(e.hi, mean + 2.446912 * (sd / Math.sqrt(7)), 1e-6); // t(0.975, 6 df) = 2.446912
    const clipped = m.estimate([0, 1]);
    assert.ok(clipped.lo! >= 0 && clipped.hi! <= 1);
    assert.deepEqual(new RunningMean().estimate(), { n: 0, mean: null, lo: null, hi: null });
  });

  it('judgements made several per row get a Wilson interval at the effective sample size, between the rows and the judgements', () => {
    const count = (rows: [number, number][]) => {
      const c = new ClusteredCount();
      rows.forEach(([k, n]) => c.addRow(k, n));
      return c.estimate();
    };
    // One judgement per row: exactly Wilson, no effective size.
    assert.deepEqual(
      count([
        [1, 1],
        [0, 1],
        [1, 1],
        [0, 1],
        [0, 1],
      ]),
      proportion(2, 5),
    );
    // Three labels per row that always agree: the information of 10 rows, not 30 judgements.
    const agreeing = count([...Array(4).fill([3, 3]), ...Array(6).fill([0, 3])] as [number, number][]);
    assert.deepEqual([agreeing.k, agreeing.n, agreeing.ratio, agreeing.effectiveN], [12, 30, 0.4, 10]);
    close(agreeing.lo, proportion(4, 10).lo!, 1e-12);
    close(agreeing.hi, proportion(4, 10).hi!, 1e-12);
    // Exactly one violating label in every row: no spread between rows, so nothing is lost to clustering.
    assert.deepEqual(count(Array(10).fill([1, 3]) as [number, number][]), proportion(10, 30));
    // Every judgement the same: the interval of the rows (the cautious end), still exact at 0.
    const none = count(Array(10).fill([0, 3]) as [number, number][]);
    assert.equal(none.effectiveN, 10);
    assert.equal(none.lo, 0);
    close(none.hi, proportion(0, 10).hi!, 1e-12);
    // In between: wider than the judgements' Wilson interval, narrower than the rows'.
    const mixed = count([
      [2, 3],
      [0, 3],
      [3, 3],
      [1, 3],
      [0, 3],
      [2, 3],
      [3, 3],
      [0, 3],
    ]);
    assert.ok(mixed.effectiveN! > 8 && mixed.effectiveN! < 24, String(mixed.effectiveN));
    const naive = proportion(11, 24);
    assert.ok(mixed.lo! < naive.lo! && mixed.hi! > naive.hi!);
    assert.equal(new ClusteredCount().estimate().ratio, null);
  });

  it("the t interval uses Student's quantile at every sample size, not the normal one beyond 30", () => {
    // t(0.975, df) from R's qt(): 2.042272 (30), 2.039513 (31), 2.008559 (50), 1.962339 (1000).
    for (const [df, t] of [
      [30, 2.042272],
      [31, 2.039513],
      [50, 2.008559],
      [1000, 1.962339],
    ]) {
      const xs = Array.from({ length: df + 1 }, (_, i) => (i % 3) / 2);
      const m = new RunningMean();
      xs.forEach((x) => m.add(x));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
      const e = m.estimate();
      close((e.hi! - e.mean!) / (sd / Math.sqrt(xs.length)), t, 2e-5);
    }
  });
});
