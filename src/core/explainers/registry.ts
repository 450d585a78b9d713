import { attentionGradient } from './attentionGradient';
import { attentionInputNorm } from './attentionInputNorm';
import { attentionRollout } from './attentionRollout';
import { attentionXAbsGradient } from './attentionXAbsGradient';
import { attentionXGradient } from './attentionXGradient';
import { attentionXGradientSign } from './attentionXGradientSign';
import { conservativeLrp } from './conservativeLrp';
import type { Explainer } from './explainer';
import { genericAttention } from './genericAttention';
import { gradientNorm } from './gradientNorm';
import { inputXGradient } from './inputXGradient';
import { integratedGradients } from './integratedGradients';
import { kernelShap } from './kernelShap';
import { lime } from './lime';
import { occlusion } from './occlusion';
import { partialLrp } from './partialLrp';
import { randomWeights } from './randomWeights';
import { rawAttention } from './rawAttention';
import { transformerAttribution } from './transformerAttribution';

/** Every explainer, in display order (the paper's table: attention-based, transformer-based, gradient-based, then
 * perturbation methods and the random reference). A new explainer is one file plus one entry here. */
export const EXPLAINERS: readonly Explainer[] = [
  rawAttention,
  attentionXGradient,
  attentionGradient,
  attentionXAbsGradient,
  attentionXGradientSign,
  attentionInputNorm,
  partialLrp,
  attentionRollout,
  transformerAttribution,
  genericAttention,
  gradientNorm,
  inputXGradient,
  integratedGradients,
  conservativeLrp,
  occlusion,
  lime,
  kernelShap,
  randomWeights,
];

export function explainerById(id: string): Explainer {
  const found = EXPLAINERS.find((e) => e.id === id);
  if (!found) throw new Error(`Unknown explainer "${id}"; choose from ${EXPLAINERS.map((e) => e.id).join(', ')}.`);
  return found;
}
