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
  // Masking unit i of one attention distribution renormalises the rest: to first order Δ_i ∝ α_i (g_i − Σ_j α_j g_j)
  // for a binary model, so the top-|g| unit, an extreme of g, has the sign its gradient claims.
  byConstruction: (operator, facts) =>
    operator === 'attention-mask' && facts.singleAttention && facts.classes === 2
      ? 'on one attention distribution of a binary model, sign Δ under attention-mask follows from ∇α (Δ_i ∝ g_i − Σ_j α_j g_j), and the top-|g| unit is an extreme of g'
      : undefined,
  explain: (ctx, settings) => attentionGradientExplanation(ctx, settings, 'gradient', (_a, g) => g, '∇α'),
});
