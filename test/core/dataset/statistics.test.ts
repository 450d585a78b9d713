import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proportion, RunningMean } from '../../../src/core/dataset/statistics';

const close = (a: number | null, b: number, eps = 5e-4) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≉ ${b}`);

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
    close(e.hi, mean + 2.447 * (sd / Math.sqrt(7)), 1e-9); // t(0.975, 6 df) = 2.447
    const clipped = m.estimate([0, 1]);
    assert.ok(clipped.lo! >= 0 && clipped.hi! <= 1);
    assert.deepEqual(new RunningMean().estimate(), { n: 0, mean: null, lo: null, hi: null });
  });
});
