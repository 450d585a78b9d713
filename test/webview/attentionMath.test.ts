import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttentionView } from '../../src/core/explain/explainResult';
import {
  headMatrix,
  matrixMax,
  rowLabels,
  strongestCell,
  validAttentionView,
} from '../../webview/explain/logic/attentionMath';

// Two heads of a 2 × 3 map, head-major then row-major, as ExplainResult stores them.
const layer = {
  name: 'attention_0',
  heads: 2,
  rows: 2,
  cols: 3,
  values: [0.2, 0.3, 0.5, 1, 0, 0, 0.6, 0.1, 0.3, 0, 0.5, 0.5],
};
const view: AttentionView = { tokens: ['[CLS]', 'a', 'b'], layers: [layer, { ...layer, name: 'attention_1' }] };

describe('attention view maths', () => {
  it('picks one head’s rows × cols block', () => {
    assert.deepEqual(Array.from(headMatrix(layer, 1).values), [0.6, 0.1, 0.3, 0, 0.5, 0.5]);
  });

  it('averages the heads cell by cell for head “mean”', () => {
    const mean = headMatrix(layer, 'mean');
    const expected = [0.4, 0.2, 0.4, 0.5, 0.25, 0.25];
    mean.values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `${i}: ${v}`));
    assert.equal(matrixMax(mean), 0.5);
    assert.deepEqual(strongestCell(mean), { row: 1, col: 0, value: 0.5 });
  });

  it('refuses a head the layer does not have', () => {
    assert.throws(() => headMatrix(layer, 2), /no head 2/);
  });

  it('labels self-attention rows with tokens and a single attention row as α', () => {
    assert.deepEqual(rowLabels({ tokens: ['x', 'y'], layers: [] }, { ...layer, rows: 2 }), ['x', 'y']);
    assert.deepEqual(rowLabels(view, { ...layer, rows: 1 }), ['α']);
  });

  it('keeps a saved layer and head when the result has them, else the last layer and the mean', () => {
    assert.deepEqual(validAttentionView(view, 0, 1), { layer: 0, head: 1 });
    assert.deepEqual(validAttentionView(view, 5, 1), { layer: 1, head: 1 });
    assert.deepEqual(validAttentionView(view, 0, 7), { layer: 0, head: 'mean' });
    assert.deepEqual(validAttentionView(view, undefined, undefined), { layer: 1, head: 'mean' });
  });
});
