import { binSize, ERASER_BINS, meanDrop, Metric, rankBySignedWeight } from './metric';

/** Sufficiency (DeYoung et al., ACL 2020, ERASER): mean over bins q of p(ŷ|x) − p(ŷ|only the top-q units kept).
 * Low means the top units alone are enough for the prediction. */
export const sufficiency: Metric = {
  id: 'sufficiency',
  label: 'Sufficiency',
  better: 'lower',
  description: 'mean drop in p(ŷ) when only the top 1/5/10/20/50% of units (by signed weight) are kept',
  inputs(ctx) {
    const order = rankBySignedWeight(ctx.weights);
    return ERASER_BINS.map((q) => ctx.without(order.slice(binSize(q, order.length))));
  },
  value: (ctx, probabilities) => meanDrop(ctx, probabilities),
};
