/**
 * A saved report's dataset file: where it is now, and whether it still holds the rows the report explained at the
 * lines the report names. Markers in an editor are drawn only when it does: a file edited since the report would put
 * each verdict next to some other text.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readRows } from '../datasetFiles/datasetReader';
import type { DatasetReport, SampleRecord } from './datasetReport';

/**
 * The report's dataset: the path it records, or else a file of the same name beside the report (a report written
 * next to its dataset, as the report's exports are, and moved or copied with it); null when neither exists.
 */
export function locateReportDataset(report: Pick<DatasetReport, 'dataset'>, reportPath: string): string | null {
  const recorded = report.dataset.path;
  const beside = join(dirname(reportPath), basename(recorded));
  for (const candidate of [recorded, beside])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return null;
}

export type DatasetCheck = { matches: true } | { matches: false; reason: string };

/**
 * Whether `path` still holds every row of `records` (the report's, in any order) at the same row and line with the
 * same text, read as the report read it (its format and columns). Reads the file up to its last explained row.
 */
export async function checkReportDataset(
  path: string,
  report: Pick<DatasetReport, 'dataset'>,
  records: Iterable<Pick<SampleRecord, 'row' | 'line' | 'text'>>,
  signal?: AbortSignal,
): Promise<DatasetCheck> {
  const expected = new Map<number, { line: number; text: string }>();
  for (const r of records) expected.set(r.row, { line: r.line, text: r.text });
  if (expected.size === 0) return { matches: true };
  const { columns, format } = report.dataset;
  const where = (row: number, line: number) => `row ${row + 1} (line ${line})`;
  try {
    for await (const row of readRows(path, columns, { format, signal })) {
      const want = expected.get(row.row);
      if (!want) continue;
      if (want.line !== row.line)
        return { matches: false, reason: `${where(row.row, want.line)} now starts on line ${row.line}` };
      if (want.text !== row.text) return { matches: false, reason: `the text of ${where(row.row, want.line)} changed` };
      expected.delete(row.row);
      if (expected.size === 0) return { matches: true };
    }
  } catch (e) {
    return { matches: false, reason: (e as Error).message };
  }
  if (signal?.aborted) return { matches: false, reason: 'the check was cancelled' };
  const [row, { line }] = expected.entries().next().value!;
  return { matches: false, reason: `${where(row, line)} is no longer in the file` };
}
