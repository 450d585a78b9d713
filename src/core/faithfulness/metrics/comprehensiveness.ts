import { binSize, ERASER_BINS, meanDrop, Metric, rankBySignedWeight } from './metric';

/** Comprehensiveness (DeYoung et al., ACL 2020, ERASER): mean over bins q of p(ŷ|x) − p(ŷ|x without its top-q units
 * by signed weight). High means the units the explanation ranks first really carry the prediction. */
export const comprehensiveness: Metric = {
  id: 'comprehensiveness',
  label: 'Comprehensiveness',
  better: 'higher',
  description: 'mean drop in p(ŷ) when the top 1/5/10/20/50% of units (by signed weight) are erased',
  inputs(ctx) {
    const order = rankBySignedWeight(ctx.weights);
    return ERASER_BINS.map((q) => ctx.without(order.slice(0, binSize(q, order.length))));
  },
  value: (ctx, probabilities) => meanDrop(ctx, probabilities),
};
