import { defineExplainer } from './explainer';
import { dot, embeddingGradientExplanation } from './gradientMaps';

/**
 * Conservative LRP for transformers (Ali et al., ICML 2022): Gradient × Input on the word embeddings in the graph
 * where every attention softmax and every LayerNorm σ is held constant, which makes the propagation conserve
 * relevance through attention heads and LayerNorm. On an RNN/CNN only the attention softmax is held. Signed.
 */
export const conservativeLrp = defineExplainer({
  id: 'conservative-lrp',
  label: 'LRP (conservative, AH+LN rules)',
  signed: true,
  family: 'gradient',
  cost: 'lrp-backward',
  reads: ['objective'],
  citation: 'Ali et al., ICML 2022',
  explain: (ctx) =>
    embeddingGradientExplanation(ctx, 'conservative-lrp', dot, 'Σ_d e·∂̃/∂e with softmax and LayerNorm σ held constant'),
});
