/**
 * The violation test over a dataset file: rows stream in (the chosen sample), each text is explained by the engine
 * (or read back from the cache), its compact outcome is cached and folded into the report. Cancel keeps every finished
 * sample: the partial report is returned, and the next run with the same settings resumes from the cache.
 */
import type { TextClassifier } from '../classifier/textClassifier';
import { countRows, detectFormat, readRows, selectRows } from '../datasetFiles/datasetReader';
import type { ColumnChoice, SampleSpec, SelectedRow } from '../datasetFiles/datasetTypes';
import { ExplanationCancelled, resolveExplainOptions, type ExplainOptions } from '../explain/explainOptions';
import type { DatasetReport, SampleRecord, SampleRow } from './datasetReport';
import { DEFAULT_MEASURES, measureOptions, normalizeMeasures, type MeasureId } from './measures';
import { outcomeSource, type OutcomeSource } from './outcomeSource';
import { WorkersLost } from './outcomePool';
import { runIdentity, type RunIdentity } from './runIdentity';
import { runHead, RunTally, type RunHead } from './runTally';
import { sha256, SampleCache } from './sampleCache';
import type { SampleOutcome } from './sampleOutcome';
import { SHARD_SCHEMA, shardLines, type ShardHeader } from './shardFile';
import { ShardFilter, shardSize, type Shard } from './shards';

export interface DatasetRunOptions {
  path: string;
  columns: ColumnChoice;
  selection: SampleSpec;
  /** The engine's settings; `metrics`, `impactRows`, `randomFloor` and `cancelled` are set by the run. */
  explain: Omit<ExplainOptions, 'metrics' | 'impactRows' | 'randomFloor' | 'cancelled' | 'reuse'>;
  /** What to compute per sample (measures.ts); default DEFAULT_MEASURES, what the report shows first. */
  measure?: readonly MeasureId[];
  /** Where the per-model cache files live. */
  cacheDir: string;
  /** The model's maximum input length in tokens, part of the cache key (it changes the outcome of long texts). */
  maxTokens?: number;
  signal?: AbortSignal;
  /**
   * Processes to explain in (`check --workers N`, one onnxruntime thread each). 1 or absent: this process, with the
   * model given; 0: one per CPU core, at most MAX_WORKERS.
   */
  workers?: number;
  /** The worker processes' entry (the front end's build of outcomeWorker.ts); needed when `workers` is not 1. */
  workerScript?: string;
  /**
   * Explain only this shard of the selection (`check --shard K/N`, see shards.ts): the report counts the shard's rows,
   * and `shardFile` gives the file that `polarity-lens merge` folds with the other shards into the whole run's report.
   */
  shard?: Shard;
  /**
   * Called with the report's header (model, settings) once they are known, before any row is read: a throw stops the
   * run with nothing explained (`check --baseline` refusing a baseline that cannot be compared).
   */
  onStart?: (header: Omit<DatasetReport, 'records'>) => void | Promise<void>;
  /** Called after each sample; `snapshot` gives the report so far (for a live view; it costs a summary pass). */
  onProgress?: (progress: DatasetProgress, snapshot: () => ReportSnapshot) => void;
}

export interface ReportSnapshot {
  report: Omit<DatasetReport, 'records'>;
  sampleRows: SampleRow[];
}

export interface DatasetProgress {
  done: number;
  /** Rows to explain (known after a counting pass over the file). */
  total: number | null;
  resumed: number;
  /** Samples per second over this run's computed samples (resumed ones excluded), and the time left at that rate. */
  perSecond: number;
  etaSeconds: number | null;
  badRows: number;
}

/** The report's summary and sample rows; the full records are read back from the cache on demand. */
export interface DatasetRun extends ReportSnapshot {
  records(): AsyncGenerator<SampleRecord>;
  /** The record of data row `row` (for a multi-label model, its judgement of label `target`; default the first). */
  record(row: number, target?: number): SampleRecord | undefined;
  /** A shard run's shard file, as lines (shardFile.ts); only for a run given `shard`, once it has read every row. */
  shardFile?: () => AsyncGenerator<string>;
  close(): void;
}

/**
 * The run as stages: what identifies its outcomes (runIdentity) opens the cache; the rows are counted for the ETA;
 * texts are explained where the options say (outcomeSource) or read back from the cache, and folded into the tally
 * strictly in file order (RunTally), which gives the progress, the report and the records.
 */
export async function runDataset(model: TextClassifier, options: DatasetRunOptions): Promise<DatasetRun> {
  const measure = normalizeMeasures(options.measure ?? DEFAULT_MEASURES);
  const asked = resolveExplainOptions({ ...options.explain, ...measureOptions(measure) });
  const identity = await runIdentity(model, asked, measure);
  // A target class named in the options is passed on as its index, resolved once.
  const { target: _named, ...rest } = asked;
  const settings = identity.target === undefined ? rest : { ...rest, target: identity.target };
  const cache = await SampleCache.open(options.cacheDir, identity.modelHash, identity.cacheKey);
  let source: OutcomeSource | undefined;
  try {
    const total = await countSelected(options);
    const head = runHead(model, options, detectFormat(options.path), settings, identity);
    const share = options.shard && total !== null ? shardSize(total, options.shard) : total;
    const tally = new RunTally(head, cache, total, share);
    await options.onStart?.(tally.snapshot(false).report);
    source = outcomeSource(model, settings, options);
    const filter = options.shard ? new ShardFilter(options.shard) : undefined;
    await foldInFileOrder(options, tally, source, filter);
    source.close();
    // Complete only when every selected row was read: not after Cancel, nor when the file could not be read to its end.
    const { report, sampleRows } = tally.snapshot(!options.signal?.aborted && !tally.stats.stopped);
    const header = filter && !options.signal?.aborted ? shardHeader(head, identity, tally, filter, report) : undefined;
    return {
      report,
      sampleRows,
      records: () => tally.records(),
      record: (row, target) => tally.record(row, target),
      ...(header ? { shardFile: () => shardLines(header, tally.outcomes()) } : {}),
      close: () => cache.close(),
    };
  } catch (e) {
    source?.close();
    cache.close();
    throw e;
  }
}

/**
 * Rows stream in; each text comes from the cache or goes to the source (as many at once as it is wide), and the
 * outcomes are folded into the tally in file order, so the report is the same whatever the number of workers. A
 * text that cannot be explained is a bad row; Cancel stops reading, and what is in flight still counts.
 */
async function foldInFileOrder(
  options: DatasetRunOptions,
  tally: RunTally,
  source: OutcomeSource,
  shard?: ShardFilter,
): Promise<void> {
  const rows = selectRows(options.path, options.columns, options.selection, {
    format: tally.format,
    signal: options.signal,
    stats: tally.stats,
  });
  const inFlight: { row: SelectedRow; outcome: Promise<SampleOutcome | Error>; cached: boolean }[] = [];
  let stopped = false;
  const foldFirst = async () => {
    const { row, outcome: pending, cached } = inFlight.shift()!;
    const outcome = await pending;
    if (outcome instanceof WorkersLost) throw outcome;
    if (outcome instanceof ExplanationCancelled || (outcome instanceof Error && options.signal?.aborted)) {
      stopped = true;
      return;
    }
    if (outcome instanceof Error) {
      tally.failed({ line: row.line, reason: `could not be explained: ${outcome.message}` });
      return;
    }
    tally.add(row, outcome, cached);
    options.onProgress?.(tally.progress(), () => tally.snapshot(false));
  };
  for await (const row of rows) {
    if (options.signal?.aborted || stopped) break;
    if (shard && !shard.takes(row)) continue;
    const hit = tally.cached(row.text);
    if (!hit) tally.computing();
    inFlight.push({ row, cached: hit !== undefined, outcome: hit ? Promise.resolve(hit) : source.explain(row.text) });
    while (inFlight.length >= source.width || (inFlight.length && inFlight[0].cached)) await foldFirst();
  }
  while (inFlight.length) await foldFirst();
}

/** A shard run's header line: what the merge needs besides the rows (shardFile.ts). */
function shardHeader(
  head: RunHead,
  identity: RunIdentity,
  tally: RunTally,
  filter: ShardFilter,
  report: DatasetRun['report'],
): ShardHeader {
  return {
    schema: SHARD_SCHEMA,
    createdAt: report.createdAt,
    shard: filter.shard,
    head,
    outcomeKey: sha256(JSON.stringify(identity.cacheKey)),
    selection: { rows: report.dataset.rowsSelected, digest: filter.digest() },
    read: tally.stats,
    failures: tally.failures,
    complete: report.complete,
    rows: tally.explained,
    resumed: report.resumed,
    seconds: report.timing.seconds,
  };
}

/** How many rows the selection will yield: a parse-only pass (cheap next to explaining), for the progress ETA. */
async function countSelected(options: DatasetRunOptions): Promise<number | null> {
  const { selection } = options;
  if (selection.mode === 'first' && selection.n !== undefined) {
    // "The first 200" of a huge file must not read all of it first.
    let good = 0;
    for await (const _ of readRows(options.path, options.columns, { signal: options.signal }))
      if (++good >= selection.n) break;
    return good;
  }
  const good = await countRows(options.path, options.columns, { signal: options.signal });
  return selection.mode === 'all' ? good : Math.min(good, selection.n ?? good);
}
