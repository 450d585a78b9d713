/**
 * The typed messages between the extension host and its inference process (GitLens-style: one module both sides
 * import, so they cannot drift). The inference process owns onnxruntime-node; the host never loads it.
 */
import type {
  DatasetCheck,
  DatasetProgress,
  DatasetRunOptions,
  DoctorReport,
  ExplainOptions,
  ExplainPart,
  ExplainResult,
  LoadOptions,
  ReportFormat,
  ReportView,
  SampleRecord,
} from '../../core';
import type { ReportViewState } from '../../pages/report/reportProtocol';

/** Explain options that can cross a process boundary (no callbacks). */
export type WireExplainOptions = Omit<ExplainOptions, 'cancelled' | 'onPart'>;

/** How the model is loaded: a model loaded with other options is a different model to the inference process. */
export type WireLoadOptions = Pick<LoadOptions, 'threads' | 'maxTokens'>;

/** A dataset run's options that can cross a process boundary. */
export type WireDatasetRun = Omit<DatasetRunOptions, 'signal' | 'onProgress' | 'maxTokens'>;

export type InferenceRequest =
  /** Answered by `part` messages (when `stream`), then `result`. */
  | {
      id: number;
      kind: 'explain';
      modelDir: string;
      load: WireLoadOptions;
      text: string;
      options: WireExplainOptions;
      stream?: boolean;
    }
  /** Runs the violation test over a dataset; answered by progress messages, then `dataset` (kept open for exports). */
  | { id: number; kind: 'dataset'; modelDir: string; load: WireLoadOptions; run: WireDatasetRun }
  /** Writes a report file of the finished run `run`; refused if `path` exists and `overwrite` is false. */
  | {
      id: number;
      kind: 'export';
      run: number;
      format: ReportFormat;
      path: string;
      overwrite: boolean;
      view?: Partial<ReportViewState>;
    }
  /** The full text of the run's sample at data row `row`. */
  | { id: number; kind: 'sampleText'; run: number; row: number }
  /** The full record of the run's sample at data row `row` (a multi-label row: the one testing label `target`). */
  | { id: number; kind: 'sampleRecord'; run: number; row: number; target?: number }
  /** Reads a saved report JSON and keeps it open like a finished run; answered by `report`. */
  | { id: number; kind: 'openReport'; path: string }
  /** Forgets a finished run (its cache file stays for the next run to resume from). */
  | { id: number; kind: 'closeDataset'; run: number }
  /** Checks a model folder (polarity-lens doctor): answered by `doctor`. */
  | { id: number; kind: 'doctor'; modelDir: string; load: WireLoadOptions }
  /** Stops request `target` at its next checkpoint. */
  | { id: number; kind: 'cancel'; target: number };

export type InferenceResponse =
  | { id: number; kind: 'result'; result: ExplainResult }
  /** One part of an explanation in flight (see ExplainPart). */
  | { id: number; kind: 'part'; part: ExplainPart }
  | { id: number; kind: 'progress'; progress: DatasetProgress; partial?: ReportView }
  /** The run's report (complete false when cancelled); `id` names the run for export and sampleText. */
  | { id: number; kind: 'dataset'; view: ReportView }
  /** A saved report, opened (`id` names it as `dataset` does), and whether its dataset file still holds its rows. */
  | { id: number; kind: 'report'; view: ReportView; dataset: ReportDatasetFile }
  | { id: number; kind: 'record'; record: SampleRecord }
  | { id: number; kind: 'doctor'; report: DoctorReport }
  | { id: number; kind: 'done'; value?: string }
  | { id: number; kind: 'cancelled' }
  | { id: number; kind: 'error'; message: string };

/** A saved report's dataset: where it was found (null: nowhere) and whether it still holds the report's rows. */
export type ReportDatasetFile = { path: string | null } & DatasetCheck;
