import type { LabelledText } from '../datasetFiles/labelledCsv';
import { labelIndex } from '../datasetFiles/labelMapping';
import type { TextClassifier } from '../classifier/textClassifier';

export interface AccuracyResult {
  examples: number;
  correct: number;
  /** correct / examples, against the gold labels of the file. */
  accuracy: number;
  /** Texts longer than the model's maximum, cut before prediction. */
  truncated: number;
}

/** Accuracy of the classifier's argmax against the gold labels. */
export async function measureAccuracy(model: TextClassifier, rows: LabelledText[]): Promise<AccuracyResult> {
  // The dataset run's label mapping (names, case-insensitive names, class ids), strict here: accuracy needs every label.
  const labels = model.head.classes.map((_, i) => model.labelOf(i));
  const gold = rows.map((r) => {
    const index = labelIndex(r.label, labels);
    if (index === null) throw new Error(`Label "${r.label}" is not one of the model's classes (${labels.join(', ')}).`);
    return index;
  });
  const predictions = await model.predict(rows.map((r) => r.text));
  const correct = predictions.filter((p, i) => p.predicted === gold[i]).length;
  return {
    examples: rows.length,
    correct,
    accuracy: rows.length ? correct / rows.length : NaN,
    truncated: predictions.filter((p) => p.truncated).length,
  };
}
