/**
 * Signs and the violation criterion of the faithfulness violation test (Liu et al., ICML 2022; README “The violation test, as implemented”).
 *
 * Float tolerance: an impact Δ with |Δ| <= DELTA_TOLERANCE counts as exactly zero. Δ is a difference of two float32
 * softmax probabilities, whose noise is about 1e-7; erasing a token the model ignores (e.g. a position it cannot see)
 * must read as "no impact", not as a random sign. Explanation weights are compared with exact zero: a weight of 0 is
 * a real statement (e.g. attention on a masked position), and explainers never add float noise around it.
 */
export const DELTA_TOLERANCE = 1e-6;

export type Sign = -1 | 0 | 1;

/** Sign of an impact Δ = p(ŷ|x) − p(ŷ|x∖i): +1 supports ŷ, −1 suppresses ŷ, 0 no measurable impact. */
export function impactSign(delta: number): Sign {
  if (!Number.isFinite(delta)) throw new Error(`impact is not a finite number: ${delta}`);
  return Math.abs(delta) <= DELTA_TOLERANCE ? 0 : delta > 0 ? 1 : -1;
}

/** Sign of an explanation weight, compared with exact zero. */
export function weightSign(weight: number): Sign {
  if (!Number.isFinite(weight)) throw new Error(`weight is not a finite number: ${weight}`);
  return weight > 0 ? 1 : weight < 0 ? -1 : 0;
}

/** The test's criterion: a violation iff w · Δ < 0, strictly. Zero weight or zero impact is never a violation. */
export function violates(weight: number, delta: number): boolean {
  return weightSign(weight) * impactSign(delta) < 0;
}

/**
 * The token the test examines: argmax |w_i| over candidate positions (special tokens and padding are not candidates).
 * Ties go to the lowest index. Returns -1 when there is no candidate.
 */
export function topCandidate(weights: ArrayLike<number>, candidates: ArrayLike<boolean>): number {
  if (weights.length !== candidates.length)
    throw new Error(`${weights.length} weights for ${candidates.length} tokens`);
  let best = -1;
  for (let i = 0; i < weights.length; i++) {
    if (!candidates[i]) continue;
    if (best < 0 || Math.abs(weights[i]) > Math.abs(weights[best])) best = i;
  }
  return best;
}
