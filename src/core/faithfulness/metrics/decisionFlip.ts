import { argmax } from '../../math/softmax';
import { topCandidate } from '../polarity';
import type { Metric } from './metric';

/** Decision flip (Chrysostomou & Aletras 2021): 1 when erasing the top-|w| unit alone changes the predicted class,
 * else 0. Read from the shared leave-one-out pass, so it costs no extra run. */
export const decisionFlip: Metric = {
  id: 'decision-flip',
  label: 'Decision flip',
  better: 'higher',
  description: '1 if erasing the top-|w| unit changes the predicted class, else 0',
  inputs: () => [],
  value(ctx) {
    const top = topCandidate(
      ctx.weights,
      ctx.weights.map(() => true),
    );
    if (top < 0) return null;
    return argmax(ctx.leaveOneOut.erased[top]) !== ctx.target ? 1 : 0;
  },
};
