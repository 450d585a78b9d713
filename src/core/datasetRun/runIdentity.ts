/**
 * What identifies a dataset run's outcomes: the model's files (hashed), its classes, whether it is tested per label,
 * and every setting that changes a text's outcome. The cache is keyed by it and the report records it.
 */
import type { TextClassifier } from '../classifier/textClassifier';
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { hashFiles } from '../files/hashFiles';
import { outcomeSettings, type OutcomeSettings } from '../settings/engineSettings';
import { ENGINE_VERSION } from './engineVersion';
import { chosenTarget } from '../explain/prepareText';
import type { MeasureId } from './measures';

/** The shape of a cached outcome; bumped when it changes, so older cache files are not read as this one. */
const OUTCOME_FORMAT = 2;

export interface RunIdentity {
  /** Every class by index (LABEL_i where the config names none), so ids in the file map even without id2label. */
  labels: string[];
  /** A multi-label model is tested on every label of every row: one judgement each, folded in per row. */
  multiLabel: boolean;
  /** Judgements per text besides the first (the other labels of a multi-label model). */
  otherLabels: number;
  modelHash: string;
  outcome: OutcomeSettings;
  /** What the run computes per sample (measures.ts): a run measuring less has other outcomes. */
  measure: MeasureId[];
  /** The class every sample is explained for (`check --target`); absent: each sample's prediction ŷ. */
  target?: number;
  /** The outcome settings, the model's own settings (pooling, mask and pad tokens, outputs) and the engine's version. */
  cacheKey: Record<string, unknown>;
}

/** The class index a dataset run explains every sample for, or undefined for each sample's ŷ; throws when invalid. */
export function datasetTarget(model: TextClassifier, target: string | number | undefined): number | undefined {
  if (target === undefined) return undefined;
  if (model.head.kind === 'multi-label')
    throw new Error(
      'A multi-label model is tested on every label of every row in a dataset run; a target label applies to explain only.',
    );
  return chosenTarget(model, target);
}

export async function runIdentity(
  model: TextClassifier,
  settings: ResolvedExplainOptions,
  measure: MeasureId[],
): Promise<RunIdentity> {
  const classes = model.head.classes.length;
  const labels = Array.from({ length: classes }, (_, i) => model.labelOf(i));
  const multiLabel = model.head.kind === 'multi-label';
  const modelHash = await hashFiles([model.folder.modelPath, ...model.onnx.dataFiles, model.folder.tokenizerPath]);
  const outcome = outcomeSettings({ ...settings, maxTokens: model.tokenizer.maxLength });
  const target = datasetTarget(model, settings.target);
  return {
    labels,
    multiLabel,
    otherLabels: multiLabel ? classes - 1 : 0,
    modelHash,
    outcome,
    measure,
    ...(target === undefined ? {} : { target }),
    cacheKey: {
      labels,
      ...outcome,
      measure,
      target: target ?? null,
      layerSweep: settings.layerSweep ?? false,
      config: model.folder.config,
      engine: ENGINE_VERSION,
      format: OUTCOME_FORMAT,
    },
  };
}
