import { defineExplainer } from './explainer';
import { attentionGradientExplanation } from './gradientMaps';

/**
 * PLRP (Voita et al. 2019, as evaluated by Liu et al., ICML 2022; README “Explainers”): the relevance that reaches the last layer's attention
 * map, R^α = α ⊙ ∂̃objective/∂α, where ∂̃ propagates by the conservative rules of Ali et al. (ICML 2022: attention
 * softmax and LayerNorm σ held constant) instead of Chefer's custom LRP rules; per head, then averaged. Signed.
 */
export const partialLrp = defineExplainer({
  id: 'partial-lrp',
  label: 'PLRP (relevance on α)',
  signed: true,
  family: 'attention',
  cost: 'lrp-backward',
  reads: ['attentionLayer', 'attentionHead', 'objective'],
  citation: 'Voita et al., ACL 2019; relevance by Ali et al., ICML 2022',
  explain: (ctx, settings) =>
    attentionGradientExplanation(ctx, settings, 'conservative-lrp', (a, g) => a * g, 'LRP relevance α⊙∇̃α'),
});
