import { defineExplainer } from './explainer';
import { attentionGradientExplanation } from './gradientMaps';

/** Gradient ablation α⊙sign(∇α) (Liu et al., ICML 2022, the gradient sign-vs-magnitude ablation; README “Explainers”): the gradient's sign without its magnitude. Signed. */
export const attentionXGradientSign = defineExplainer({
  id: 'attention-x-gradient-sign',
  label: 'α⊙sign(∇α) (sign only)',
  signed: true,
  family: 'attention',
  cost: 'backward',
  reads: ['attentionLayer', 'attentionHead', 'objective'],
  citation: 'Liu et al., ICML 2022 (gradient ablation, att*grad_sign)',
  explain: (ctx, settings) =>
    attentionGradientExplanation(ctx, settings, 'gradient', (a, g) => a * Math.sign(g), 'α⊙sign(∇α)'),
});
