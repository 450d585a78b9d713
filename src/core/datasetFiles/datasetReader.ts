/**
 * Reads user datasets (CSV, TSV, JSONL, JSON arrays, plain text with one text per line) for the dataset runner: a quick preview to choose columns, then
 * every good row streamed in file order with bounded memory, bad rows counted and reported with their line instead of
 * failing the run. Pure Node (the extension and the CLI both use it); files are only ever opened for reading.
 *
 * What a caller should know:
 *  - Rows come from csv-parse (CSV/TSV) or a line splitter / array scanner plus JSON.parse (JSONL/JSON); see
 *    csvRecords.ts and jsonRecords.ts for quoting and line-number rules. A .txt file is the line splitter alone: every
 *    non-blank line is one text, with no label; its rows are numbered by line (row = line − 1), so blank lines leave
 *    gaps in the row numbers instead of shifting them.
 *  - A CSV record that cannot be delimited (a quote never closed, a field over 4 MB) ends the reading: it becomes the
 *    last bad row, its reason ends with "reading stopped here…", and `stats.stopped` (see ReadStatsWithStop) is set.
 *    Every other bad row (ragged, empty text, invalid UTF-8, too long, bad JSON) is skipped and reading goes on.
 *  - A record over 1,000,000 characters is a bad row; in JSONL, JSON arrays and text files reading goes on after it.
 *  - Errors that make the file unusable as a whole are DatasetErrors, thrown from the first `next()`.
 */
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { csvRecords } from './csvRecords';
import { guessColumns } from './columnDetection';
import {
  DatasetError,
  type BadRow,
  type ColumnChoice,
  type DatasetFormat,
  type DatasetPreview,
  type ReadStats,
  type SampleSpec,
  type SelectedRow,
} from './datasetTypes';
import { jsonArrayRecords, lineRecords, type JsonEvent } from './jsonRecords';
import { MAX_BAD_ROWS_KEPT, MAX_RECORD_CHARS, TOO_LONG, decodeUtf8, decodeUtf8Lossy, utf8Length } from './limits';
import { sampleRows } from './sampling';

export { columnsNeedConfirming, guessColumns } from './columnDetection';
export { checkLabels, labelIndex } from './labelMapping';
export { allocateStrata, validateSampleSpec } from './sampling';

export interface ReadOptions {
  /** Overrides the format the file's extension says. */
  format?: DatasetFormat;
  /** Aborting stops the reading promptly: the generator returns (no error) and the file is closed. */
  signal?: AbortSignal;
  /** Updated as rows are read (pass a fresh one, e.g. newReadStats()). */
  stats?: ReadStats;
  /** Called for every bad row (stats keep only the first 1,000). */
  onBadRow?: (bad: BadRow) => void;
}

/** ReadStats plus the row at which reading stopped early, when it did (set on the `stats` object passed in). */
export interface ReadStatsWithStop extends ReadStats {
  stopped?: BadRow;
}

export function newReadStats(): ReadStatsWithStop {
  return { rowsRead: 0, badRowCount: 0, badRows: [] };
}

const FORMATS: Record<string, DatasetFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.txt': 'txt',
};

/** Every file extension read as a dataset, lower case with the dot (package.json's `when` clauses list the same). */
export const DATASET_EXTENSIONS: readonly string[] = Object.keys(FORMATS);

/** A .txt dataset's one column: each line is a text, and there are no labels. */
export const TEXT_LINE_COLUMN = 'text';

export function detectFormat(path: string): DatasetFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new DatasetError(
      `${basename(path)}: unsupported dataset type; use one of ${DATASET_EXTENSIONS.join(', ')} ` +
        '(CSV/TSV with a header row, JSON Lines, a JSON array of objects, or plain text with one text per line)',
    );
  }
  return format;
}

/** Opens the file read-only, refuses binary and UTF-16 files, and returns where the data starts (after a BOM). */
async function sniff(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new DatasetError(`cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    if (!(await handle.stat()).isFile()) throw new DatasetError(`${path} is not a file`);
    const head = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw new DatasetError(`${basename(path)} is UTF-16 text; save it as UTF-8`);
    }
    if (bytes.includes(0)) throw new DatasetError(`${basename(path)} looks like a binary file, not a text dataset`);
    return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  } finally {
    await handle.close();
  }
}

/** Numbers the data rows (good and bad) and keeps the caller's statistics. */
class RowCounter {
  private next = 0;
  constructor(private readonly options: ReadOptions) {}
  /** The row's number: the next one, or `row` where the format numbers rows itself (text files, by line). */
  good(row?: number): number {
    if (this.options.stats) this.options.stats.rowsRead++;
    return row ?? this.next++;
  }
  bad(line: number, reason: string, stop = false): void {
    this.next++;
    const bad = { line, reason };
    const { stats } = this.options;
    if (stats) {
      stats.rowsRead++;
      countBadRow(stats, bad);
      if (stop) (stats as ReadStatsWithStop).stopped = bad;
    }
    this.options.onBadRow?.(bad);
  }
}

/** Counts a bad row and lists it among the first MAX_BAD_ROWS_KEPT (also for rows the engine could not explain). */
export function countBadRow(stats: ReadStats, bad: BadRow): void {
  stats.badRowCount++;
  if (stats.badRows.length < MAX_BAD_ROWS_KEPT) stats.badRows.push(bad);
}

function columnsFound(columns: string[]): string {
  return columns.length ? columns.map((c) => JSON.stringify(c)).join(', ') : '(none)';
}

async function* readDelimited(
  path: string,
  start: number,
  columns: ColumnChoice,
  format: 'csv' | 'tsv',
  options: ReadOptions,
): AsyncGenerator<SelectedRow> {
  const counter = new RowCounter(options);
  let header: string[] | null = null;
  let textAt = -1;
  let labelAt = -1;
  for await (const ev of csvRecords(path, {
    delimiter: format === 'tsv' ? '\t' : ',',
    start,
    signal: options.signal,
  })) {
    if (options.signal?.aborted) return;
    if (ev.kind === 'stop') {
      if (header === null) throw new DatasetError(`${basename(path)}: cannot read the header row: ${ev.reason}`);
      counter.bad(ev.line, ev.reason, true);
      return;
    }
    if (header === null) {
      header = ev.fields.map(decodeUtf8Lossy);
      textAt = header.indexOf(columns.text);
      if (textAt < 0) {
        throw new DatasetError(
          `${basename(path)} has no column "${columns.text}"; its columns are ${columnsFound(header)}`,
        );
      }
      if (columns.label !== null) {
        labelAt = header.indexOf(columns.label);
        if (labelAt < 0) {
          throw new DatasetError(
            `${basename(path)} has no label column "${columns.label}"; its columns are ${columnsFound(header)}`,
          );
        }
      }
      continue;
    }
    const { fields, line } = ev;
    if (fields.length !== header.length) {
      counter.bad(line, `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`);
      continue;
    }
    let bytes = 0;
    for (const f of fields) bytes += f.length;
    if (bytes > MAX_RECORD_CHARS && fields.reduce((n, f) => n + utf8Length(f), 0) > MAX_RECORD_CHARS) {
      counter.bad(line, TOO_LONG);
      continue;
    }
    const text = decodeUtf8(fields[textAt]);
    const label = labelAt >= 0 ? decodeUtf8(fields[labelAt]) : '';
    if (text === null || label === null) {
      counter.bad(line, 'not valid UTF-8');
      continue;
    }
    if (text.trim() === '') {
      counter.bad(line, 'empty text');
      continue;
    }
    yield { row: counter.good(), line, text, label: label.trim() === '' ? null : label };
  }
}

/** A JSON value as a dataset cell: strings as they are, numbers and booleans as written, null/absent as missing. */
type Cell = { value: string | null } | { nested: 'an object' | 'an array' };

function cell(v: unknown): Cell {
  if (v === undefined || v === null) return { value: null };
  if (typeof v === 'string') return { value: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { value: String(v) };
  return { nested: Array.isArray(v) ? 'an array' : 'an object' };
}

/** A label cell: a cell, or a list of labels (a multi-label row, `["anger", "fear"]`) written as "anger;fear". */
function labelCell(v: unknown): Cell {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return { value: v.join(';') };
  return cell(v);
}

/**
 * A record's own field: keys such as "constructor" or "toString" never read Object.prototype's members, and a
 * "__proto__" key (an own property after JSON.parse) is just a field.
 */
function field(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A record of strings keyed by data (a header, a JSON object's keys): no prototype, so no key can reach one. */
function stringRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function describeJson(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

type ParsedItem = { line: number; object: Record<string, unknown> } | { line: number; bad: string; stop?: boolean };

/** The JSON objects of a JSONL or JSON-array file, with the bad records that are not objects. */
async function* jsonObjects(
  path: string,
  start: number,
  format: 'jsonl' | 'json',
  signal?: AbortSignal,
): AsyncGenerator<ParsedItem> {
  const events: AsyncGenerator<JsonEvent> =
    format === 'jsonl' ? lineRecords(path, { start, signal }) : jsonArrayRecords(path, { start, signal });
  for await (const ev of events) {
    if (signal?.aborted) return;
    if (ev.kind !== 'item') {
      yield { line: ev.line, bad: ev.reason, stop: ev.kind === 'stop' };
      continue;
    }
    const text = decodeUtf8(ev.bytes);
    if (text === null) {
      yield { line: ev.line, bad: 'not valid UTF-8' };
      continue;
    }
    if (ev.bytes.length > MAX_RECORD_CHARS && utf8Length(ev.bytes) > MAX_RECORD_CHARS) {
      yield { line: ev.line, bad: TOO_LONG };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line: ev.line, bad: `invalid JSON: ${(err as Error).message}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line: ev.line, bad: `not a JSON object (${describeJson(value)})` };
      continue;
    }
    yield { line: ev.line, object: value as Record<string, unknown> };
  }
}

async function* readJson(
  path: string,
  start: number,
  columns: ColumnChoice,
  format: 'jsonl' | 'json',
  options: ReadOptions,
): AsyncGenerator<SelectedRow> {
  const counter = new RowCounter(options);
  let checked = false;
  for await (const item of jsonObjects(path, start, format, options.signal)) {
    if (options.signal?.aborted) return;
    if ('bad' in item) {
      counter.bad(item.line, item.bad, item.stop);
      if (item.stop) return;
      continue;
    }
    const { object, line } = item;
    if (!checked) {
      // The first object stands for the file's columns, as a header would.
      checked = true;
      if (!Object.hasOwn(object, columns.text)) {
        throw new DatasetError(
          `${basename(path)} has no field "${columns.text}" (line ${line}); its first object has ${columnsFound(Object.keys(object))}`,
        );
      }
    }
    const text = cell(field(object, columns.text));
    const label = columns.label === null ? { value: null } : labelCell(field(object, columns.label));
    if ('nested' in text) {
      counter.bad(line, `the text is ${text.nested}, not a string`);
      continue;
    }
    if ('nested' in label) {
      counter.bad(line, `the label is ${label.nested}, not a string, a number or a list of them`);
      continue;
    }
    if (text.value === null || text.value.trim() === '') {
      counter.bad(line, text.value === null ? `no text ("${columns.text}" is missing or null)` : 'empty text');
      continue;
    }
    const l = label.value;
    yield { row: counter.good(), line, text: text.value, label: l === null || l.trim() === '' ? null : l };
  }
}

/** Plain text: every non-blank line is one text, without a label; its row is its line − 1 (see the header). */
async function* readTextLines(
  path: string,
  start: number,
  columns: ColumnChoice,
  options: ReadOptions,
): AsyncGenerator<SelectedRow> {
  checkTextLineColumns(path, columns);
  const counter = new RowCounter(options);
  for await (const ev of lineRecords(path, { start, signal: options.signal })) {
    if (options.signal?.aborted) return;
    if (ev.kind !== 'item') {
      counter.bad(ev.line, ev.reason);
      continue;
    }
    const text = decodeUtf8(ev.bytes);
    if (text === null) {
      counter.bad(ev.line, 'not valid UTF-8');
      continue;
    }
    if (ev.bytes.length > MAX_RECORD_CHARS && utf8Length(ev.bytes) > MAX_RECORD_CHARS) {
      counter.bad(ev.line, TOO_LONG);
      continue;
    }
    yield { row: counter.good(ev.line - 1), line: ev.line, text, label: null };
  }
}

/** A .txt file has one column and no labels: anything else asked of it is a DatasetError that says so. */
function checkTextLineColumns(path: string, columns: ColumnChoice): void {
  if (columns.text !== TEXT_LINE_COLUMN) {
    throw new DatasetError(
      `${basename(path)} is a text file with one text per line: its only column is "${TEXT_LINE_COLUMN}", not "${columns.text}"`,
    );
  }
  if (columns.label !== null) {
    throw new DatasetError(
      `${basename(path)} is a text file with one text per line and no labels; for labels use CSV, TSV or JSONL`,
    );
  }
}

/**
 * Every good data row of the file, in file order, streamed. Bad rows are counted in `options.stats` and passed to
 * `options.onBadRow`, not yielded. Throws DatasetError (on the first `next()`) for a file that is not a dataset, or
 * when the text column (or a chosen label column) is missing from the header / the first JSON object.
 */
export async function* readRows(
  path: string,
  columns: ColumnChoice,
  options: ReadOptions = {},
): AsyncGenerator<SelectedRow> {
  const format = options.format ?? detectFormat(path);
  if (options.signal?.aborted) return;
  const start = await sniff(path);
  if (format === 'csv' || format === 'tsv') yield* readDelimited(path, start, columns, format, options);
  else if (format === 'txt') yield* readTextLines(path, start, columns, options);
  else yield* readJson(path, start, columns, format, options);
}

/** How many good rows readRows would yield (a parse-only pass, e.g. for a progress estimate); so far, if aborted. */
export async function countRows(path: string, columns: ColumnChoice, options: ReadOptions = {}): Promise<number> {
  let n = 0;
  for await (const _row of readRows(path, columns, options)) n++;
  return n;
}

/**
 * The rows `spec` chooses, in file order (see sampling.ts). 'first' stops reading after n good rows; 'random' reads
 * the file once and 'stratified' twice, and `options.stats`/`onBadRow` see the whole file exactly once.
 */
export function selectRows(
  path: string,
  columns: ColumnChoice,
  spec: SampleSpec,
  options: ReadOptions = {},
): AsyncGenerator<SelectedRow> {
  const source = (pass: number): AsyncIterable<SelectedRow> =>
    readRows(path, columns, pass === 0 ? options : { format: options.format, signal: options.signal });
  return sampleRows(source, spec, options.signal);
}

const PREVIEW_CHARS = 200;

/** A value as the column picker shows it: nested values as their JSON, cut short (or said to be too deep to show). */
function previewCell(v: unknown): string {
  const c = cell(v);
  if (!('nested' in c)) return c.value ?? '';
  let json: string;
  try {
    json = JSON.stringify(v);
  } catch {
    return `(${c.nested}, nested too deeply to show)`; // JSON.parse reads any depth, JSON.stringify recurses
  }
  return json.length > PREVIEW_CHARS ? `${json.slice(0, PREVIEW_CHARS)}…` : json;
}

/**
 * The columns, the first `rows` good rows (as strings) and a column guess, reading only the top of the file. Throws
 * DatasetError for a file with no columns (an empty CSV, or no JSON object among the first rows).
 */
export async function previewDataset(
  path: string,
  { rows = 50, format }: { rows?: number; format?: DatasetFormat } = {},
): Promise<DatasetPreview> {
  const fmt = format ?? detectFormat(path);
  const start = await sniff(path);
  let columns: string[] = [];
  const out: Record<string, string>[] = [];
  if (fmt === 'csv' || fmt === 'tsv') {
    let header: string[] | null = null;
    for await (const ev of csvRecords(path, { delimiter: fmt === 'tsv' ? '\t' : ',', start })) {
      if (ev.kind === 'stop') {
        if (header === null) throw new DatasetError(`${basename(path)}: cannot read the header row: ${ev.reason}`);
        break;
      }
      if (header === null) {
        header = ev.fields.map(decodeUtf8Lossy);
        columns = header;
      } else if (out.length >= rows) break;
      else if (ev.fields.length === header.length) {
        const row = stringRecord();
        header.forEach((name, i) => {
          if (!(name in row)) row[name] = decodeUtf8Lossy(ev.fields[i]);
        });
        out.push(row);
      }
      if (out.length >= rows) break;
    }
    if (header === null)
      throw new DatasetError(`${basename(path)} is empty: a ${fmt.toUpperCase()} dataset needs a header row`);
  } else if (fmt === 'txt') {
    return previewTextLines(path, start, rows);
  } else {
    const seen = new Set<string>();
    let objects = 0;
    for await (const item of jsonObjects(path, start, fmt)) {
      if ('bad' in item) {
        if (item.stop) break;
        continue;
      }
      objects++;
      for (const key of Object.keys(item.object)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
      if (out.length < rows) {
        const row = stringRecord();
        for (const [k, v] of Object.entries(item.object)) row[k] = previewCell(v);
        out.push(row);
      }
      if (objects >= Math.max(rows, 1)) break;
    }
    if (columns.length === 0) {
      throw new DatasetError(
        `${basename(path)}: found no JSON object with fields at the top of the file, so no columns to choose from`,
      );
    }
    for (const row of out) for (const c of columns) row[c] ??= '';
  }
  return { format: fmt, columns, rows: out, guess: guessColumns(columns, out) };
}

/** A text file's preview: its one column and first lines; nothing to ask, since there is nothing to choose. */
async function previewTextLines(path: string, start: number, rows: number): Promise<DatasetPreview> {
  const out: Record<string, string>[] = [];
  for await (const ev of lineRecords(path, { start })) {
    if (out.length >= rows) break;
    if (ev.kind !== 'item') continue;
    const row = stringRecord();
    row[TEXT_LINE_COLUMN] = decodeUtf8Lossy(ev.bytes.subarray(0, 4 * PREVIEW_CHARS));
    out.push(row);
  }
  if (out.length === 0) throw new DatasetError(`${basename(path)} has no text: every line is blank`);
  const guess = { text: TEXT_LINE_COLUMN, label: null, textCandidates: [TEXT_LINE_COLUMN], labelCandidates: [] };
  return { format: 'txt', columns: [TEXT_LINE_COLUMN], rows: out, guess: { ...guess, ambiguous: false } };
}
