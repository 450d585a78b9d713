import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodedTensor } from './referenceFixtures';
import { FIXTURES, ROOT } from './paths';

/** One sample of test/fixtures/reference/lrp-<model>.json (fields in that folder's README). */
export interface LrpSample {
  text: string;
  input_ids: number[];
  logits: number[];
  predicted: number;
  chefer: { relevance_on_attention: EncodedTensor[]; partial_lrp: number[] };
  transformer_attribution: Record<'probability' | 'logit', number[]>;
  conservative: {
    probability: { token_relevance: number[]; attention_gradients: EncodedTensor[] };
    logit: { token_relevance: number[] };
  };
  float32_spread: {
    relevance_on_attention: number[];
    partial_lrp: number;
    transformer_attribution: Record<'probability' | 'logit', number>;
    conservative: {
      probability: { token_relevance: number; attention_gradients: number[] };
      logit: { token_relevance: number };
    };
  };
  wrong_variants: {
    'no-halving': WrongChefer;
    'add-unscaled': WrongChefer;
    'alpha2-beta1': WrongChefer;
    'softmax-not-detached': { conservative_token_relevance: number[] };
    'sigma-not-detached': { conservative_token_relevance: number[] };
  };
}

interface WrongChefer {
  partial_lrp: number[];
  transformer_attribution: number[];
}

export interface LrpFixture {
  model: string;
  samples: LrpSample[];
}

/** The two models the LRP fixtures cover, with their folders. */
export const LRP_MODELS = [
  { name: 'sst2-transformer', dir: join(ROOT, 'models', 'sst2-transformer') },
  { name: 'bert', dir: join(FIXTURES, 'zoo', 'bert') },
] as const;

export function readLrpFixture(model: string): LrpFixture {
  return JSON.parse(readFileSync(join(FIXTURES, 'reference', `lrp-${model}.json`), 'utf8')) as LrpFixture;
}

/** The relative tolerance per entry, and the floor under |b| it is taken of, as a share of the largest |b|. */
export const RELATIVE_TOLERANCE = 1e-4;
/**
 * float32 sums carry absolute errors of about 1e-7 of their largest terms: an entry under 1e-3 of the largest cannot
 * be resolved to 1e-4 of itself, so its tolerance is 1e-4 of that floor (1e-7 of the largest).
 */
export const FLOOR_SHARE = 1e-3;
/**
 * How many times the reference's own float32 spread (its value with a float32 forward pass minus its float64 value)
 * the engine may differ besides: the engine's float32 rounding differs from PyTorch's (other summation orders, fused
 * ops), so its deviation is of that size without being the same (observed up to 2.1×).
 */
export const SPREAD_MARGIN = 4;

/**
 * The worst entry of |a − b| / (1e-4 · max(|b|, floor) + 4 · spread): at most 1 when every entry is within
 * tolerance. Also its error without the spread allowance, for the record.
 */
export function toleranceRatio(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  spread: number,
): { ratio: number; relative: number } {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let largest = 0;
  for (let i = 0; i < want.length; i++) largest = Math.max(largest, Math.abs(want[i]));
  const floor = FLOOR_SHARE * largest;
  let ratio = 0;
  let relative = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    const scale = Math.max(Math.abs(want[i]), floor);
    ratio = Math.max(ratio, d / (RELATIVE_TOLERANCE * scale + SPREAD_MARGIN * spread));
    relative = Math.max(relative, d / scale);
  }
  return { ratio, relative };
}
