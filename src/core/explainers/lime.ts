import { hashString, seededRandom } from '../math/random';
import { defineExplainer } from './explainer';
import { coalitionValues, randomSubset, weightedLeastSquares } from './perturbationSampling';

/** LIME's text defaults: cosine distance scaled by 100, exponential kernel of width 25, ridge α = 1. */
const KERNEL_WIDTH = 25;
const RIDGE = 1;

/**
 * LIME (Ribeiro, Singh & Guestrin, KDD 2016), text flavour: sample inputs with a random number of units erased
 * (the chosen operator), weight each by its proximity to the original, and fit a ridge-regularised linear model of
 * p(ŷ) on which units were present. The coefficients are the weights; signed. Seeded per text.
 */
export const lime = defineExplainer({
  id: 'lime',
  label: 'LIME',
  signed: true,
  family: 'perturbation',
  cost: 'sampling',
  reads: ['operator', 'samples', 'seed'],
  citation: 'Ribeiro, Singh & Guestrin, KDD 2016',
  async explain(ctx, settings) {
    const n = ctx.units.length;
    const seed = hashString(ctx.text, settings.seed ^ 0x11e);
    const next = seededRandom(seed);
    const coalitions: boolean[][] = [ctx.units.map(() => true)];
    for (let k = 1; k < settings.samples; k++) {
      const removed = 1 + Math.floor(next() * n);
      coalitions.push(randomSubset(n, removed, next).map((gone) => !gone));
    }
    const values = await coalitionValues(ctx, settings.operator, coalitions);
    const proximity = coalitions.map((z) => {
      const present = z.filter(Boolean).length;
      const distance = (1 - Math.sqrt(present / n)) * 100; // cosine distance between z and all-ones
      return Math.exp(-(distance ** 2) / KERNEL_WIDTH ** 2);
    });
    const x = coalitions.map((z) => [1, ...z.map((p) => (p ? 1 : 0))]);
    const beta = weightedLeastSquares(x, values, proximity, RIDGE, 1);
    return {
      weights: beta.slice(1),
      quantity: `coefficients of a weighted ridge regression of p(ŷ) on unit presence (${settings.operator} erases absent units)`,
      parameters: { samples: settings.samples, kernelWidth: KERNEL_WIDTH, ridge: RIDGE, operator: settings.operator },
      seed,
    };
  },
});
