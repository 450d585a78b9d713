import { topCandidate } from '../polarity';
import type { Metric, MetricContext } from './metric';

/** 1 when erasing `unit` alone changes the decision (see MetricContext.flipped), 0 when not, null when undefined. */
function flips(ctx: MetricContext, unit: number): number | null {
  if (unit < 0) return null;
  const flipped = ctx.flipped(ctx.leaveOneOut.erased[unit]);
  return flipped === null ? null : flipped ? 1 : 0;
}

/**
 * Decision flip (Chrysostomou & Aletras 2021): erasing the top-|w| unit alone changes the predicted class. Read from
 * the shared leave-one-out pass, so it costs no extra run. A signed explainer whose top unit suppresses the class
 * explained can never flip toward it, so this favours explainers that rank supporters first; see the signed variant.
 */
export const decisionFlip: Metric = {
  id: 'decision-flip',
  label: 'Decision flip',
  better: 'higher',
  description:
    '1 if erasing the top-|w| unit changes the predicted class (a multi-label label: σ crosses ½), else 0; a signed explainer whose top unit suppresses the class cannot flip it; undefined when another class than ŷ is explained',
  inputs: () => [],
  value: (ctx) =>
    flips(
      ctx,
      topCandidate(
        ctx.weights,
        ctx.weights.map(() => true),
      ),
    ),
};

/**
 * Decision flip on the unit claimed to support the class explained most: the largest positive weight (for unsigned
 * explainers the top unit, as above). Null when the explainer claims no support at all.
 */
export const signedDecisionFlip: Metric = {
  id: 'decision-flip-signed',
  label: 'Decision flip (top supporter)',
  better: 'higher',
  description:
    '1 if erasing the unit with the largest positive weight (the strongest claimed supporter) changes the predicted class, else 0; undefined when no weight is positive',
  inputs: () => [],
  value(ctx) {
    let best = -1;
    ctx.weights.forEach((w, i) => {
      if (w > 0 && (best < 0 || w > ctx.weights[best])) best = i;
    });
    return flips(ctx, best);
  },
};
