import { unitWeights } from '../tokenize/units';
import { attentionRow, resolveLayer } from './attentionMaps';
import { defineExplainer } from './explainer';

/**
 * RawAtt (Liu et al., ICML 2022; README “Explainers”): the attention weights themselves. RNN/CNN models: α. Transformers: the last layer,
 * heads averaged, the row(s) the classifier pools (see model/pooling); layer and head are selectable. Non-negative, so it
 * always claims support.
 */
export const rawAttention = defineExplainer({
  id: 'raw-attention',
  label: 'Raw attention',
  signed: false,
  family: 'attention',
  cost: 'clean-run',
  reads: ['attentionLayer', 'attentionHead'],
  citation: 'Liu et al., ICML 2022 (RawAtt); attention as explanation, Jain & Wallace 2019',
  async explain(ctx, settings) {
    const maps = await ctx.attentions();
    if (maps.length === 0) throw new Error('this model exposes no attention probabilities');
    const layer = resolveLayer(settings.attentionLayer, maps.length);
    const row = attentionRow(maps[layer], ctx.pooled, settings.attentionHead);
    const parameters: Record<string, number | string> = { layer, head: settings.attentionHead ?? 'mean' };
    return { weights: unitWeights(row.weights, ctx.units), quantity: row.description, parameters };
  },
});
