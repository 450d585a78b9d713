/**
 * How a report names its samples, its accuracy and its "predicted" column: one judgement per row, or for a
 * multi-label model one per (row, label), each tested with σ(z) of that label. Pure, so the webview bundles it too.
 */
import { headWords } from '../explain/headWords';
import type { DatasetReport } from './datasetReport';

/**
 * The symbol of the quantity every Δ in the report is about: p(ŷ) (or the head's own), or p(c) with the class named
 * when the run explained one class for every sample (`check --target`).
 */
export function explainedSymbol(report: Pick<DatasetReport, 'model'> & { settings?: { target?: number } }): string {
  const target = report.settings?.target;
  return target === undefined ? headWords(report.model.head).symbol : `p(${report.model.labels[target]})`;
}

export interface SampleWords {
  multiLabel: boolean;
  /** "400 samples" or "1,200 samples (400 rows × 3 labels)" given a count formatter. */
  samples(format: (n: number) => string): string;
  /** The accuracy's title in the report's header, its name in a sentence, and what one counted unit is. */
  accuracyTitle: string;
  accuracyName: string;
  accuracyUnit: string;
  /** The sample browser's column for the class explained, and the CSV's. */
  explainedColumn: string;
  explainedCsv: string;
  /** Said after an interval counted over judgements clustered in rows. */
  clusterNote: string;
}

export function sampleWords(report: Pick<DatasetReport, 'samples' | 'rowsExplained' | 'model'>): SampleWords {
  if (report.model.head?.kind !== 'multi-label') {
    return {
      multiLabel: false,
      samples: (f) => `${f(report.samples)} samples`,
      accuracyTitle: 'Accuracy (labelled rows)',
      accuracyName: 'Accuracy',
      accuracyUnit: 'labelled row',
      explainedColumn: 'Predicted',
      explainedCsv: 'prediction',
      clusterNote: '',
    };
  }
  const rows = report.rowsExplained ?? report.samples;
  return {
    multiLabel: true,
    samples: (f) => `${f(report.samples)} samples (${f(rows)} rows × ${report.model.labels.length} labels)`,
    accuracyTitle: 'Per-label accuracy (σ(z) ≥ ½ agrees with the row’s gold labels)',
    accuracyName: 'Per-label accuracy (σ(z) ≥ ½ agrees with the row’s gold labels)',
    accuracyUnit: 'label judgement',
    explainedColumn: 'Label tested',
    explainedCsv: 'label_tested',
    clusterNote: 'intervals count each row’s labels together (Wilson at the effective sample size)',
  };
}

/**
 * Why a report has no accuracy (it is null exactly when no explained row has a gold label the model knows): the
 * dataset has no labels at all (a text file never does), or none of its labels names a class.
 */
export function noAccuracyReason(report: Pick<DatasetReport, 'dataset'>): string {
  const { columns, format, unmappedLabels } = report.dataset;
  if (columns.label === null)
    return format === 'txt' ? 'a text file (one text per line) has no labels' : 'no label column was chosen';
  return unmappedLabels.length
    ? 'no explained row has a label that names a class of the model'
    : 'no explained row has a label';
}
