import { defineExplainer } from './explainer';
import { attentionGradientExplanation } from './gradientMaps';

/** Gradient ablation α⊙|∇α| (Liu et al., ICML 2022, the gradient sign-vs-magnitude ablation; README “Explainers”): the gradient's magnitude without its sign. Unsigned. */
export const attentionXAbsGradient = defineExplainer({
  id: 'attention-x-abs-gradient',
  label: 'α⊙|∇α| (magnitude only)',
  signed: false,
  family: 'attention',
  cost: 'backward',
  reads: ['attentionLayer', 'attentionHead', 'objective'],
  citation: 'Liu et al., ICML 2022 (gradient ablation, att*grad_abs)',
  explain: (ctx, settings) =>
    attentionGradientExplanation(ctx, settings, 'gradient', (a, g) => a * Math.abs(g), 'α⊙|∇α|'),
});
