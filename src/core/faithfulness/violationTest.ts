import { impactSign, topCandidate, violates, weightSign } from './polarity';

/** The verdict of the violation test for one explanation under one erasure operator. */
export interface ViolationVerdict {
  /** Index of the examined token i* (argmax |w| over candidates, ties → lowest index); -1 if none. */
  index: number;
  /** w_{i*}, as the explainer returned it (never rescaled). */
  weight: number;
  /** Δ_{i*} = p(ŷ|x) − p(ŷ|x∖i*) under this operator, in probability units. */
  delta: number;
  /** w_{i*} · Δ_{i*} < 0 (with |Δ| ≤ DELTA_TOLERANCE read as 0). */
  violates: boolean;
}

/** Token-level agreement of an explanation with every candidate token's measured impact (beyond the paper). */
export interface TokenLevelViolation {
  /** Share of candidate tokens whose claimed sign disagrees with the sign of their own Δ. */
  rate: number;
  /** The same, each token weighted by |w_i|; null when every candidate weight is 0. */
  weightedRate: number | null;
  candidates: number;
}

/**
 * The violation test for one explanation and one operator. `deltas[i]` is token i's leave-one-out impact under that
 * operator; only `deltas[i*]` decides the verdict, the paper's top-1 rule.
 */
export function violationVerdict(
  weights: ArrayLike<number>,
  deltas: ArrayLike<number>,
  candidates: ArrayLike<boolean>,
): ViolationVerdict {
  if (deltas.length !== weights.length) throw new Error(`${deltas.length} impacts for ${weights.length} weights`);
  const index = topCandidate(weights, candidates);
  if (index < 0) return { index, weight: 0, delta: 0, violates: false };
  return { index, weight: weights[index], delta: deltas[index], violates: violates(weights[index], deltas[index]) };
}

/**
 * Token-level violation: every candidate token's claim against its own impact. Unsigned explainers always claim
 * support, so their weights are read as positive (a zero attention weight still "claims" nothing but support).
 * A signed weight of exactly 0 claims nothing and never disagrees; an impact within the tolerance never disagrees.
 */
export function tokenLevelViolation(
  weights: ArrayLike<number>,
  deltas: ArrayLike<number>,
  candidates: ArrayLike<boolean>,
  signed: boolean,
): TokenLevelViolation {
  let count = 0;
  let disagree = 0;
  let mass = 0;
  let disagreeMass = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!candidates[i]) continue;
    count++;
    const claim = signed ? weightSign(weights[i]) : 1;
    const wrong = claim * impactSign(deltas[i]) < 0;
    const magnitude = Math.abs(weights[i]);
    mass += magnitude;
    if (wrong) {
      disagree++;
      disagreeMass += magnitude;
    }
  }
  return { rate: count ? disagree / count : 0, weightedRate: mass > 0 ? disagreeMass / mass : null, candidates: count };
}
