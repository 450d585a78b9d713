/**
 * What identifies a dataset run's outcomes: the model's files (hashed), its classes, whether it is tested per label,
 * and every setting that changes a text's outcome. The cache is keyed by it and the report records it.
 */
import type { TextClassifier } from '../classifier/textClassifier';
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { hashFiles } from '../files/hashFiles';
import { outcomeSettings, type OutcomeSettings } from '../settings/engineSettings';
import { ENGINE_VERSION } from './engineVersion';

export interface RunIdentity {
  /** Every class by index (LABEL_i where the config names none), so ids in the file map even without id2label. */
  labels: string[];
  /** A multi-label model is tested on every label of every row: one judgement each, folded in per row. */
  multiLabel: boolean;
  /** Judgements per text besides the first (the other labels of a multi-label model). */
  otherLabels: number;
  modelHash: string;
  outcome: OutcomeSettings;
  /** The outcome settings, the model's own settings (pooling, mask and pad tokens, outputs) and the engine's version. */
  cacheKey: Record<string, unknown>;
}

export async function runIdentity(model: TextClassifier, settings: ResolvedExplainOptions): Promise<RunIdentity> {
  const classes = model.head.classes.length;
  const labels = Array.from({ length: classes }, (_, i) => model.labelOf(i));
  const multiLabel = model.head.kind === 'multi-label';
  const modelHash = await hashFiles([model.folder.modelPath, ...model.onnx.dataFiles, model.folder.tokenizerPath]);
  const outcome = outcomeSettings({ ...settings, maxTokens: model.tokenizer.maxLength });
  return {
    labels,
    multiLabel,
    otherLabels: multiLabel ? classes - 1 : 0,
    modelHash,
    outcome,
    cacheKey: { labels, ...outcome, config: model.folder.config, engine: ENGINE_VERSION },
  };
}
