import { unitWeights } from '../tokenize/units';
import { defineExplainer } from './explainer';
import { objectiveLabel } from './gradientMaps';

/**
 * Integrated Gradients (Sundararajan et al., ICML 2017) on the word embeddings, the standard form (README
 * “Explainers”, where the engine departs from the paper's code): IG_i = Σ_d (e − b)_{i,d} · (1/m) Σ_k ∂objective/∂e_{i,d} at b + ((k − ½)/m)(e − b), a midpoint Riemann
 * sum. b is the zero vector or the [PAD] embedding at every position (positions and padding structure kept). All m
 * points (and the baseline, for the completeness check) run in batches; ŷ stays the clean prediction. Signed.
 */
export const integratedGradients = defineExplainer({
  id: 'integrated-gradients',
  label: 'Integrated Gradients',
  signed: true,
  family: 'gradient',
  cost: 'many-backward',
  reads: ['objective', 'igSteps', 'igBaseline'],
  citation: 'Sundararajan et al., ICML 2017',
  async explain(ctx, settings) {
    const view = await ctx.gradients();
    if (!view.embeddings)
      throw new Error(`the word embeddings cannot be differentiated on this model: ${view.problems.join('; ')}`);
    const steps = settings.igSteps;
    if (!Number.isInteger(steps) || steps < 1)
      throw new Error(`Integrated Gradients needs a positive whole number of steps (got ${steps})`);
    const { dim } = view;
    const n = ctx.tokens.ids.length;
    const padRow = settings.igBaseline === 'pad' ? await ctx.padEmbedding() : undefined;
    const baseline = new Float32Array(n * dim);
    if (padRow) for (let i = 0; i < n; i++) baseline.set(padRow.subarray(0, dim), i * dim);
    // e(α) = α·e + (1 − α)·b: the scale input multiplies e, the shift input adds (1 − α)·b.
    const shiftFor = (alpha: number) => (padRow ? baseline.map((b) => (1 - alpha) * b) : undefined);
    const alphas = Array.from({ length: steps }, (_, k) => (k + 0.5) / steps);
    const runs = await ctx.gradientsAt([
      ...alphas.map((a) => ({ scale: a, shift: shiftFor(a) })),
      { scale: 0, shift: shiftFor(0) },
    ]);
    const mean = new Float64Array(n * dim);
    for (const r of runs.slice(0, steps))
      for (let j = 0; j < mean.length; j++) mean[j] += r.embeddingGradient[j] / steps;
    const perToken = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (view.embeddings![i * dim + d] - baseline[i * dim + d]) * mean[i * dim + d];
      return s;
    });
    // Completeness: Σ_i IG_i should equal f(x) − f(b); the gap is the Riemann sum's error and shrinks with m.
    const total = perToken.reduce((a, b) => a + b, 0);
    const completenessError = total - (view.objectiveValue - runs[steps].objectiveValue);
    return {
      weights: unitWeights(perToken, ctx.units),
      quantity: `Integrated Gradients of ${objectiveLabel(view)}, ${steps} midpoint steps from the ${settings.igBaseline === 'pad' ? '[PAD] embedding' : 'zero embedding'}`,
      parameters: { steps, baseline: settings.igBaseline, objective: view.objective, completenessError },
    };
  },
});
