import { unitWeights } from '../tokenize/units';
import { combinedRow, resolveLayer } from './attentionMaps';
import { defineExplainer } from './explainer';
import { cheferRelevance } from './gradientMaps';

/**
 * PLRP (Voita et al. 2019, as Chefer et al. implement it and Liu et al., ICML 2022, evaluate it; README “Explainers”):
 * the LRP relevance R^α that reaches the last layer's attention map under Chefer et al.'s rules (CVPR 2021: LRP-α1β0
 * linear layers, the attention product's relevance halved between α and the values, their residual Add rule; see
 * gradients/relevance/cheferLrp.ts), from one-hot of the class explained at the logits; per head, then averaged, pooled row. Signed. It
 * reads no objective: the relevance starts at the logits whatever is differentiated elsewhere.
 */
export const partialLrp = defineExplainer({
  id: 'partial-lrp',
  label: 'PLRP (relevance on α)',
  signed: true,
  family: 'attention',
  cost: 'lrp-backward',
  reads: ['attentionLayer', 'attentionHead'],
  citation: 'Voita et al., ACL 2019; relevance by the LRP rules of Chefer et al., CVPR 2021',
  async explain(ctx, settings) {
    const view = await ctx.gradients('chefer-lrp');
    if (view.attentions.length === 0) throw new Error('this model exposes no attention probabilities');
    const layer = resolveLayer(settings.attentionLayer, view.attentions.length);
    const relevance = cheferRelevance('PLRP', view, layer);
    const row = combinedRow(
      view.attentions[layer],
      relevance,
      ctx.pooled,
      settings.attentionHead,
      (_a, r) => r,
      "Chefer et al.'s LRP relevance R^α",
    );
    return {
      weights: unitWeights(row.weights, ctx.units),
      quantity: `${row.description}; relevance from one-hot(class ${ctx.target}) at the logits`,
      parameters: {
        layer,
        head: settings.attentionHead ?? 'mean',
        relevance: 'one-hot of the class explained at the logits',
      },
    };
  },
});
