import { labelIndex, labelSet } from '../datasetFiles/labelMapping';
import type { SelectedRow } from '../datasetFiles/datasetTypes';
import type { SampleRecord } from './datasetReport';
import type { SampleOutcome } from './sampleOutcome';

/**
 * The records of one row: one, or for a multi-label model one per label in label order, each judged on its own label
 * (correct when σ(z) ≥ ½ agrees with the label being among the row's gold labels).
 */
export function sampleRecords(
  row: Pick<SelectedRow, 'row' | 'line' | 'label'>,
  outcome: SampleOutcome,
  labels: string[],
  multiLabel: boolean,
): SampleRecord[] {
  const { otherLabels, ...first } = outcome;
  const where = { row: row.row, line: row.line, label: row.label };
  if (!multiLabel) {
    const index = labelIndex(row.label, labels);
    return [
      {
        ...where,
        labelIndex: index,
        correct: index === null ? null : index === (first.predicted ?? first.prediction.index),
        ...first,
      },
    ];
  }
  const gold = labelSet(row.label, labels);
  const judgements = [first, ...(otherLabels ?? []).map((o) => ({ ...first, ...o }))].sort(
    (a, b) => a.prediction.index - b.prediction.index,
  );
  return judgements.map((j) => {
    const c = j.prediction.index;
    return {
      ...where,
      labelIndex: gold?.has(c) ? c : null,
      correct: gold ? j.prediction.probability >= 0.5 === gold.has(c) : null,
      ...j,
    };
  });
}
