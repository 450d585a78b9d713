/**
 * A dataset run's running state: each row's outcome folded in (file order) into the cache, the report's tallies and
 * the list of explained rows; the progress and the report so far; the records read back from the cache on demand.
 */
import type { TextClassifier } from '../classifier/textClassifier';
import { countBadRow, newReadStats, type ReadStatsWithStop } from '../datasetFiles/datasetReader';
import { MAX_BAD_ROWS_KEPT } from '../datasetFiles/limits';
import type { BadRow, DatasetFormat, ReadStats, SelectedRow } from '../datasetFiles/datasetTypes';
import { PAPER_OPERATORS } from '../erasure/operators';
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { DATASET_REPORT_SCHEMA, type DatasetReport, type SampleRecord } from './datasetReport';
import { ReportBuilder } from './reportBuilder';
import type { DatasetProgress, DatasetRunOptions, ReportSnapshot } from './runDataset';
import type { RunIdentity } from './runIdentity';
import type { SampleCache } from './sampleCache';
import type { ShardRow } from './shardFile';
import { measuredBy } from './measures';
import type { SampleOutcome } from './sampleOutcome';
import { sampleRecords } from './sampleRecords';

type KeptRow = Pick<SelectedRow, 'row' | 'line' | 'label' | 'text'>;

/**
 * What a run's report says before any row is read, fixed for the run: the dataset as chosen, the model, every setting.
 * Plain data, so a run's shards carry it and their merge folds its rows with it, without the model.
 */
export interface RunHead {
  dataset: Pick<DatasetReport['dataset'], 'path' | 'format' | 'columns' | 'selection'>;
  model: DatasetReport['model'];
  settings: DatasetReport['settings'];
}

export function runHead(
  model: TextClassifier,
  options: Pick<DatasetRunOptions, 'path' | 'columns' | 'selection'>,
  format: DatasetFormat,
  settings: ResolvedExplainOptions,
  identity: RunIdentity,
): RunHead {
  return {
    dataset: { path: options.path, format, columns: options.columns, selection: options.selection },
    model: {
      name: model.folder.name,
      dir: model.folder.dir,
      labels: identity.labels,
      sha256: identity.modelHash,
      head: { kind: model.head.kind, quantity: model.head.quantity, isProbability: model.head.isProbability },
    },
    settings: {
      explainers: settings.explainers,
      operators: [...PAPER_OPERATORS],
      randomSeeds: [...(settings.randomFloor ?? [])],
      ...identity.outcome,
      measure: identity.measure,
      ...(identity.target === undefined ? {} : { target: identity.target }),
    },
  };
}

type BadRowList = Pick<ReadStats, 'badRows' | 'badRowCount'>;

/**
 * The report's bad rows: those the reader skipped and those the engine could not explain (each list its first ones
 * in file order), by line, so the list is the same whatever the number of workers or shards; the first
 * MAX_BAD_ROWS_KEPT of them, and the count of all.
 */
export function badRowsByLine(lists: BadRowList[]): BadRowList {
  const all = lists.flatMap((l) => l.badRows).sort((a, b) => a.line - b.line);
  return {
    badRows: all.slice(0, MAX_BAD_ROWS_KEPT),
    badRowCount: lists.reduce((n, l) => n + l.badRowCount, 0),
  };
}

export class RunTally {
  /** What the reader counted: rows read, the bad rows it skipped, where it stopped. */
  readonly stats: ReadStatsWithStop = newReadStats();
  /** Rows read well that the engine could not explain (folded in file order, so the first ones are listed). */
  readonly failures: ReadStats = newReadStats();
  private readonly builder: ReportBuilder;
  /** Explained rows by data row, in file order (a Map keeps insertion order). */
  private readonly kept = new Map<number, KeptRow>();
  private readonly unmapped = new Set<string>();
  private readonly started = performance.now();
  private readonly labels: string[];
  private readonly multiLabel: boolean;
  private resumed = 0;
  private computed = 0;
  /** Since the first text was sent to be computed, to the last computed one folded in (the rate excludes resumed rows). */
  private computeStarted?: number;
  private computeMs = 0;

  /**
   * `selected`: the rows the selection holds (the report's count); `toExplain`: those this run explains, for the
   * progress (a shard's share; default all of them).
   */
  constructor(
    private readonly head: RunHead,
    private readonly cache: SampleCache,
    private readonly selected: number | null,
    private readonly toExplain: number | null = selected,
  ) {
    const kind = head.model.head?.kind ?? 'softmax';
    this.labels = head.model.labels;
    this.multiLabel = kind === 'multi-label';
    const single = kind === 'softmax' || kind === 'sigmoid';
    this.builder = new ReportBuilder(
      head.settings.explainers,
      head.settings.operator,
      this.multiLabel,
      single ? { names: this.labels, target: head.settings.target } : undefined,
      measuredBy(head.settings),
    );
  }

  get format(): DatasetFormat {
    return this.head.dataset.format;
  }

  /** A text is being sent to be computed (the rate's clock starts with the first). */
  computing(): void {
    this.computeStarted ??= performance.now();
  }

  /** The cached outcome of `text` if it has every judgement this run needs. */
  cached(text: string): SampleOutcome | undefined {
    return this.cache.get(text, this.head.settings.explainers, this.multiLabel ? this.labels.length - 1 : 0);
  }

  /** A row read well that the engine could not explain: a bad row of the report. */
  failed(bad: BadRow): void {
    countBadRow(this.failures, bad);
  }

  /** One row's outcome, in file order: into the cache (when computed), the report and the list of rows. */
  add(row: SelectedRow, outcome: SampleOutcome, cached: boolean): void {
    if (cached) this.resumed++;
    else {
      this.computed++;
      this.computeMs = performance.now() - (this.computeStarted ?? performance.now());
      this.cache.put(outcome);
    }
    const records = sampleRecords(row, outcome, this.labels, this.multiLabel);
    if (row.label !== null && records[0].correct === null && this.unmapped.size < 20) this.unmapped.add(row.label);
    this.kept.set(row.row, { row: row.row, line: row.line, label: row.label, text: row.text });
    this.builder.addRow(records);
  }

  progress(): DatasetProgress {
    const perSecond = this.computeMs > 0 ? this.computed / (this.computeMs / 1000) : 0;
    const left = this.toExplain === null ? null : Math.max(0, this.toExplain - this.kept.size);
    const eta = left === null || perSecond === 0 ? null : left / perSecond;
    return {
      done: this.kept.size,
      total: this.toExplain,
      resumed: this.resumed,
      perSecond,
      etaSeconds: eta,
      badRows: this.stats.badRowCount + this.failures.badRowCount,
    };
  }

  /** The report so far; `complete` when every selected row was read. */
  snapshot(complete: boolean): ReportSnapshot {
    const { msPerSample, ...summary } = this.builder.summary();
    const { head, stats } = this;
    const report: Omit<DatasetReport, 'records'> = {
      schema: DATASET_REPORT_SCHEMA,
      createdAt: new Date().toISOString(),
      dataset: {
        ...head.dataset,
        rowsRead: stats.rowsRead,
        rowsSelected: this.selected ?? this.kept.size,
        ...badRowsByLine([stats, this.failures]),
        unmappedLabels: [...this.unmapped],
      },
      model: head.model,
      settings: head.settings,
      ...summary,
      complete,
      resumed: this.resumed,
      timing: { seconds: (performance.now() - this.started) / 1000, msPerSample },
    };
    return { report, sampleRows: this.builder.sampleRows };
  }

  /** Every record, read back from the cache one row at a time. */
  async *records(): AsyncGenerator<SampleRecord> {
    for (const k of this.kept.values()) yield* this.recordsOf(k);
  }

  /** Every explained row with its outcome (read back from the cache), in file order: a shard file's rows. */
  async *outcomes(): AsyncGenerator<ShardRow> {
    for (const k of this.kept.values()) {
      const outcome = this.cached(k.text);
      if (outcome) yield { row: k.row, line: k.line, label: k.label, outcome };
    }
  }

  /** Rows explained so far. */
  get explained(): number {
    return this.kept.size;
  }

  /** The record of data row `row` (for a multi-label model, its judgement of label `target`; default the first). */
  record(row: number, target?: number): SampleRecord | undefined {
    const kept = this.kept.get(row);
    const records = kept ? this.recordsOf(kept) : [];
    return target === undefined ? records[0] : records.find((r) => r.prediction.index === target);
  }

  private recordsOf(kept: KeptRow): SampleRecord[] {
    const outcome = this.cached(kept.text);
    return outcome ? sampleRecords(kept, outcome, this.labels, this.multiLabel) : [];
  }
}
