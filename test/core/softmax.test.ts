import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argmax, softmax } from '../../src/core/math/softmax';

describe('softmax and argmax', () => {
  it('softmax sums to one, keeps order, and survives huge logits', () => {
    const p = softmax([1000, 1001, 999]);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(p[1] > p[0] && p[0] > p[2]);
    assert.ok(Math.abs(p[1] - 1 / (1 + Math.exp(-1) + Math.exp(-2))) < 1e-12);
  });

  it('argmax breaks ties toward the lowest index', () => {
    assert.equal(argmax([0.2, 0.5, 0.5]), 1);
    assert.equal(argmax([-3, -1, -2]), 1);
  });
});
