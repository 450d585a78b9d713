import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ariaSort } from '../../webview/shared/sortOrder';
import { nextSort, sortRows, summaryRows, validSort } from '../../webview/explain/logic/summaryTable';
import { fakeResult } from './fakeResult';

// Δ: 'good' supports under every operator, 'bad' suppresses under zero-embedding only.
const result = fakeResult(
  [
    { id: 'a', label: 'beta', weights: [0.9, 0.1, 0.1], runtimeMs: 30 },
    { id: 'b', label: 'Alpha', weights: [0.1, 0.1, 0.9], runtimeMs: 5 },
    { id: 'c', label: 'gamma', weights: null, error: 'cannot run', runtimeMs: 0 },
    { id: 'd', label: 'delta', weights: [-0.9, 0.1, 0.1], runtimeMs: 12 },
  ],
  { delete: [0.1, -0.05, 0.02], 'zero-embedding': [0.1, -0.05, -0.3], 'attention-mask': [0.1, 0, 0.01] },
);
const ids = (column: Parameters<typeof nextSort>[1], descending: boolean): string[] =>
  sortRows(summaryRows(result, 'delete'), { column, descending }).map((r) => r.id);

describe('violation summary sorting', () => {
  it('derives each row’s verdicts per operator from the result', () => {
    const rows = summaryRows(result, 'delete');
    assert.deepEqual(rows.find((r) => r.id === 'b')?.violates, {
      delete: false,
      'zero-embedding': true,
      'attention-mask': false,
    });
    assert.deepEqual(rows.find((r) => r.id === 'd')?.violates, {
      delete: true,
      'zero-embedding': true,
      'attention-mask': true,
    });
    assert.deepEqual(rows.find((r) => r.id === 'c')?.violates, {
      delete: null,
      'zero-embedding': null,
      'attention-mask': null,
    });
  });

  it('sorts numbers both ways and keeps rows without a value (a failed explainer) last either way', () => {
    assert.deepEqual(ids('violationMean', true), ['d', 'b', 'a', 'c']);
    assert.deepEqual(ids('violationMean', false), ['a', 'b', 'd', 'c']);
    assert.deepEqual(ids('runtimeMs', false), ['b', 'd', 'a', 'c']);
    assert.deepEqual(ids('runtimeMs', true), ['a', 'd', 'b', 'c']);
  });

  it('sorts names case-insensitively and an operator column by its verdict, ties in display order', () => {
    assert.deepEqual(ids('explainer', false), ['b', 'a', 'd', 'c']);
    assert.deepEqual(ids('operator:zero-embedding', true), ['b', 'd', 'a', 'c']);
    assert.deepEqual(ids('operator:delete', false), ['a', 'b', 'd', 'c']);
  });

  it('flips the direction on a second click and starts a new numeric column worst first', () => {
    assert.deepEqual(nextSort({ column: 'runtimeMs', descending: true }, 'runtimeMs'), {
      column: 'runtimeMs',
      descending: false,
    });
    assert.deepEqual(nextSort({ column: 'runtimeMs', descending: false }, 'violationMean'), {
      column: 'violationMean',
      descending: true,
    });
    assert.deepEqual(nextSort({ column: 'runtimeMs', descending: false }, 'explainer'), {
      column: 'explainer',
      descending: false,
    });
    assert.equal(ariaSort({ column: 'runtimeMs', descending: true }, 'runtimeMs'), 'descending');
    assert.equal(ariaSort({ column: 'runtimeMs', descending: true }, 'explainer'), 'none');
  });

  it('drops a saved sort on an operator column the new result does not have', () => {
    assert.deepEqual(validSort({ column: 'operator:mask-token', descending: false }, result), {
      column: 'violationMean',
      descending: true,
    });
    assert.deepEqual(validSort({ column: 'operator:delete', descending: false }, result), {
      column: 'operator:delete',
      descending: false,
    });
  });
});
