import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averageRanks, kendallTauB, spearman } from '../../src/core/math/rankCorrelation';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('rank correlation', () => {
  it('gives tied values the average of their ranks', () => {
    assert.deepEqual(averageRanks([10, 20, 10, 30]), [1.5, 3, 1.5, 4]);
  });

  it('is +1 for the same order, −1 for the reverse, whatever the scale', () => {
    close(spearman([1, 2, 3, 4], [10, 200, 3000, 40000]), 1);
    close(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    close(kendallTauB([1, 2, 3, 4], [10, 200, 3000, 40000]), 1);
    close(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  });

  it('matches hand-computed values with ties (rho 0.9487, tau-b 0.9129)', () => {
    // x = [1,2,2,3], y = [1,3,2,4]: ranks x [1,2.5,2.5,4], y [1,3,2,4].
    close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), 0.9486832980505138);
    // tau-b: C=5, D=0, ties only in x: 1 pair -> 5 / sqrt(5*6)
    close(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4]), 5 / Math.sqrt(30));
  });

  it('is undefined (NaN) when one side is constant or there is one value', () => {
    assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
    assert.ok(Number.isNaN(kendallTauB([1, 1, 1], [1, 2, 3])));
    assert.ok(Number.isNaN(spearman([1], [2])));
  });
});
