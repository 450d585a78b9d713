/**
 * A dataset report read back from its JSON file (`check --json`, the report panel's JSON export), checked to be one
 * this version can read, and served as a finished DatasetRun: the report panel, its exports, "open sample" and
 * `polarity-lens report` then treat it like a run that just ended. The dataset itself is not needed to read a report
 * (reportDataset.ts finds it and checks that it still holds the report's rows).
 */
import { constants } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  DATASET_REPORT_SCHEMA,
  READABLE_REPORT_SCHEMAS,
  toSampleRow,
  type DatasetReport,
  type SampleRecord,
} from './datasetReport';
import type { DatasetRun } from './runDataset';

/** A file that cannot be opened as a dataset report: unreadable, not JSON, not a report, or a newer format. */
export class ReportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportFileError';
  }
}

const SCHEMA = /^polarity-lens\/dataset-report@(\d+)$/;
/** The report format this version writes, and the oldest it reads (READABLE_REPORT_SCHEMAS). */
const VERSION = Number(SCHEMA.exec(DATASET_REPORT_SCHEMA)![1]);
const OLDEST = Math.min(...READABLE_REPORT_SCHEMAS.map((s) => Number(SCHEMA.exec(s)![1])));

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'strings' | 'object or null';
const KIND_WORDS: Record<Kind, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  strings: 'a list of strings',
  'object or null': 'an object or null',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  return 'an object';
}

function hasKind(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof v === kind && (kind !== 'number' || Number.isFinite(v));
    case 'integer':
      return Number.isSafeInteger(v);
    case 'object':
      return isObject(v);
    case 'object or null':
      return v === null || isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

/** The value at a dotted path ("dataset.columns.text"), or undefined where a step is missing. */
function at(root: unknown, path: string): unknown {
  let v = root;
  for (const key of path.split('.')) v = isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined;
  return v;
}

/** What every report has and what the readers of a report use: the summary's parts, by kind. */
const SUMMARY: [string, Kind][] = [
  ['createdAt', 'string'],
  ['dataset', 'object'],
  ['dataset.path', 'string'],
  ['dataset.format', 'string'],
  ['dataset.columns', 'object'],
  ['dataset.columns.text', 'string'],
  ['dataset.selection', 'object'],
  ['dataset.rowsRead', 'integer'],
  ['dataset.rowsSelected', 'integer'],
  ['dataset.badRows', 'array'],
  ['dataset.badRowCount', 'integer'],
  ['dataset.unmappedLabels', 'strings'],
  ['model', 'object'],
  ['model.name', 'string'],
  ['model.dir', 'string'],
  ['model.labels', 'strings'],
  ['model.sha256', 'string'],
  ['settings', 'object'],
  ['settings.explainers', 'strings'],
  ['settings.operators', 'strings'],
  ['settings.operator', 'string'],
  ['samples', 'integer'],
  ['complete', 'boolean'],
  ['resumed', 'integer'],
  ['accuracy', 'object or null'],
  ['metrics', 'array'],
  ['explainers', 'array'],
  ['random', 'object'],
  ['random.perSeed', 'array'],
  ['byLength', 'array'],
  ['byConfidence', 'array'],
  ['violationTokens', 'object'],
  ['timing', 'object'],
  ['records', 'array'],
];
const EXPLAINER: [string, Kind][] = [
  ['id', 'string'],
  ['label', 'string'],
  ['runs', 'integer'],
  ['violation', 'object'],
  ['violationMean', 'object'],
];
const RECORD: [string, Kind][] = [
  ['row', 'integer'],
  ['line', 'integer'],
  ['text', 'string'],
  ['prediction', 'object'],
  ['prediction.index', 'integer'],
  ['prediction.label', 'string'],
  ['prediction.probability', 'number'],
  ['units', 'integer'],
  ['explainers', 'object'],
  ['random', 'array'],
];

/**
 * The report in `json` (parsed from the file `name`), or a ReportFileError saying what it is instead: an explanation,
 * another file, a report of a newer format, or the first field that is missing or of the wrong kind.
 */
export function checkReport(json: unknown, name: string): DatasetReport {
  const not = (why: string) => new ReportFileError(`${name} is not a Polarity Lens dataset report: ${why}`);
  if (!isObject(json)) throw not(`it holds ${describe(json)}, not a JSON object`);
  const schema = json.schema;
  if (typeof schema === 'string' && schema.startsWith('polarity-lens/explain@'))
    throw not('it is one explanation (polarity-lens explain --format json), not a dataset run');
  const version = typeof schema === 'string' ? SCHEMA.exec(schema)?.[1] : undefined;
  if (typeof schema !== 'string' || version === undefined)
    throw not(`its "schema" is ${describe(schema)}, where a report says "${DATASET_REPORT_SCHEMA}"`);
  if (Number(version) > VERSION)
    throw new ReportFileError(
      `${name} was written by a newer Polarity Lens (${schema}; this version reads up to ${DATASET_REPORT_SCHEMA}): update Polarity Lens to open it.`,
    );
  if (Number(version) < OLDEST)
    throw new ReportFileError(`${name} has an older report format (${schema}) that this version cannot read.`);
  const damaged = (where: string, kind: Kind, found: unknown) =>
    new ReportFileError(
      `${name} is damaged: ${where} should be ${KIND_WORDS[kind]} and is ${describe(found)}. Write the report again (polarity-lens check --json, or Export JSON in the report).`,
    );
  const checkAll = (root: unknown, fields: [string, Kind][], where: (path: string) => string) => {
    for (const [path, kind] of fields) {
      const v = at(root, path);
      if (!hasKind(v, kind)) throw damaged(where(path), kind, v);
    }
  };
  checkAll(json, SUMMARY, (p) => `"${p}"`);
  (json.explainers as unknown[]).forEach((e, i) =>
    checkAll(e, EXPLAINER, (p) => `"${p}" of explainer ${i + 1} ("explainers")`),
  );
  (json.records as unknown[]).forEach((r, i) => checkAll(r, RECORD, (p) => `"${p}" of record ${i + 1} ("records")`));
  return json as unknown as DatasetReport;
}

/** Reads and checks a report file; a file that cannot be one is a ReportFileError naming it and saying why. */
export async function readReportFile(path: string): Promise<DatasetReport> {
  const name = basename(path);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch (e) {
    throw new ReportFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  // One string is all JSON.parse reads; beyond Node's longest string the file cannot be parsed at all.
  if (size > constants.MAX_STRING_LENGTH)
    throw new ReportFileError(
      `${name} is ${(size / 2 ** 20).toFixed(0)} MB, more than can be read as one JSON document here; use its CSV or Markdown files, or write a report of fewer rows.`,
    );
  const text = (await readFile(path)).toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReportFileError(
      `${name} is not valid JSON (${(e as Error).message}); a report is the file that polarity-lens check --json or the report's JSON export writes.`,
    );
  }
  return checkReport(json, name);
}

/** A saved report as a finished run: its summary, its sample rows (as the run showed them) and its records. */
export function savedRun(report: DatasetReport): DatasetRun {
  const { records, ...summary } = report;
  const kind = report.model.head?.kind ?? 'softmax';
  const multiLabel = kind === 'multi-label';
  // As the run's ReportBuilder: the sample browser names ŷ by its class for single-label heads.
  const classNames = kind === 'softmax' || kind === 'sigmoid' ? report.model.labels : undefined;
  const ids = report.explainers.map((e) => e.id);
  const byRow = new Map<number, SampleRecord[]>();
  for (const r of records) {
    const list = byRow.get(r.row);
    if (list) list.push(r);
    else byRow.set(r.row, [r]);
  }
  return {
    report: summary,
    sampleRows: records.map((r) => toSampleRow(r, ids, multiLabel, classNames)),
    records: async function* () {
      yield* records;
    },
    record: (row, target) => {
      const list = byRow.get(row) ?? [];
      return target === undefined ? list[0] : list.find((r) => r.prediction.index === target);
    },
    close: () => {},
  };
}
