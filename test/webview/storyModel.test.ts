import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkUnits, shortLabel, storyRows } from '../../webview/explain/logic/storyModel';
import { PAPER_CORE_EXPLAINERS } from '../../src/core/explainers/paperCore';
import { EXPLAINERS } from '../../src/core/explainers/registry';
import { ERASURE_OPERATORS, operatorShortName } from '../../src/core/erasure/operators';
import { fakeResult } from './fakeResult';

describe('the compact view’s layout', () => {
  it('cuts units into chunks that fit, in order, covering each unit once', () => {
    assert.deepEqual(chunkUnits([30, 30, 30, 30], 100), [
      [0, 3],
      [3, 4],
    ]);
    assert.deepEqual(chunkUnits([30, 30, 30, 30], 120), [[0, 4]]);
    // A unit wider than the panel gets its own chunk rather than none.
    assert.deepEqual(chunkUnits([20, 500, 20], 100), [
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    assert.deepEqual(chunkUnits([], 100), []);
    const widths = Array.from({ length: 57 }, (_, i) => 18 + ((i * 37) % 50));
    const chunks = chunkUnits(widths, 300);
    assert.deepEqual(
      chunks.flatMap(([a, b]) => Array.from({ length: b - a }, (_, k) => a + k)),
      widths.map((_, i) => i),
    );
    for (const [a, b] of chunks) {
      const sum = widths.slice(a, b).reduce((x, y) => x + y, 0);
      assert.ok(sum <= 300 || b - a === 1, `chunk ${a}–${b} is ${sum} px`);
      // Greedy: the next unit would not have fitted.
      if (b < widths.length) assert.ok(sum + widths[b] > 300);
    }
  });

  it('shows the paper’s core explainers unless all are asked for, or none of them ran', () => {
    const result = fakeResult(
      ['raw-attention', 'lime', 'attention-x-gradient', 'occlusion', 'random'].map((id) => ({ id, label: id })),
    );
    const ids = result.explanations.map((e) => e.id);
    const core = storyRows(result, false);
    assert.deepEqual(
      core.rows.map((r) => r.id),
      ids.filter((id) => PAPER_CORE_EXPLAINERS.includes(id)),
    );
    assert.equal(core.hidden, ids.length - core.rows.length);
    assert.deepEqual(
      storyRows(result, true).rows.map((r) => r.id),
      ids,
    );
    const onlyLime = {
      ...result,
      explanations: result.explanations.filter((e) => !PAPER_CORE_EXPLAINERS.includes(e.id)),
    };
    assert.ok(onlyLime.explanations.length > 0);
    assert.equal(storyRows(onlyLime, false).rows.length, onlyLime.explanations.length);
    assert.equal(storyRows(onlyLime, false).hidden, 0);
  });

  it('names explainers and operators briefly', () => {
    assert.equal(shortLabel('AttGrad (α⊙∇α)'), 'AttGrad');
    assert.equal(shortLabel('Random'), 'Random');
    assert.equal(shortLabel('(only brackets)'), '(only brackets)');
    for (const id of PAPER_CORE_EXPLAINERS)
      assert.ok(
        EXPLAINERS.some((e) => e.id === id),
        `${id} is registered`,
      );
    const shorts = Object.keys(ERASURE_OPERATORS).map(operatorShortName);
    assert.equal(new Set(shorts).size, shorts.length, 'each operator’s heading is its own');
    for (const s of shorts) assert.ok(s.length > 0 && s.length <= 5, s);
    assert.equal(operatorShortName('some-new-operator'), 'some-');
  });
});
