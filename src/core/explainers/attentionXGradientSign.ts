import type { Explainer } from './explainer';
import { attentionGradientExplanation } from './gradientMaps';

/** Gradient ablation α⊙sign(∇α) (reference §6.5): the gradient's sign without its magnitude. Signed. */
export const attentionXGradientSign: Explainer = {
  id: 'attention-x-gradient-sign',
  label: 'α⊙sign(∇α) (sign only)',
  signed: true,
  family: 'attention',
  cost: 'backward',
  reads: ['attention', 'objective'],
  citation: 'Liu et al., ICML 2022 (gradient ablation, att*grad_sign)',
  explain: (ctx) => attentionGradientExplanation(ctx, 'gradient', (a, g) => a * Math.sign(g), 'α⊙sign(∇α)'),
};
