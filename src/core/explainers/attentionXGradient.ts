import { defineExplainer } from './explainer';
import { attentionGradientExplanation } from './gradientMaps';

/**
 * AttGrad (Liu et al., ICML 2022; README “Explainers”): α ⊙ ∂objective/∂α on the last attention layer, per head then averaged, the
 * pooled token's row; α is a leaf (its gradient flows on through the values, not back through the softmax).
 * Signed: a negative weight claims the token suppresses ŷ.
 */
export const attentionXGradient = defineExplainer({
  id: 'attention-x-gradient',
  label: 'AttGrad (α⊙∇α)',
  signed: true,
  family: 'attention',
  cost: 'backward',
  reads: ['attentionLayer', 'attentionHead', 'objective'],
  citation: 'Liu et al., ICML 2022 (AttGrad); Serrano & Smith 2019',
  explain: (ctx, settings) => attentionGradientExplanation(ctx, settings, 'gradient', (a, g) => a * g, 'α⊙∇α'),
});
