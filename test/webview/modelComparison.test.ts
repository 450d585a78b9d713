import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineVerdict, compareExplanations } from '../../webview/explain/logic/modelComparison';
import { fakeResult } from './fakeResult';

const rows = [
  { id: 'a', label: 'A (x)', weights: [1, 0, 0] },
  { id: 'b', label: 'B', weights: [0, -1, 0] },
];

describe('what differs between two models’ explanations of one text', () => {
  it('finds nothing between a result and itself', () => {
    const r = fakeResult(rows);
    const diff = compareExplanations(r, r);
    assert.equal(diff.predictionChanged, false);
    assert.equal(diff.changedVerdicts, 0);
    assert.equal(diff.comparedVerdicts, 6);
    assert.ok(diff.rows.every((row) => !row.topMoved && row.changes.length === 0));
  });

  it('names each verdict that changed, and where', () => {
    const before = fakeResult(rows);
    // Erasing 'good' now raises p(positive) under delete only: A's top unit violates there.
    const after = fakeResult(rows, { delete: [-0.1, -0.05, 0] });
    const diff = compareExplanations(before, after);
    assert.equal(diff.changedVerdicts, 1);
    assert.deepEqual(diff.rows.find((r) => r.id === 'a')!.changes, [
      { operator: 'delete', before: false, after: true },
    ]);
    assert.equal(baselineVerdict(before, 'a', 'delete'), false);
    assert.equal(baselineVerdict(after, 'a', 'delete'), true);
    assert.equal(baselineVerdict(before, 'missing', 'delete'), undefined);
  });

  it('matches top units by their place in the text, compares only explainers both ran, and sees a new prediction', () => {
    const before = fakeResult([...rows, { id: 'c', weights: null }]);
    const after = fakeResult([{ id: 'b', label: 'B', weights: [0, 0, -1] }, { id: 'c' }]);
    after.prediction = { ...after.prediction, index: 0, label: 'negative' };
    const diff = compareExplanations(before, after);
    assert.equal(diff.predictionChanged, true);
    assert.deepEqual(
      diff.rows.map((r) => r.id),
      ['b'],
      'c did not run in the first; a is not in the second',
    );
    assert.deepEqual([diff.rows[0].topBefore, diff.rows[0].topAfter, diff.rows[0].topMoved], ['but', 'bad', true]);
    // The same word cut differently by another tokenizer keeps its place: not moved.
    const shifted = fakeResult(rows);
    shifted.units = [{ text: 'good', start: 0, end: 4, tokens: [5, 6] }, ...shifted.units.slice(1)];
    assert.equal(compareExplanations(before, shifted).rows[0].topMoved, false);
  });
});
