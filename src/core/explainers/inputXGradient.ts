import { defineExplainer } from './explainer';
import { dot, embeddingGradientExplanation } from './gradientMaps';

/** InputGrad (Liu et al., ICML 2022; README “Explainers”): Σ_d e_{i,d} · ∂objective/∂e_{i,d} on the word embeddings. Signed. */
export const inputXGradient = defineExplainer({
  id: 'input-x-gradient',
  label: 'InputGrad (x⊙∇x)',
  signed: true,
  family: 'gradient',
  cost: 'backward',
  reads: ['objective'],
  citation: 'Shrikumar et al. 2016; Liu et al., ICML 2022 (InputGrad)',
  explain: (ctx) => embeddingGradientExplanation(ctx, 'gradient', dot, 'Σ_d e·∂/∂e over the word embedding'),
});
