import { unitWeights } from '../tokenize/units';
import { pooledRowOf } from './attentionMaps';
import { defineExplainer } from './explainer';
import { objectiveLabel } from './gradientMaps';
import { clampedHeadMean, everyLayer, identity, multiply } from './relevanceMatrices';

/**
 * GenAtt, Chefer et al.'s generic attention explainability (ICCV 2021) for a self-attention encoder (reference
 * §3.5): R = I, then for each layer from the first, R ← R + Ā·R with Ā = mean_h max(0, ∇A^h ⊙ A^h); the weights
 * are the pooled token's row of R. Non-negative.
 */
export const genericAttention = defineExplainer({
  id: 'generic-attention',
  label: 'GenAtt (Chefer, ICCV 2021)',
  signed: false,
  family: 'attention',
  cost: 'backward',
  reads: ['objective'],
  citation: 'Chefer et al., ICCV 2021',
  async explain(ctx) {
    const view = await ctx.gradients();
    const { maps, others } = everyLayer('GenAtt', view.attentions, view.attentionGradients, view.problems);
    let r = identity(maps[0].dims[2]);
    maps.forEach((a, l) => {
      const bar = clampedHeadMean(a, others[l], (alpha, grad) => alpha * grad);
      const update = multiply(bar, r);
      r = r.map((row, i) => row.map((x, j) => x + update[i][j]));
    });
    return {
      weights: unitWeights(Array.from(pooledRowOf(r, ctx.pooled)), ctx.units),
      quantity: `${ctx.pooled.description} of R = Π_l (I + Ā_l), Ā = mean_h max(0, ∇A ⊙ A), over ${maps.length} layers; gradients of ${objectiveLabel(view)}`,
      parameters: { layers: maps.length, objective: view.objective },
    };
  },
});
