import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { impactLabel, polarityOf, weightLabel, whySentence } from '../../webview/explain/logic/verdictText';
import { MINUS } from '../../webview/shared/format';

const verdict = { operator: 'delete' as const, unit: 0, tokenLevelRate: 0, tokenLevelWeightedRate: null };

describe('why sentences', () => {
  it('says what the top unit’s weight claims and what erasing it really did', () => {
    assert.equal(
      whySentence({ ...verdict, weight: 0.42, delta: -0.03, violates: true }, 'good', 'positive', 1e-6),
      'top unit ‘good’ w=+0.42 claims support; erasing it (delete) raises p(positive) by 0.03 → it suppresses',
    );
    assert.equal(
      whySentence({ ...verdict, weight: -0.2, delta: -0.1, violates: false }, 'not', 'negative', 1e-6),
      `top unit ‘not’ w=${MINUS}0.2 claims suppression; erasing it (delete) raises p(negative) by 0.1 → it suppresses`,
    );
  });

  it('reads |Δ| within the tolerance as no effect, and a missing top unit as no claim', () => {
    assert.match(
      whySentence({ ...verdict, weight: 0.5, delta: 5e-7, violates: false }, 'x', 'positive', 1e-6),
      /leaves p\(positive\) unchanged → no effect$/,
    );
    assert.match(
      whySentence({ ...verdict, unit: -1, weight: 0, delta: 0, violates: false }, undefined, 'positive', 1e-6),
      /no top unit/,
    );
    assert.equal(polarityOf(2e-6, 1e-6), 'supports');
    assert.equal(polarityOf(-2e-6, 1e-6), 'suppresses');
    assert.equal(polarityOf(-1e-6, 1e-6), 'none');
  });

  it('labels units with their raw number for hover and screen readers', () => {
    assert.equal(
      weightLabel('good', 0.42, 'Raw attention', 0.1, 1e-6, 'positive', 'delete', true),
      'good: weight +0.42 (Raw attention), erasing it (delete) lowers p(positive) by 0.1: supports; top unit',
    );
    assert.equal(
      impactLabel('bad', -0.25, 1e-6, 'positive', 'zero-embedding'),
      `bad: Δ ${MINUS}0.25, erasing it (zero-embedding) raises p(positive) by 0.25: suppresses`,
    );
  });
});
