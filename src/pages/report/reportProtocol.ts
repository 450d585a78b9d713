/**
 * The typed messages between the dataset report's host side and its webview, and what the webview saves: one module
 * both sides import, type-only, so they cannot drift (like webviewProtocol.ts for the explain panel).
 */
import type { ReportFormat, ReportView } from '../../core/datasetRun/datasetReport';

/** How far a running check is: `total` null while the reader does not know the row count yet. */
export interface ReportProgress {
  done: number;
  total: number | null;
  /** Samples explained per second (recent rate). */
  perSecond: number;
  etaSeconds: number | null;
  label: string;
}

/** host → webview */
export type ReportHostMessage =
  /** A full report, or a partial one while the run goes on (`report.complete` false). Replaces the one shown. */
  | { type: 'report'; report: ReportView }
  /** The run is going: the webview shows a progress bar and a Cancel button until 'finished'. */
  | ({ type: 'progress' } & ReportProgress)
  /** The run ended: normally, cancelled, or failed (`message` says why). */
  | { type: 'finished'; cancelled: boolean; message?: string };

/** webview → host */
export type ReportWebviewMessage =
  /** The webview loaded: the host answers with 'report' (and 'progress' while running) every time. */
  | { type: 'ready' }
  | { type: 'cancel' }
  /** Open one sample in the explain panel: `row` is SampleRow.row (the 0-based data row of the file). */
  /** `target`: the label a multi-label sample row tests (explained with that label). */
  | { type: 'openSample'; row: number; target?: number }
  /** `view`: the reader's view choices, so an exported HTML page opens as the report looks. */
  | { type: 'export'; format: ReportFormat; view?: ReportViewState }
  /** Run the report's run again measuring everything (`--measure all`): what the report says it did not compute. */
  | { type: 'measureAll' };

/** Sortable columns of the explainer summary. */
export type ReportSummaryColumn =
  | 'explainer'
  | `operator:${string}`
  | 'violationMean'
  | 'heldOutMean'
  | 'tokenLevelRate'
  | 'weightedRate'
  | `metric:${string}`
  | 'msPerSample'
  | 'failures';

export type CorrectnessFilter = 'any' | 'correct' | 'wrong' | 'unlabelled';
export type ViolationFilter = 'any' | 'violates' | 'consistent';

/** The sample browser's filters. */
export interface SampleFilters {
  /** Gold label: absent = any, null = rows without a label. */
  label?: string | null;
  /** Predicted class label: absent = any. */
  prediction?: string;
  correctness: CorrectnessFilter;
  /** The explainer whose violation column is shown, filtered and sorted by (absent: the first explainer). */
  explainer?: string;
  /** violates: the top unit's sign was wrong under at least one paper operator; consistent: under none. */
  violation: ViolationFilter;
  /** Case-insensitive substring of the text. */
  search: string;
}

export interface SampleSort {
  key: 'row' | 'confidence' | 'violation';
  descending: boolean;
}

/** View-only choices: changing them never runs anything. Saved with setState; an export carries them. */
export interface ReportViewState {
  sort: { column: ReportSummaryColumn; descending: boolean };
  filters: SampleFilters;
  sampleSort: SampleSort;
  /** Explainers drawn in the by-length and by-confidence charts (absent: the default pick). */
  chartExplainers?: string[];
  /** The explainer of the polarity matrix, and the class and explainer of the violation tokens. */
  polarityExplainer?: string;
  tokenClass?: string;
  tokenExplainer?: string;
  /** Scroll offsets in CSS pixels: the sample browser's list and the page. */
  sampleScroll: number;
  pageScroll: number;
}

/** What the live webview saves with setState: its view choices only (the host re-sends the report on 'ready'). */
export interface ReportSavedState {
  view: ReportViewState;
  /** Which report the view belongs to, so a restored panel's host can find it again. */
  report?: { createdAt: string; datasetPath: string; model: string };
}

/** The JSON island of an exported page: the report and the view it opens with. */
export interface StandaloneReportData {
  report: ReportView;
  view?: Partial<ReportViewState>;
}

/** The element id of the JSON island a standalone (exported) report page reads its data from. */
export const REPORT_STANDALONE_DATA_ID = 'polarity-lens-report';
