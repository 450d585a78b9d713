/**
 * The inference process's dataset runs: runs the violation test over a file, streams progress (with a partial report
 * every few seconds), and keeps each finished run open so the report's exports and "open sample" can read its records.
 * A saved report JSON opens the same way, as a finished run read from the file.
 */
import { join } from 'node:path';
import {
  checkReportDataset,
  jsonReport,
  locateReportDataset,
  markdownSummary,
  readReportFile,
  reportViewOf,
  runDataset,
  savedRun,
  samplesCsv,
  writeChunksAtomically,
  type DatasetProgress,
  type DatasetRun,
  type ReportFormat,
  type ReportView,
  type SampleRecord,
  type TextClassifier,
} from '../../core';
import { reportBundle } from '../../pages/report/reportBundle';
import { standaloneReportHtml } from '../../pages/report/reportHtml';
import type { ReportViewState } from '../../pages/report/reportProtocol';
import type { InferenceResponse, ReportDatasetFile, WireDatasetRun, WireLoadOptions } from './protocol';

/** Partial reports during a run carry at most this many sample rows (the final report carries all). */
const PARTIAL_ROWS = 2000;
const PARTIAL_EVERY_MS = 2000;
/** Progress goes out at most this often (the first sample's at once, the last held back before the report): a resumed
 * 100,000-row run finishes thousands of samples a second, and a message each would flood the host and the webview. */
const PROGRESS_EVERY_MS = 100;

const runs = new Map<number, DatasetRun>();

export async function datasetJob(
  id: number,
  model: TextClassifier,
  run: WireDatasetRun,
  load: WireLoadOptions,
  signal: AbortSignal,
  send: (m: InferenceResponse) => void,
): Promise<void> {
  let lastPartial = 0;
  let lastProgress = 0;
  /** A progress held back by the throttle, sent before the report so the last count shown is the final one. */
  let heldBack: DatasetProgress | undefined;
  const result = await runDataset(model, {
    ...run,
    maxTokens: load.maxTokens,
    // This process's bundle sits beside the worker's (dist/inferenceWorker.js, dist/outcomeWorker.js).
    workerScript: join(__dirname, 'outcomeWorker.js'),
    signal,
    onProgress: (progress, snapshot) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_EVERY_MS) {
        heldBack = progress;
        return;
      }
      heldBack = undefined;
      lastProgress = now;
      let partial: ReportView | undefined;
      if (now - lastPartial > PARTIAL_EVERY_MS) {
        lastPartial = now;
        const { report, sampleRows } = snapshot();
        partial = { ...report, sampleRows: sampleRows.slice(0, PARTIAL_ROWS) };
      }
      send({ id, kind: 'progress', progress, partial });
    },
  });
  runs.set(id, result);
  if (heldBack) send({ id, kind: 'progress', progress: heldBack });
  send({ id, kind: 'dataset', view: reportViewOf(result) });
}

/**
 * Opens a saved report as a finished run `id`, and looks for its dataset: at the path it records or beside the report,
 * checked to still hold the report's rows at their lines (the host draws markers only then).
 */
export async function openReportJob(id: number, path: string, send: (m: InferenceResponse) => void): Promise<void> {
  const report = await readReportFile(path);
  const run = savedRun(report);
  runs.set(id, run);
  const found = locateReportDataset(report, path);
  const dataset: ReportDatasetFile = found
    ? { path: found, ...(await checkReportDataset(found, report, report.records)) }
    : {
        path: null,
        matches: false,
        reason: `its dataset ${report.dataset.path} is not there, nor beside the report`,
      };
  send({ id, kind: 'report', view: reportViewOf(run), dataset });
}

export async function exportReport(
  run: number,
  format: ReportFormat,
  path: string,
  overwrite: boolean,
  view?: Partial<ReportViewState>,
): Promise<string> {
  const r = openRun(run);
  const chunks =
    format === 'json'
      ? jsonReport(r)
      : format === 'csv'
        ? samplesCsv(r)
        : format === 'md'
          ? [markdownSummary(r.report)]
          : [standaloneReportHtml(reportViewOf(r), reportBundle(), view)];
  await writeChunksAtomically(path, chunks, { overwrite });
  return path;
}

export async function sampleText(run: number, row: number): Promise<string> {
  const record = openRun(run).record(row);
  if (!record) throw new Error(`row ${row} is not in this report`);
  return record.text;
}

export function sampleRecord(run: number, row: number, target?: number): SampleRecord {
  const record = openRun(run).record(row, target);
  if (!record) throw new Error(`row ${row} is not in this report`);
  return record;
}

export function closeRun(run: number): void {
  runs.get(run)?.close();
  runs.delete(run);
}

function openRun(run: number): DatasetRun {
  const r = runs.get(run);
  if (!r)
    throw new Error(
      'This report is no longer open in the inference process; run the test again (finished samples come from the cache).',
    );
  return r;
}
