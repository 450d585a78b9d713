import type { LabelledText } from '../datasetFiles/labelledCsv';
import type { TextClassifier } from '../classifier/textClassifier';

export interface AccuracyResult {
  examples: number;
  correct: number;
  /** correct / examples, against the gold labels of the file. */
  accuracy: number;
  /** Texts longer than the model's maximum, cut before prediction. */
  truncated: number;
}

/** Maps a gold label as written in a dataset (a class name, or a class index) to the model's class index. */
export function classIndexOf(label: string, labels: string[] | undefined): number {
  const byName = labels?.indexOf(label) ?? -1;
  if (byName >= 0) return byName;
  if (/^\d+$/.test(label) && (!labels || Number(label) < labels.length)) return Number(label);
  throw new Error(
    `Label "${label}" is not one of the model's classes (${labels?.join(', ') ?? 'none in config.json'}).`,
  );
}

/** Accuracy of the classifier's argmax against the gold labels. */
export async function measureAccuracy(model: TextClassifier, rows: LabelledText[]): Promise<AccuracyResult> {
  const gold = rows.map((r) => classIndexOf(r.label, model.folder.labels));
  const predictions = await model.predict(rows.map((r) => r.text));
  const correct = predictions.filter((p, i) => p.predicted === gold[i]).length;
  return {
    examples: rows.length,
    correct,
    accuracy: rows.length ? correct / rows.length : NaN,
    truncated: predictions.filter((p) => p.truncated).length,
  };
}
