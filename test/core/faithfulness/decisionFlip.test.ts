import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisionFlip, signedDecisionFlip } from '../../../src/core/faithfulness/metrics/decisionFlip';
import type { MetricContext } from '../../../src/core/faithfulness/metrics/metric';

/** Three units; erasing unit 1 alone flips ŷ = 1 to class 0, the others do not. */
function context(weights: number[], flipped?: MetricContext['flipped']): MetricContext {
  const erased = [
    [0.2, 0.8],
    [0.7, 0.3],
    [0.4, 0.6],
  ];
  return {
    weights,
    target: 1,
    baseline: 0.9,
    flipped: flipped ?? ((p) => (p[0] > p[1] ? 0 : 1) !== 1),
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

  it("reads the head's decision, and is undefined where the context says a flip is (another class than ŷ explained)", () => {
    assert.equal(
      decisionFlip.value(
        context([0, 1, 0], () => null),
        [],
      ),
      null,
    );
    assert.equal(
      signedDecisionFlip.value(
        context([0, 1, 0], () => null),
        [],
      ),
      null,
    );
    // A multi-label label flips when its σ crosses ½: here unit 2 takes label 1 from 0.8 to 0.6, no flip.
    const crosses = (p: number[]) => p[1] >= 0.5 !== 0.8 >= 0.5;
    assert.equal(decisionFlip.value(context([0, 0, 1], crosses), []), 0);
    assert.equal(decisionFlip.value(context([0, 1, 0], crosses), []), 1);
  });
});
