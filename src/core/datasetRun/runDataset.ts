/**
 * The violation test over a dataset file: rows stream in (the chosen sample), each text is explained by the engine
 * (or read back from the cache), its compact outcome is cached and folded into the report. Cancel keeps every finished
 * sample: the partial report is returned, and the next run with the same settings resumes from the cache.
 */
import { availableParallelism } from 'node:os';
import { ExplanationCancelled, resolveExplainOptions, type ExplainOptions } from '../explain/explainOptions';
import type { TextClassifier } from '../classifier/textClassifier';
import { countBadRow, countRows, newReadStats, readRows, selectRows, type ReadStatsWithStop } from '../datasetFiles/datasetReader';
import { labelIndex, labelSet } from '../datasetFiles/labelMapping';
import type { ColumnChoice, SampleSpec, SelectedRow } from '../datasetFiles/datasetTypes';
import { detectFormat } from '../datasetFiles/datasetReader';
import { PAPER_OPERATORS } from '../erasure/operators';
import { DATASET_REPORT_SCHEMA, type DatasetReport, type SampleRecord, type SampleRow } from './datasetReport';
import { ReportBuilder } from './reportBuilder';
import { OutcomePool, WorkersLost } from './outcomePool';
import { ENGINE_VERSION } from './engineVersion';
import { hashFiles } from '../files/hashFiles';
import { outcomeSettings } from '../settings/engineSettings';
import { SampleCache } from './sampleCache';
import { RANDOM_SEEDS, type SampleOutcome } from './sampleOutcome';
import { textOutcome } from './textOutcome';

/** Most worker processes a run starts (each holds its own model, ≈ 200 MB for the transformer). */
export const MAX_WORKERS = 64;

export interface DatasetRunOptions {
  path: string;
  columns: ColumnChoice;
  selection: SampleSpec;
  /** The engine's settings; `metrics` and `cancelled` are set by the run. */
  explain: Omit<ExplainOptions, 'metrics' | 'cancelled' | 'reuse'>;
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
  close(): void;
}

export async function runDataset(model: TextClassifier, options: DatasetRunOptions): Promise<DatasetRun> {
  const started = performance.now();
  const settings = resolveExplainOptions({ ...options.explain, metrics: true });
  const format = detectFormat(options.path);
  // Every class by index (LABEL_i where the config names none), so ids in the file map even without id2label.
  const classes = model.head.classes.length;
  const labels = Array.from({ length: classes }, (_, i) => model.labelOf(i));
  // A multi-label model is tested on every label of every row: one judgement each, folded in per row.
  const multiLabel = model.head.kind === 'multi-label';
  const otherLabels = multiLabel ? classes - 1 : 0;
  const modelHash = await hashFiles([model.folder.modelPath, ...model.onnx.dataFiles, model.folder.tokenizerPath]);
  // Every setting that changes a text's outcome (declared in ENGINE_SETTINGS), the report's too.
  const outcome = outcomeSettings({ ...settings, maxTokens: model.tokenizer.maxLength });
  // The model's own settings (pooling, mask and pad tokens, outputs) and the engine's version change outcomes too.
  const cacheKey = { labels, ...outcome, config: model.folder.config, engine: ENGINE_VERSION };
  const cache = await SampleCache.open(options.cacheDir, modelHash, cacheKey);
  let closePool = () => {};
  try {
    const total = await countSelected(options);
    const stats: ReadStatsWithStop = newReadStats();
    const builder = new ReportBuilder(settings.explainers, settings.operator, multiLabel);
    const kept: Pick<SampleRecord, 'row' | 'line' | 'label' | 'text'>[] = [];
    const unmapped = new Set<string>();
    let resumed = 0;
    let computed = 0;
    let computeMs = 0;
    const snapshot = (complete: boolean): ReportSnapshot => {
      const { msPerSample, ...summary } = builder.summary();
      const report: Omit<DatasetReport, 'records'> = {
        schema: DATASET_REPORT_SCHEMA,
        createdAt: new Date().toISOString(),
        dataset: {
          path: options.path, format, columns: options.columns, selection: options.selection,
          rowsRead: stats.rowsRead, rowsSelected: total ?? kept.length, badRows: stats.badRows, badRowCount: stats.badRowCount,
          unmappedLabels: [...unmapped],
        },
        model: { name: model.folder.name, dir: model.folder.dir, labels, sha256: modelHash, head: { kind: model.head.kind, quantity: model.head.quantity, isProbability: model.head.isProbability } },
        settings: { explainers: settings.explainers, operators: [...PAPER_OPERATORS], randomSeeds: [...RANDOM_SEEDS], ...outcome },
        ...summary,
        complete,
        resumed,
        timing: { seconds: (performance.now() - started) / 1000, msPerSample },
      };
      return { report, sampleRows: builder.sampleRows };
    };
    const progress = () => {
      const perSecond = computeMs > 0 ? computed / (computeMs / 1000) : 0;
      const left = total === null ? null : Math.max(0, total - kept.length);
      const eta = left === null || perSecond === 0 ? null : left / perSecond;
      options.onProgress?.({ done: kept.length, total, resumed, perSecond, etaSeconds: eta, badRows: stats.badRowCount }, () => snapshot(false));
    };
    const rows = selectRows(options.path, options.columns, options.selection, { format, signal: options.signal, stats });
    // Texts in flight (one, or one per worker), folded into the report strictly in file order.
    const inFlight: { row: SelectedRow; outcome: Promise<SampleOutcome | Error>; cached: boolean }[] = [];
    const workers = options.workers === 0 ? Math.min(MAX_WORKERS, availableParallelism()) : options.workers ?? 1;
    if (workers > 1 && !options.workerScript) throw new Error('a run in several worker processes needs workerScript, the build of outcomeWorker.ts');
    const pool = workers > 1 ? new OutcomePool(workers, options.workerScript!, model.folder.dir, settings, options.maxTokens) : undefined;
    closePool = () => pool?.close();
    const width = pool?.size ?? 1;
    let computeStarted: number | undefined;
    const compute = (row: SelectedRow): Promise<SampleOutcome | Error> => {
      computeStarted ??= performance.now();
      const pending = pool ? pool.explain(row.text) : textOutcome(model, row.text, settings, () => options.signal?.aborted ?? false);
      return pending.catch((e: Error) => e);
    };
    let stopped = false;
    const foldFirst = async () => {
      const { row, outcome: pending, cached } = inFlight.shift()!;
      const outcome = await pending;
      if (outcome instanceof Error) {
        if (outcome instanceof WorkersLost) throw outcome;
        if (outcome instanceof ExplanationCancelled || options.signal?.aborted) {
          stopped = true;
          return;
        }
        countBadRow(stats, { line: row.line, reason: `could not be explained: ${outcome.message}` });
        return;
      }
      if (cached) resumed++;
      else {
        computed++;
        computeMs = performance.now() - computeStarted!;
        cache.put(outcome);
      }
      const records = assemble(row, outcome, labels, multiLabel);
      if (row.label !== null && records[0].correct === null && unmapped.size < 20) unmapped.add(row.label);
      kept.push({ row: row.row, line: row.line, label: row.label, text: row.text });
      builder.addRow(records);
      progress();
    };
    for await (const row of rows) {
      if (options.signal?.aborted || stopped) break;
      const hit = cache.get(row.text, settings.explainers, otherLabels);
      inFlight.push({ row, cached: hit !== undefined, outcome: hit ? Promise.resolve(hit) : compute(row) });
      while (inFlight.length >= width || (inFlight.length && inFlight[0].cached)) await foldFirst();
    }
    // What is in flight when the run ends or is cancelled still counts: it is finished work.
    while (inFlight.length) await foldFirst();
    closePool();
    // Complete only when every selected row was read: not after Cancel, nor when the file could not be read to its end.
    const { report } = snapshot(!options.signal?.aborted && !stats.stopped);
    return {
      report,
      sampleRows: builder.sampleRows,
      async *records() {
        for (const k of kept) {
          const outcome = cache.get(k.text, settings.explainers, otherLabels);
          if (outcome) yield* assemble(k, outcome, labels, multiLabel);
        }
      },
      record(row, target) {
        // `kept` is in file order, so rows ascend: binary search.
        let lo = 0;
        let hi = kept.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (kept[mid].row === row) {
            const outcome = cache.get(kept[mid].text, settings.explainers, otherLabels);
            const records = outcome ? assemble(kept[mid], outcome, labels, multiLabel) : [];
            return target === undefined ? records[0] : records.find((r) => r.prediction.index === target);
          }
          if (kept[mid].row < row) lo = mid + 1;
          else hi = mid - 1;
        }
        return undefined;
      },
      close: () => cache.close(),
    };
  } catch (e) {
    closePool();
    cache.close();
    throw e;
  }
}

/**
 * The records of one row: one, or for a multi-label model one per label in label order, each judged on its own label
 * (correct when σ(z) ≥ ½ agrees with the label being among the row's gold labels).
 */
function assemble(row: Pick<SelectedRow, 'row' | 'line' | 'label'>, outcome: SampleOutcome, labels: string[], multiLabel: boolean): SampleRecord[] {
  const { otherLabels, ...first } = outcome;
  const where = { row: row.row, line: row.line, label: row.label };
  if (!multiLabel) {
    const index = labelIndex(row.label, labels);
    return [{ ...where, labelIndex: index, correct: index === null ? null : index === first.prediction.index, ...first }];
  }
  const gold = labelSet(row.label, labels);
  const judgements = [first, ...(otherLabels ?? []).map((o) => ({ ...first, ...o }))].sort((a, b) => a.prediction.index - b.prediction.index);
  return judgements.map((j) => {
    const c = j.prediction.index;
    return { ...where, labelIndex: gold?.has(c) ? c : null, correct: gold ? j.prediction.probability >= 0.5 === gold.has(c) : null, ...j };
  });
}

/** How many rows the selection will yield: a parse-only pass (cheap next to explaining), for the progress ETA. */
async function countSelected(options: DatasetRunOptions): Promise<number | null> {
  const { selection } = options;
  if (selection.mode === 'first' && selection.n !== undefined) {
    // "The first 200" of a huge file must not read all of it first.
    let good = 0;
    for await (const _ of readRows(options.path, options.columns, { signal: options.signal })) if (++good >= selection.n) break;
    return good;
  }
  const good = await countRows(options.path, options.columns, { signal: options.signal });
  return selection.mode === 'all' ? good : Math.min(good, selection.n ?? good);
}
