import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelInput } from '../../src/core/erasure/erasureOperator';
import { ERASURE_OPERATORS, erasureOperator, PAPER_OPERATORS } from '../../src/core/erasure/operators';

const input = (): ModelInput => ({ ids: [2, 10, 11, 12, 3], attentionMask: [1, 1, 1, 1, 1] });
const context = { maskTokenId: 1 };

describe('erasure operators', () => {
  it('delete removes exactly the erased tokens and keeps the rest in order', () => {
    assert.deepEqual(erasureOperator('delete').erase(input(), [1, 3], context), {
      ids: [2, 11, 3],
      attentionMask: [1, 1, 1],
    });
  });

  it('zero-embedding keeps ids and mask and scales only the erased positions to 0', () => {
    assert.deepEqual(erasureOperator('zero-embedding').erase(input(), [2], context), {
      ids: [2, 10, 11, 12, 3],
      attentionMask: [1, 1, 1, 1, 1],
      embeddingScale: [1, 1, 0, 1, 1],
    });
  });

  it('attention-mask keeps ids and zeroes only the mask at the erased positions', () => {
    assert.deepEqual(erasureOperator('attention-mask').erase(input(), [2], context), {
      ids: [2, 10, 11, 12, 3],
      attentionMask: [1, 1, 0, 1, 1],
    });
  });

  it('mask-token replaces only the erased ids by the mask token', () => {
    assert.deepEqual(erasureOperator('mask-token').erase(input(), [1, 2], context), {
      ids: [2, 1, 1, 12, 3],
      attentionMask: [1, 1, 1, 1, 1],
    });
    assert.throws(() => erasureOperator('mask-token').erase(input(), [1], {}), /needs a mask token/);
  });

  it('operators compose: deleting after zeroing keeps the scale aligned with the ids', () => {
    const zeroed = erasureOperator('zero-embedding').erase(input(), [3], context);
    assert.deepEqual(erasureOperator('delete').erase(zeroed, [1], context).embeddingScale, [1, 1, 0, 1]);
  });

  it('never changes the input it was given', () => {
    for (const op of Object.values(ERASURE_OPERATORS)) {
      const original = input();
      op.erase(original, [1], context);
      assert.deepEqual(original, input(), op.name);
    }
  });

  it('rejects positions outside the input and unknown operator names', () => {
    for (const op of Object.values(ERASURE_OPERATORS)) {
      assert.throws(() => op.erase(input(), [5], context), /cannot erase position 5 of an input of 5 tokens/, op.name);
    }
    assert.throws(
      () => erasureOperator('slice'),
      /Unknown erasure operator "slice"; choose one of delete, zero-embedding, attention-mask, mask-token/,
    );
  });

  it('the paper operators are the three the violation ratio averages over, each with its paper name', () => {
    assert.deepEqual(
      PAPER_OPERATORS.map((n) => ERASURE_OPERATORS[n].paperName),
      ['slice_out', 'zeros_mask', 'att_mask'],
    );
  });
});
