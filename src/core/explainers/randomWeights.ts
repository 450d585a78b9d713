import { hashString, seededRandom } from '../math/random';
import { defineExplainer } from './explainer';

/** Random (Liu et al., ICML 2022; README “Explainers”): uniform [0, 1) per unit. The floor: a violation ratio near it means the explainer knows
 * no more about polarity than chance. Seeded per text, so a rerun gives the same weights. */
export const randomWeights = defineExplainer({
  id: 'random',
  label: 'Random',
  signed: false,
  family: 'reference',
  cost: 'clean-run',
  reads: ['seed'],
  citation: 'Liu et al., ICML 2022 (Random baseline)',
  async explain(ctx, settings) {
    const { weights, seed } = randomUnitWeights(ctx.text, settings.seed, ctx.units.length);
    return { weights, quantity: 'uniform [0, 1) per unit', parameters: { baseSeed: settings.seed }, seed };
  },
});

/** Random's weights for a text under a base seed (the dataset run draws the floor's other seeds with it). */
export function randomUnitWeights(text: string, baseSeed: number, units: number): { weights: number[]; seed: number } {
  const seed = hashString(text, baseSeed);
  const next = seededRandom(seed);
  return { weights: Array.from({ length: units }, () => next()), seed };
}
