/**
 * A shard file (`check --shard K/N`): JSON Lines, a header line with everything the report needs besides the samples
 * (the run's head, the reader's counts and bad rows, the rows the engine could not explain, the selection's identity,
 * K and N), then one line per explained row of the shard in file order: its place in the file and its outcome (the
 * cache's compact form). `polarity-lens merge` reads them back (mergeShards.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { ReadStats } from '../datasetFiles/datasetTypes';
import type { ReadStatsWithStop } from '../datasetFiles/datasetReader';
import type { RunHead } from './runTally';
import type { SampleOutcome } from './sampleOutcome';
import { shardProblem, type Shard } from './shards';

export const SHARD_SCHEMA = 'polarity-lens/dataset-shard@1';

export interface ShardHeader {
  schema: typeof SHARD_SCHEMA;
  createdAt: string;
  shard: Shard;
  head: RunHead;
  /** sha256 of everything that changes a text's outcome (the cache's key: settings, the model's config, the engine). */
  outcomeKey: string;
  /** The selection, the same in every shard: its rows (the report's rowsSelected) and their sha256 (ShardFilter). */
  selection: { rows: number; digest: string };
  /** What the reader counted over the file, the same in every shard. */
  read: ReadStatsWithStop;
  /** This shard's rows that the engine could not explain. */
  failures: Pick<ReadStats, 'badRowCount' | 'badRows'>;
  /** Every row of the shard was read (false only when the dataset could not be read to its end, in every shard). */
  complete: boolean;
  /** Explained rows, one line each after this header. */
  rows: number;
  /** Of them, taken from the shard's cache; and the shard's run time. */
  resumed: number;
  seconds: number;
}

/** One explained row: where it is in the file, its gold label, and the text's outcome. */
export interface ShardRow {
  row: number;
  line: number;
  label: string | null;
  outcome: SampleOutcome;
}

/** The file's lines: the header, then the rows. */
export async function* shardLines(header: ShardHeader, rows: AsyncIterable<ShardRow>): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  for await (const r of rows) yield `${JSON.stringify({ row: r.row, line: r.line, label: r.label, o: r.outcome })}\n`;
}

/** A file that is not a shard this version reads, or shards that do not make one run: bad input, naming the file. */
export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** What is wrong with a parsed header line, or undefined. */
function headerProblem(h: Record<string, unknown>): string | undefined {
  const shard = h.shard;
  if (!isObject(shard) || shardProblem(shard as unknown as Shard)) return '"shard" is not K of N';
  const head = h.head;
  if (!isObject(head) || !isObject(head.dataset) || !isObject(head.model) || !isObject(head.settings))
    return '"head" lacks the dataset, the model or the settings';
  if (typeof head.model.sha256 !== 'string') return 'the model has no sha256';
  if (typeof h.outcomeKey !== 'string') return '"outcomeKey" is missing';
  const selection = h.selection;
  if (!isObject(selection) || !isCount(selection.rows) || typeof selection.digest !== 'string')
    return '"selection" lacks its rows or digest';
  for (const key of ['read', 'failures'] as const) {
    const stats = h[key];
    if (!isObject(stats) || !isCount(stats.badRowCount) || !Array.isArray(stats.badRows))
      return `"${key}" lacks its bad rows`;
  }
  if (!isCount((h.read as Record<string, unknown>).rowsRead)) return '"read" lacks rowsRead';
  if (typeof h.complete !== 'boolean') return '"complete" is missing';
  for (const key of ['rows', 'resumed'] as const) if (!isCount(h[key])) return `"${key}" is not a count`;
  if (typeof h.seconds !== 'number') return '"seconds" is missing';
  return undefined;
}

/** Reads and checks a shard file's header line; anything else is a ShardError naming the file and saying why. */
export async function readShardHeader(path: string): Promise<ShardHeader> {
  const name = basename(path);
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new ShardError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let first: string | undefined;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    first = line;
    break;
  }
  lines.close();
  const not = (why: string) =>
    new ShardError(`${name} is not a Polarity Lens shard file (what check --shard K/N writes): ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(first ?? '');
  } catch {
    throw not('its first line is not JSON');
  }
  if (!isObject(json)) throw not('its first line is not a JSON object');
  const schema = typeof json.schema === 'string' ? json.schema : '';
  const version = /^polarity-lens\/dataset-shard@(\d+)$/.exec(schema)?.[1];
  if (version === undefined) throw not(`its "schema" is ${JSON.stringify(json.schema)}, not "${SHARD_SCHEMA}"`);
  if (`polarity-lens/dataset-shard@${version}` !== SHARD_SCHEMA)
    throw new ShardError(
      `${name} is a shard of another Polarity Lens version (${schema}; this one reads ${SHARD_SCHEMA}): make every shard and merge them with one version.`,
    );
  const problem = headerProblem(json);
  if (problem) throw new ShardError(`${name} is damaged: ${problem}. Run its shard again.`);
  return json as unknown as ShardHeader;
}

/** A row line parsed and checked, or undefined. */
function parseRow(line: string): ShardRow | undefined {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(r) || !isCount(r.row) || !isCount(r.line)) return undefined;
  if (!(r.label === null || typeof r.label === 'string') || !isObject(r.o) || typeof r.o.text !== 'string')
    return undefined;
  return { row: r.row, line: r.line, label: r.label, outcome: r.o as unknown as SampleOutcome };
}

/** The rows of a shard file, in its order, each checked; a damaged line is a ShardError naming the file and line. */
export async function* readShardRows(path: string): AsyncGenerator<ShardRow> {
  const name = basename(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    if (n++ === 0 || line === '') continue;
    const row = parseRow(line);
    if (!row) throw new ShardError(`${name} is damaged at line ${n}: not a row of a shard file. Run its shard again.`);
    yield row;
  }
}
