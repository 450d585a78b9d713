import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DELTA_TOLERANCE, topCandidate, violates } from '../../../src/core/faithfulness/polarity';
import { tokenLevelViolation, violationVerdict } from '../../../src/core/faithfulness/violationTest';

/** A seeded stream of numbers in [0, 1), so the property checks below are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Random explanation/impact pairs: weights in [-1, 1) (or [0, 1) unsigned), impacts in [-0.2, 0.2). */
function instances(n: number, signed: boolean, seed = 7) {
  const r = lcg(seed);
  return Array.from({ length: n }, () => {
    const len = 3 + Math.floor(r() * 8);
    const weights = Array.from({ length: len }, () => (signed ? r() * 2 - 1 : r()));
    const deltas = Array.from({ length: len }, () => r() * 0.4 - 0.2);
    const candidates = weights.map((_, i) => i > 0 || r() > 0.5);
    return { weights, deltas, candidates };
  });
}

const ratio = (xs: { weights: number[]; deltas: number[]; candidates: boolean[] }[]) =>
  xs.filter((x) => violationVerdict(x.weights, x.deltas, x.candidates).violates).length / xs.length;

describe('the violation criterion', () => {
  it('is strict: zero weight or zero impact never violates', () => {
    assert.equal(violates(0, -0.5), false);
    assert.equal(violates(0.3, 0), false);
    assert.equal(violates(-0.3, 0), false);
    assert.equal(violates(0.3, -0.01), true);
    assert.equal(violates(-0.3, 0.01), true);
    assert.equal(violates(0.3, 0.01), false);
  });

  it('reads an impact within the float tolerance as zero, and one just beyond it as a sign', () => {
    assert.equal(violates(1, -DELTA_TOLERANCE), false);
    assert.equal(violates(1, -DELTA_TOLERANCE * 1.5), true);
  });

  it('refuses NaN instead of counting it silently', () => {
    assert.throws(() => violates(Number.NaN, 0.1), /not a finite number/);
    assert.throws(() => violates(0.1, Number.NaN), /not a finite number/);
  });
});

describe('the examined token', () => {
  it('is the largest |w|, not the largest w: a strongly negative weight wins', () => {
    assert.equal(topCandidate([0.5, -0.9, 0.2], [true, true, true]), 1);
  });

  it('breaks ties toward the lowest index', () => {
    assert.equal(topCandidate([0.1, 0.7, -0.7, 0.7], [true, true, true, true]), 1);
  });

  it('is never a special token, however large its weight', () => {
    assert.equal(topCandidate([5, 0.2, 0.4, 9], [false, true, true, false]), 2);
    assert.equal(topCandidate([5, 9], [false, false]), -1);
    assert.deepEqual(violationVerdict([5, 9], [-1, -1], [false, false]), {
      index: -1,
      weight: 0,
      delta: 0,
      violates: false,
    });
  });

  it('decides the verdict by its own impact only', () => {
    const v = violationVerdict([0.1, 0.8, 0.1], [0.5, -0.2, 0.5], [true, true, true]);
    assert.deepEqual(v, { index: 1, weight: 0.8, delta: -0.2, violates: true });
  });
});

describe('identities and invariances', () => {
  it('unsigned methods: the ratio equals the share of instances whose top token has Δ < 0', () => {
    const xs = instances(400, false);
    const suppressing =
      xs.filter((x) => {
        const i = topCandidate(x.weights, x.candidates);
        return i >= 0 && x.deltas[i] < -DELTA_TOLERANCE;
      }).length / xs.length;
    assert.ok(suppressing > 0.2 && suppressing < 0.8, 'the instances mix both polarities');
    assert.equal(ratio(xs), suppressing);
  });

  it('multiplying w by a positive constant leaves the ratio unchanged', () => {
    const xs = instances(400, true);
    const scaled = xs.map((x) => ({ ...x, weights: x.weights.map((w) => w * 37.5) }));
    assert.equal(ratio(scaled), ratio(xs));
  });

  it('monotone positive rescaling of unsigned weights leaves the ratio unchanged', () => {
    const xs = instances(400, false);
    const rescaled = xs.map((x) => ({ ...x, weights: x.weights.map((w) => Math.sqrt(w) * 3) }));
    assert.equal(ratio(rescaled), ratio(xs));
  });

  it('negating a signed explanation turns VR into 1 − VR − (share with w·Δ = 0)', () => {
    const xs = instances(400, true);
    xs[0].deltas = xs[0].deltas.map(() => 0); // make the zero-product share non-trivial
    xs[1].weights = xs[1].weights.map(() => 0);
    const zeroShare =
      xs.filter((x) => {
        const v = violationVerdict(x.weights, x.deltas, x.candidates);
        return v.index >= 0 && (v.weight === 0 || Math.abs(v.delta) <= DELTA_TOLERANCE);
      }).length /
        xs.length +
      xs.filter((x) => topCandidate(x.weights, x.candidates) < 0).length / xs.length;
    const negated = xs.map((x) => ({ ...x, weights: x.weights.map((w) => -w) }));
    assert.ok(zeroShare > 0);
    assert.ok(Math.abs(ratio(negated) - (1 - ratio(xs) - zeroShare)) < 1e-12);
  });
});

describe('token-level violation', () => {
  it('counts every candidate whose claimed sign disagrees with its impact, and weights by |w|', () => {
    const weights = [0.5, -0.2, 0.3, 0.9];
    const deltas = [0.1, 0.1, -0.1, 0.4];
    const candidates = [true, true, true, false];
    const signed = tokenLevelViolation(weights, deltas, candidates, true);
    assert.equal(signed.candidates, 3);
    assert.ok(Math.abs(signed.rate - 2 / 3) < 1e-12);
    assert.ok(Math.abs((signed.weightedRate ?? -1) - 0.5 / 1.0) < 1e-12);
  });

  it('reads unsigned weights as positive claims, zero included', () => {
    const r = tokenLevelViolation([0, 0.6, 0.4], [-0.1, 0.2, -0.3], [true, true, true], false);
    assert.ok(Math.abs(r.rate - 2 / 3) < 1e-12);
    assert.ok(Math.abs((r.weightedRate ?? -1) - 0.4) < 1e-12);
  });

  it('has no weighted rate when every weight is zero', () => {
    assert.equal(tokenLevelViolation([0, 0], [0.1, -0.1], [true, true], true).weightedRate, null);
  });
});
