import { hashString, seededRandom } from '../math/random';
import { defineExplainer, fittedWith } from './explainer';
import { coalitionValues, randomSubset, weightedLeastSquares } from './perturbationSampling';

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Kernel SHAP (Lundberg & Lee, NeurIPS 2017): Shapley values of p(ŷ) over units, with absent units erased by the
 * chosen operator. When every coalition fits in the sample budget they are all enumerated with the exact Shapley
 * kernel, which gives the exact Shapley values; otherwise coalition sizes are drawn from the kernel (seeded).
 * Efficiency holds exactly: Σ φ_i = p(ŷ|x) − p(ŷ|all units erased). Signed.
 */
export const kernelShap = defineExplainer({
  id: 'kernel-shap',
  label: 'Kernel SHAP',
  signed: true,
  family: 'perturbation',
  cost: 'sampling',
  reads: ['operator', 'samples', 'seed'],
  citation: 'Lundberg & Lee, NeurIPS 2017',
  byConstruction: (operator, facts) => fittedWith(operator, facts, 'favoured, not exact: fitted to'),
  async explain(ctx, settings) {
    const n = ctx.units.length;
    const seed = hashString(ctx.text, settings.seed ^ 0x5a9);
    const parameters = { samples: settings.samples, operator: settings.operator };
    const quantity = `Shapley values of p(ŷ) over units; absent units erased by ${settings.operator}`;
    const coalitions: boolean[][] = [];
    const kernel: number[] = [];
    // With one unit only the full and the empty coalition exist, and the loop below adds nothing.
    const exact = n === 1 || (n < 31 && 2 ** n - 2 <= settings.samples);
    if (exact) {
      for (let mask = 1; mask < 2 ** n - 1; mask++) {
        const z = Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1);
        const s = z.filter(Boolean).length;
        coalitions.push(z);
        kernel.push((n - 1) / (binomial(n, s) * s * (n - s)));
      }
    } else {
      const next = seededRandom(seed);
      const sizeWeights = Array.from({ length: n - 1 }, (_, i) => (n - 1) / ((i + 1) * (n - i - 1)));
      const sum = sizeWeights.reduce((a, b) => a + b, 0);
      for (let k = 0; k < settings.samples; k++) {
        let r = next() * sum;
        let size = 1;
        while (size < n - 1 && r >= sizeWeights[size - 1]) r -= sizeWeights[size++ - 1];
        coalitions.push(randomSubset(n, size, next));
        kernel.push(1); // the kernel is already in the sampling distribution
      }
    }
    // The full and empty coalitions run in the same batched pass as the sampled ones.
    const [full, empty, ...values] = await coalitionValues(ctx, settings.operator, [
      ctx.units.map(() => true),
      ctx.units.map(() => false),
      ...coalitions,
    ]);
    const total = full - empty;
    if (n === 1) return { weights: [total], quantity, parameters: { ...parameters, exact }, seed };
    // Enforce efficiency exactly by eliminating the last unit: φ_last = total − Σ_{i<last} φ_i.
    const x = coalitions.map((z) => z.slice(0, n - 1).map((p) => (p ? 1 : 0) - (z[n - 1] ? 1 : 0)));
    const y = coalitions.map((z, k) => values[k] - empty - (z[n - 1] ? total : 0));
    const head = weightedLeastSquares(x, y, kernel, 1e-12);
    const weights = [...head, total - head.reduce((a, b) => a + b, 0)];
    return { weights, quantity, parameters: { ...parameters, exact }, seed };
  },
});
