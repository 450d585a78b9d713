import { defineExplainer } from './explainer';
import { dot, embeddingGradientExplanation } from './gradientMaps';

/** Saliency (Simonyan et al. 2014): ‖∂objective/∂e_i‖₂, the L2 norm over the embedding. Unsigned. */
export const gradientNorm = defineExplainer({
  id: 'gradient-norm',
  label: 'Gradient (saliency, ‖∇e‖)',
  signed: false,
  family: 'gradient',
  cost: 'backward',
  reads: ['objective'],
  citation: 'Simonyan et al., ICLR workshop 2014',
  explain: (ctx) =>
    embeddingGradientExplanation(ctx, 'gradient', (_e, g) => Math.sqrt(dot(g, g)), '‖∂/∂e_i‖₂ over the word embedding'),
});
