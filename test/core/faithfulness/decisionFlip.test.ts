import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisionFlip, signedDecisionFlip } from '../../../src/core/faithfulness/metrics/decisionFlip';
import type { MetricContext } from '../../../src/core/faithfulness/metrics/metric';

/** Three units; erasing unit 1 alone flips ŷ = 1 to class 0, the others do not. */
function context(weights: number[], predicted = 1, target = predicted): MetricContext {
  const erased = [
    [0.2, 0.8],
    [0.7, 0.3],
    [0.4, 0.6],
  ];
  return {
    weights,
    target,
    baseline: 0.9,
    predicted,
    operator: 'delete',
    leaveOneOut: { operator: 'delete', deltas: erased.map((p) => 0.9 - p[1]), erased },
    without: () => ({ ids: [], attentionMask: [] }),
  };
}

describe('decision flip', () => {
  it('takes the top-|w| unit: a signed explainer whose top unit suppresses ŷ cannot flip it; the signed variant takes the top supporter', () => {
    const suppressorFirst = context([-0.9, 0.5, 0.1]);
    assert.equal(decisionFlip.value(suppressorFirst, []), 0, 'the suppressor (unit 0) is erased: no flip');
    assert.equal(signedDecisionFlip.value(suppressorFirst, []), 1, 'the top supporter is unit 1: it flips ŷ');
    assert.equal(decisionFlip.value(context([0.1, 0.9, 0.2]), []), 1);
    assert.equal(signedDecisionFlip.value(context([-0.5, -0.2, -0.1]), []), null, 'no unit is claimed to support');
    assert.equal(signedDecisionFlip.value(context([0.3, 0.3, 0.1]), []), 0, 'ties keep the first unit');
  });

  it('compares with the prediction ŷ, also when another class is explained', () => {
    // Explaining class 0: erasing unit 2 leaves ŷ = 1, so it is no flip although class 0 is still not predicted.
    assert.equal(decisionFlip.value(context([0, 0, 1], 1, 0), []), 0);
    assert.equal(decisionFlip.value(context([0, 1, 0], 1, 0), []), 1);
  });
});
