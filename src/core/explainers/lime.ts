import { hashString, seededRandom } from '../math/random';
import { defineExplainer, fittedWith } from './explainer';
import { coalitionValues, randomSubset, weightedLeastSquares } from './perturbationSampling';

/**
 * lime_text's defaults (marcotcr/lime, LimeTextExplainer and LimeBase): cosine distance to the original scaled by 100,
 * the kernel sqrt(exp(−d²/25²)), explain_instance's 10 features, whose 'auto' feature selection is 'highest_weights'
 * (a ridge with α = 0.01 on every unit, then the 10 largest |coefficients|), and a ridge with α = 1 on those.
 */
const KERNEL_WIDTH = 25;
const NUM_FEATURES = 10;
const SELECTION_RIDGE = 0.01;
const RIDGE = 1;

/** lime_text's sample weight of a perturbed text with `present` of `n` units kept. */
export function limeProximity(present: number, n: number): number {
  // The cosine distance between a 0/1 presence vector and the all-ones original is 1 − √(present/n).
  const distance = (1 - Math.sqrt(present / n)) * 100;
  return Math.sqrt(Math.exp(-(distance ** 2) / KERNEL_WIDTH ** 2));
}

/**
 * LIME's local model as lime_text fits it, from the perturbed texts (row 0 the original) and p(ŷ) of each: weights for
 * the selected units (at most 10), 0 for the others. Checked against a numpy reimplementation of LIME's source
 * (test/fixtures/reference/lime.json, training/reference/lime_text.py).
 */
export function limeTextWeights(
  coalitions: boolean[][],
  values: number[],
): { weights: number[]; intercept: number; selected: number[] } {
  const n = coalitions[0].length;
  const proximity = coalitions.map((z) => limeProximity(z.filter(Boolean).length, n));
  const design = (columns: number[]) => coalitions.map((z) => [1, ...columns.map((j) => (z[j] ? 1 : 0))]);
  const every = Array.from({ length: n }, (_, j) => j);
  const all = weightedLeastSquares(design(every), values, proximity, SELECTION_RIDGE, 1).slice(1);
  // highest_weights: |coefficient × the original's presence (1)|, largest first; ties keep unit order (Python's stable sort).
  const selected = every
    .sort((a, b) => Math.abs(all[b]) - Math.abs(all[a]) || a - b)
    .slice(0, NUM_FEATURES)
    .sort((a, b) => a - b);
  const beta = weightedLeastSquares(design(selected), values, proximity, RIDGE, 1);
  const weights = new Array<number>(n).fill(0);
  selected.forEach((j, i) => (weights[j] = beta[i + 1]));
  return { weights, intercept: beta[0], selected };
}

/**
 * LIME (Ribeiro, Singh & Guestrin, KDD 2016) as lime_text computes it: sample inputs with 1 to n units erased (the
 * chosen operator; lime_text removes the words), weight each by its proximity to the original, select the 10 most
 * important units and fit a ridge-regularised linear model of p(ŷ) on their presence. The coefficients are the
 * weights (0 for units not selected); signed. Seeded per text; `samples` perturbations (lime_text's default is 5000).
 */
export const lime = defineExplainer({
  id: 'lime',
  label: 'LIME',
  signed: true,
  family: 'perturbation',
  cost: 'sampling',
  reads: ['operator', 'samples', 'seed'],
  citation: 'Ribeiro, Singh & Guestrin, KDD 2016; lime_text (marcotcr/lime)',
  byConstruction: (operator, facts) => fittedWith(operator, facts, 'favoured, not exact: fitted to'),
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
    const { weights, selected } = limeTextWeights(coalitions, values);
    return {
      weights,
      quantity: `coefficients of lime_text's weighted ridge regression of p(ŷ) on the presence of the ${selected.length} units it selects (${settings.operator} erases absent units; others 0)`,
      parameters: {
        samples: settings.samples,
        kernelWidth: KERNEL_WIDTH,
        features: NUM_FEATURES,
        ridge: RIDGE,
        operator: settings.operator,
      },
      seed,
    };
  },
});
