/** A finished run as the report page draws it (the records stay in the cache). */
import type { ReportView } from './datasetReport';
import type { DatasetRun } from './runDataset';

export function reportViewOf(run: DatasetRun): ReportView {
  return { ...run.report, sampleRows: run.sampleRows };
}
