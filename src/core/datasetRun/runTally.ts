/**
 * A dataset run's running state: each row's outcome folded in (file order) into the cache, the report's tallies and
 * the list of explained rows; the progress and the report so far; the records read back from the cache on demand.
 */
import type { TextClassifier } from '../classifier/textClassifier';
import { newReadStats, type ReadStatsWithStop } from '../datasetFiles/datasetReader';
import type { DatasetFormat, SelectedRow } from '../datasetFiles/datasetTypes';
import { PAPER_OPERATORS } from '../erasure/operators';
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { DATASET_REPORT_SCHEMA, type DatasetReport, type SampleRecord } from './datasetReport';
import { ReportBuilder } from './reportBuilder';
import type { DatasetProgress, DatasetRunOptions, ReportSnapshot } from './runDataset';
import type { RunIdentity } from './runIdentity';
import type { SampleCache } from './sampleCache';
import { RANDOM_SEEDS, type SampleOutcome } from './sampleOutcome';
import { sampleRecords } from './sampleRecords';

type KeptRow = Pick<SelectedRow, 'row' | 'line' | 'label' | 'text'>;

export class RunTally {
  readonly stats: ReadStatsWithStop = newReadStats();
  private readonly builder: ReportBuilder;
  /** Explained rows by data row, in file order (a Map keeps insertion order). */
  private readonly kept = new Map<number, KeptRow>();
  private readonly unmapped = new Set<string>();
  private readonly started = performance.now();
  private resumed = 0;
  private computed = 0;
  /** Since the first text was sent to be computed, to the last computed one folded in (the rate excludes resumed rows). */
  private computeStarted?: number;
  private computeMs = 0;

  constructor(
    private readonly model: TextClassifier,
    private readonly options: Pick<DatasetRunOptions, 'path' | 'columns' | 'selection'>,
    readonly format: DatasetFormat,
    private readonly settings: ResolvedExplainOptions,
    private readonly identity: RunIdentity,
    private readonly cache: SampleCache,
    private readonly total: number | null,
  ) {
    const single = model.head.kind === 'softmax' || model.head.kind === 'sigmoid';
    this.builder = new ReportBuilder(
      settings.explainers,
      settings.operator,
      identity.multiLabel,
      single ? { names: identity.labels, target: identity.target } : undefined,
    );
  }

  /** A text is being sent to be computed (the rate's clock starts with the first). */
  computing(): void {
    this.computeStarted ??= performance.now();
  }

  /** The cached outcome of `text` if it has every judgement this run needs. */
  cached(text: string): SampleOutcome | undefined {
    return this.cache.get(text, this.settings.explainers, this.identity.otherLabels);
  }

  /** One row's outcome, in file order: into the cache (when computed), the report and the list of rows. */
  add(row: SelectedRow, outcome: SampleOutcome, cached: boolean): void {
    if (cached) this.resumed++;
    else {
      this.computed++;
      this.computeMs = performance.now() - (this.computeStarted ?? performance.now());
      this.cache.put(outcome);
    }
    const records = sampleRecords(row, outcome, this.identity.labels, this.identity.multiLabel);
    if (row.label !== null && records[0].correct === null && this.unmapped.size < 20) this.unmapped.add(row.label);
    this.kept.set(row.row, { row: row.row, line: row.line, label: row.label, text: row.text });
    this.builder.addRow(records);
  }

  progress(): DatasetProgress {
    const perSecond = this.computeMs > 0 ? this.computed / (this.computeMs / 1000) : 0;
    const left = this.total === null ? null : Math.max(0, this.total - this.kept.size);
    const eta = left === null || perSecond === 0 ? null : left / perSecond;
    return {
      done: this.kept.size,
      total: this.total,
      resumed: this.resumed,
      perSecond,
      etaSeconds: eta,
      badRows: this.stats.badRowCount,
    };
  }

  /** The report so far; `complete` when every selected row was read. */
  snapshot(complete: boolean): ReportSnapshot {
    const { msPerSample, ...summary } = this.builder.summary();
    const { model, options, stats, identity, settings } = this;
    const head = { kind: model.head.kind, quantity: model.head.quantity, isProbability: model.head.isProbability };
    const report: Omit<DatasetReport, 'records'> = {
      schema: DATASET_REPORT_SCHEMA,
      createdAt: new Date().toISOString(),
      dataset: {
        path: options.path,
        format: this.format,
        columns: options.columns,
        selection: options.selection,
        rowsRead: stats.rowsRead,
        rowsSelected: this.total ?? this.kept.size,
        badRows: stats.badRows,
        badRowCount: stats.badRowCount,
        unmappedLabels: [...this.unmapped],
      },
      model: {
        name: model.folder.name,
        dir: model.folder.dir,
        labels: identity.labels,
        sha256: identity.modelHash,
        head,
      },
      settings: {
        explainers: settings.explainers,
        operators: [...PAPER_OPERATORS],
        randomSeeds: [...RANDOM_SEEDS],
        ...identity.outcome,
        ...(identity.target === undefined ? {} : { target: identity.target }),
      },
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

  /** The record of data row `row` (for a multi-label model, its judgement of label `target`; default the first). */
  record(row: number, target?: number): SampleRecord | undefined {
    const kept = this.kept.get(row);
    const records = kept ? this.recordsOf(kept) : [];
    return target === undefined ? records[0] : records.find((r) => r.prediction.index === target);
  }

  private recordsOf(kept: KeptRow): SampleRecord[] {
    const outcome = this.cached(kept.text);
    return outcome ? sampleRecords(kept, outcome, this.identity.labels, this.identity.multiLabel) : [];
  }
}
