import { meanDrop, Metric, rankBySignedWeight } from './metric';

/** Most units AOPC removes, one at a time. */
export const AOPC_STEPS = 10;

/** AOPC (Samek et al., 2017): the area over the perturbation curve, (1/(K+1)) Σ_{k=0..K} [p(ŷ|x) − p(ŷ|x without
 * its top-k units)], removing units one by one in signed-weight order, K = min(10, units). Higher is better. */
export const aopc: Metric = {
  id: 'aopc',
  label: 'AOPC',
  better: 'higher',
  description: `area over the curve of p(ŷ) as the top units are erased one by one (up to ${AOPC_STEPS})`,
  inputs(ctx) {
    const order = rankBySignedWeight(ctx.weights);
    return Array.from({ length: Math.min(AOPC_STEPS, order.length) }, (_, k) => ctx.without(order.slice(0, k + 1)));
  },
  // k = 0 contributes p(x) − p(x) = 0, but counts in the mean.
  value: (ctx, probabilities) => meanDrop(ctx, probabilities, probabilities.length + 1),
};
