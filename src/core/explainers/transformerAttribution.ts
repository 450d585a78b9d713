import { unitWeights } from '../tokenize/units';
import { defineExplainer } from './explainer';
import { cheferRelevance, objectiveLabel } from './gradientMaps';
import { clampedHeadMean, everyLayer, Matrix, multiply } from './relevanceMatrices';

/**
 * TransAtt, Chefer et al.'s transformer attribution (CVPR 2021), as the reference's VisualBERT code runs it
 * (§3.5): Ā_l = mean_h max(0, ∇A^h ⊙ R^{A^h}) rolled out as Π_l (Ā_l + I) without row normalisation, pooled row.
 * R^A is the relevance Chefer et al.'s LRP rules leave on each attention map, from one-hot(ŷ) at the logits
 * (gradients/relevance/cheferLrp.ts). ∇A is the gradient of the `objective` setting: p(ŷ) by default, as the
 * violation test's text models do; Chefer's code differentiates the logit z_ŷ, which `objective: logit` gives exactly.
 * Non-negative.
 */
export const transformerAttribution = defineExplainer({
  id: 'transformer-attribution',
  label: 'TransAtt (Chefer, CVPR 2021)',
  signed: false,
  family: 'attention',
  cost: 'lrp-backward',
  reads: ['objective'],
  citation: 'Chefer et al., CVPR 2021',
  async explain(ctx) {
    const view = await ctx.gradients();
    const lrp = await ctx.gradients('chefer-lrp');
    const { maps, others: grads } = everyLayer('TransAtt', view.attentions, view.attentionGradients, view.problems);
    const relevances = maps.map((_, l) => cheferRelevance('TransAtt', lrp, l));
    const n = maps[0].dims[2];
    // Only the pooled row of the product is needed: r ← r · (Ā_l + I) from the last layer down.
    let r: Matrix = [Float64Array.from(ctx.pooled.weights.slice(0, n))];
    for (let l = maps.length - 1; l >= 0; l--) {
      const bar = clampedHeadMean(grads[l], relevances[l], (grad, rel) => grad * rel);
      for (let i = 0; i < n; i++) bar[i][i] += 1;
      r = multiply(r, bar);
    }
    return {
      weights: unitWeights(Array.from(r[0]), ctx.units),
      quantity: `${ctx.pooled.description} of Π_l (Ā_l + I), Ā = mean_h max(0, ∇A ⊙ R^A), over ${maps.length} layers; R^A by Chefer et al.'s LRP from one-hot(ŷ) at the logits, ∇A of ${objectiveLabel(view)}`,
      parameters: { layers: maps.length, objective: view.objective },
    };
  },
});
