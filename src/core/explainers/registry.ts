import { attentionRollout } from './attentionRollout';
import type { Explainer } from './explainer';
import { kernelShap } from './kernelShap';
import { lime } from './lime';
import { occlusion } from './occlusion';
import { randomWeights } from './randomWeights';
import { rawAttention } from './rawAttention';

/** Every explainer, in display order. A new explainer is one file plus one entry here. */
export const EXPLAINERS: readonly Explainer[] = [rawAttention, attentionRollout, occlusion, lime, kernelShap, randomWeights];

export function explainerById(id: string): Explainer {
  const found = EXPLAINERS.find((e) => e.id === id);
  if (!found) throw new Error(`Unknown explainer "${id}"; choose from ${EXPLAINERS.map((e) => e.id).join(', ')}.`);
  return found;
}
