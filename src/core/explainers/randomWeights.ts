import { hashString, seededRandom } from '../math/random';
import type { Explainer } from './explainer';

/** Random (reference §3.1): uniform [0, 1) per unit. The floor: a violation ratio near it means the explainer knows
 * no more about polarity than chance. Seeded per text, so a rerun gives the same weights. */
export const randomWeights: Explainer = {
  id: 'random',
  label: 'Random',
  signed: false,
  family: 'reference',
  reads: ['seed'],
  citation: 'Liu et al., ICML 2022 (Random baseline)',
  async explain(ctx) {
    const seed = hashString(ctx.text, ctx.seed);
    const next = seededRandom(seed);
    return { weights: ctx.units.map(() => next()), quantity: 'uniform [0, 1) per unit', parameters: { baseSeed: ctx.seed }, seed };
  },
};
