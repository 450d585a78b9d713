import { defineExplainer } from './explainer';
import { attentionGradientExplanation } from './gradientMaps';

/** The gradient-ablation baseline ∇α alone (Liu et al., ICML 2022, the gradient ablations; README “Explainers”): ∂objective/∂α, last layer, heads averaged. Signed. */
export const attentionGradient = defineExplainer({
  id: 'attention-gradient',
  label: '∇α (gradient only)',
  signed: true,
  family: 'attention',
  cost: 'backward',
  reads: ['attentionLayer', 'attentionHead', 'objective'],
  citation: 'Liu et al., ICML 2022 (gradient ablation, att*grad_only_grad)',
  explain: (ctx, settings) => attentionGradientExplanation(ctx, settings, 'gradient', (_a, g) => g, '∇α'),
});
