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
  // Masking unit i of one attention distribution renormalises the rest: c' = (c − α_i h_i)/(1 − α_i). With a readout
  // linear in c (the shipped BiLSTM and CNN) and two classes, p(ŷ) is monotone in (w_ŷ − w_other)·c, so sign Δ_i =
  // sign(g_i − Σ_j α_j g_j) exactly for g = ∂p/∂α, and the top-|g| unit, an extreme of g, has the sign it claims.
  // Of the logit z_ŷ, g_i = w_ŷ·h_i is not that direction: no mark.
  byConstruction: (operator, facts) =>
    operator === 'attention-mask' && facts.singleAttention && facts.classes === 2 && facts.objective === 'probability'
      ? 'exact: on one attention distribution read linearly by a binary model, sign Δ under attention-mask is sign(g_i − Σ_j α_j g_j) for g = ∂p/∂α, and the top-|g| unit is an extreme of g'
      : undefined,
  explain: (ctx, settings) => attentionGradientExplanation(ctx, settings, 'gradient', (_a, g) => g, '∇α'),
});
