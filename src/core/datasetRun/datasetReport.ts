/**
 * The dataset report's view model: what `polarity-lens check --json` writes, what the report webview draws and what
 * every report writer reads. One module for all front ends, like explainResult.ts for a single text.
 */
import type { HeadView } from '../explain/explainResult';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { OutcomeSettings } from '../settings/engineSettings';
import type { DatasetFormat, SampleSpec } from '../datasetFiles/datasetTypes';
import type { MeasureId } from './measures';

/**
 * @2: a run may measure less (`settings.measure`): polarity counts and metrics may be absent and the Random floor
 * empty. An @1 report measured everything and reads as such; a Polarity Lens that reads only @1 refuses @2 with
 * "written by a newer Polarity Lens" rather than drawing the missing figures as zeros.
 */
export const DATASET_REPORT_SCHEMA = 'polarity-lens/dataset-report@2';
/** The report formats this version reads: its own and the one before (which lacks only `settings.measure`). */
export const READABLE_REPORT_SCHEMAS: readonly string[] = ['polarity-lens/dataset-report@1', DATASET_REPORT_SCHEMA];

/** The files a report is written as: the full JSON, the per-sample CSV, the self-contained HTML page, the Markdown summary. */
export type ReportFormat = 'json' | 'csv' | 'html' | 'md';

/** A proportion with its 95% Wilson score interval (k of n); null ratio when n = 0. */
export interface Proportion {
  k: number;
  n: number;
  ratio: number | null;
  lo: number | null;
  hi: number | null;
  /** Set when the n judgements came several per row (multi-label): the independent-sample size the interval uses. */
  effectiveN?: number;
}

/** A mean with its 95% interval (normal approximation, t for small n); null when n = 0. */
export interface MeanEstimate {
  n: number;
  mean: number | null;
  lo: number | null;
  hi: number | null;
}

/** One explainer's verdict on one sample under one operator. */
export interface SampleVerdict {
  /** i*: the top unit (largest |w|), -1 if none. */
  unit: number;
  weight: number;
  /** Δ = p(ŷ|x) − p(ŷ|x∖i*), probability units. */
  delta: number;
  violates: boolean;
}

/** How one explainer did on one sample. */
export interface SampleExplainer {
  /** Why it could not run (then everything else is absent). */
  error?: string;
  /** The text of the top unit. */
  topText?: string;
  /** Per paper operator. */
  verdicts: Partial<Record<ErasureOperatorName, SampleVerdict>>;
  /** Share of operators violated (0, 1/3, 2/3, 1). */
  violationMean: number | null;
  /** The same over the operators whose verdict is not by construction (absent: equal to violationMean). */
  heldOutMean?: number | null;
  /** Operators whose verdict is by construction here, with why (ExplanationRow's VerdictRow.byConstruction). */
  byConstruction?: Partial<Record<ErasureOperatorName, string>>;
  /** Token-level and |w|-weighted violation rates under the chosen operator. */
  tokenLevelRate: number | null;
  weightedRate: number | null;
  /** Metric id → value under the chosen operator (null where undefined for the text). */
  metrics: Record<string, number | null>;
  /**
   * Units by (claimed sign of w, measured sign of Δ) under the chosen operator: [w>0&Δ>0, w>0&Δ<0, w<0&Δ>0, w<0&Δ<0,
   * w=0 or Δ≈0]. For unsigned explainers every non-zero weight claims support. Absent when the run did not measure
   * `token-level` (no leave-one-out row to compare with).
   */
  polarity?: [number, number, number, number, number];
  ms: number;
}

/** One dataset row as explained. */
export interface SampleRecord {
  /** 0-based index of the row among the file's data rows, and the 1-based line where it starts. */
  row: number;
  line: number;
  text: string;
  /**
   * The gold label as written, and its class index in the model (null if unlabelled or unknown to the model; a
   * multi-label row's gold cell may list several labels, and its index is this record's label when the list has it).
   */
  label: string | null;
  labelIndex: number | null;
  /**
   * The class explained and its score: ŷ, the class asked for (`check --target`), or for a multi-label model the label
   * this record tests, with σ(z).
   */
  prediction: { index: number; label: string; probability: number };
  /** ŷ, the model's prediction (absent in records written before targets could be chosen: then `prediction`). */
  predicted?: number;
  /** ŷ = gold; for a multi-label record, whether σ(z) ≥ ½ agrees with the label being in the gold list. */
  correct: boolean | null;
  units: number;
  truncated: boolean;
  explainers: Record<string, SampleExplainer>;
  /** `--layer all`: per layer-reading explainer, its violation share at each attention layer (first layer first). */
  depth?: Record<string, (number | null)[]>;
  /** Random's violations per seed (RANDOM_SEEDS) and paper operator; null where the model could not run the operator. */
  random: (boolean | null)[][];
  ms: number;
}

export interface ExplainerSummary {
  id: string;
  label: string;
  signed: boolean;
  family: string;
  /** Samples it ran on, and samples where it failed (with the first error). */
  runs: number;
  failures: number;
  error?: string;
  /** Violation ratio per paper operator, with 95% intervals. */
  violation: Partial<Record<ErasureOperatorName, Proportion>>;
  /** The mean over the paper's operators of the per-sample violation share, with a 95% interval. */
  violationMean: MeanEstimate;
  /**
   * The same over the operators whose verdict is not by construction (the explainer was fitted with the
   * operator, or the model's structure decides the verdict); with why, per operator so marked. Absent in older reports.
   */
  heldOutMean?: MeanEstimate;
  byConstruction?: Partial<Record<ErasureOperatorName, string>>;
  tokenLevelRate: MeanEstimate;
  weightedRate: MeanEstimate;
  /** Metric id → mean over samples where it is defined. */
  metrics: Record<string, MeanEstimate>;
  msPerSample: number;
  /** Summed polarity counts, as in SampleExplainer.polarity (absent when the run did not measure `token-level`). */
  polarity?: [number, number, number, number, number];
}

/** A bin of samples (by input length or by model confidence) and each explainer's violation-mean there. */
export interface BinRow {
  label: string;
  from: number;
  to: number;
  samples: number;
  /** Explainer id → mean violation share in the bin (null when it did not run on any). */
  violation: Record<string, number | null>;
}

/** Two explainers compared on the samples both ran on. */
export interface PairedDifference {
  a: string;
  b: string;
  /**
   * Mean over samples of A's violation share minus B's (negative: A violates less), over the paper's operators
   * marked † for neither, with a paired t interval at `confidence`: 95% Bonferroni-adjusted over every pair compared,
   * so all the intervals hold together.
   */
  difference: MeanEstimate & { confidence: number };
  /**
   * Per paper operator, the exact McNemar test on the top-unit verdicts: samples where only A violates, only B does,
   * both judged; p two-sided, and Holm-adjusted over every pair of the report. Absent for multi-label runs (a row's
   * labels are not independent pairs).
   */
  mcnemar: Partial<Record<ErasureOperatorName, { onlyA: number; onlyB: number; n: number; p: number; pHolm: number }>>;
}

/** Whether a paired interval excludes 0: the two explainers' violation means differ. */
export function pairDiffers(p: PairedDifference): boolean {
  const { lo, hi } = p.difference;
  return lo !== null && hi !== null && (lo > 0 || hi < 0);
}

/**
 * One cell of a comparison with a baseline report: a violation ratio on the samples both reports explained, in the
 * baseline and in this run, and the paired change.
 */
export interface ComparedRatio {
  /**
   * Mean over the shared samples of each side's violation share (per operator: 1 when the top unit violates, else 0)
   * over the operators judged on both sides and marked † on neither; null when none was.
   */
  baseline: MeanEstimate;
  current: MeanEstimate;
  /**
   * This run − the baseline, per shared sample (for violations positive is worse), with a paired t interval at
   * `confidence`: for violations Bonferroni-adjusted over the explainers compared, so a column's intervals hold
   * together at 95%.
   */
  change: MeanEstimate & { confidence: number };
  /**
   * Per operator (and for accuracy): the exact McNemar test on the shared samples' verdicts (where only this run
   * violates, only the baseline does, both judged), p Holm-adjusted over the explainers compared. Absent for
   * multi-label runs and for the mean over operators.
   */
  mcnemar?: { onlyCurrent: number; onlyBaseline: number; n: number; p: number; pHolm: number };
}

/** One explainer in both reports, compared on their shared samples. */
export interface ComparedExplainer {
  id: string;
  label: string;
  /** The mean over the paper's operators (the quantity `check --max-regression` gates). */
  mean: ComparedRatio;
  operators: Partial<Record<ErasureOperatorName, ComparedRatio>>;
}

/** The two models behind a comparison, as their reports name them. */
export interface ComparedModel {
  name: string;
  sha256: string;
}

/**
 * This run next to a baseline report (`check --baseline OLD.json`), typically the same dataset explained by an earlier
 * model. Samples are paired by data row and text: a row whose text changed is not shared.
 */
export interface ModelComparison {
  baseline: {
    /** The baseline report file as given, and what it says of itself. */
    file: string;
    createdAt: string;
    model: ComparedModel;
    dataset: string;
    samples: number;
  };
  current: { model: ComparedModel };
  /**
   * Data rows explained in both (same row index, same text), only in the baseline, only in this run; `changedText`
   * counts rows explained in both whose text differs (in both "only" counts, never paired).
   */
  rows: { shared: number; onlyBaseline: number; onlyCurrent: number; changedText: number };
  /** Judgements paired (a multi-label row has one per label both models test; otherwise equal to rows.shared). */
  samples: number;
  /** Per explainer in both reports whose settings agree, in this run's order. */
  explainers: ComparedExplainer[];
  /** Explainers left out, and why (in one report only, or a setting it reads differs). */
  excluded: { id: string; reason: string }[];
  /**
   * ŷ = gold on the shared samples whose gold label is the same in both and names a class of each model, as a
   * ComparedRatio at 95% (one test: pHolm = p); null when no shared sample is labelled.
   */
  accuracy: ComparedRatio | null;
  /** What the reader should know (a different dataset file name, a different input length, another model's classes…). */
  notes: string[];
}

/** Whether a change's interval excludes 0: the violation ratio did change between the baseline and this run. */
export function changeShown(c: Pick<ComparedRatio, 'change'>): boolean {
  const { lo, hi } = c.change;
  return lo !== null && hi !== null && (lo > 0 || hi < 0);
}

/** Samples grouped by one class (their prediction ŷ, or their gold label). */
export interface ClassRow {
  index: number;
  label: string;
  samples: number;
  /** ŷ = gold among the group's samples with a gold label that names a class; null when none has one. */
  accuracy: Proportion | null;
  /** Explainer id → its violation mean over the paper's operators in this group (null: it ran on none). */
  violation: Record<string, MeanEstimate | null>;
}

/** The report per class (single-label heads). */
export interface ClassBreakdown {
  /** The class every Δ and verdict is about: null for each sample's own ŷ, else the class asked for (`--target`). */
  target: number | null;
  byPredicted: ClassRow[];
  byGold: ClassRow[];
  /** confusion[gold][ŷ]: samples whose gold label names a class; null when none does. */
  confusion: number[][] | null;
}

/** Tokens that were the violating top unit most often, per predicted class and explainer. */
export interface ViolationTokens {
  /** Predicted class label → explainer id → [token, count] most frequent first (top 10). */
  byClass: Record<string, Record<string, [string, number][]>>;
}

export interface MetricInfo {
  id: string;
  label: string;
  better: 'higher' | 'lower';
  description: string;
}

export interface BadRowInfo {
  line: number;
  reason: string;
}

export interface DatasetReport {
  /** DATASET_REPORT_SCHEMA when written; an older readable one (READABLE_REPORT_SCHEMAS) when read from a file. */
  schema: string;
  createdAt: string;
  dataset: {
    path: string;
    format: DatasetFormat;
    columns: { text: string; label: string | null };
    selection: SampleSpec;
    /** Data rows read, rows selected, and the bad rows skipped (the first 1,000 listed; `badRowCount` counts all). */
    rowsRead: number;
    rowsSelected: number;
    badRows: BadRowInfo[];
    badRowCount: number;
    /** Gold labels that name no class of the model (up to 20): their rows count as unlabelled for accuracy. */
    unmappedLabels: string[];
  };
  /** `head`: what p(ŷ) is for this model (absent in reports written before heads were recorded: softmax). */
  model: { name: string; dir: string; labels: string[]; sha256: string; head?: HeadView };
  /**
   * Every setting that changes an outcome (OutcomeSettings: `operator` is the one of the metrics, the token-level
   * rates and the polarity counts; the verdicts use all three `operators`), so a sample opened from the report is
   * explained as the report counted it.
   */
  settings: OutcomeSettings & {
    explainers: string[];
    operators: ErasureOperatorName[];
    /** The Random floor's seeds (none when the run did not measure it). */
    randomSeeds: number[];
    /**
     * What the run computed per sample (`--measure`, measures.ts); absent in reports written before runs could choose:
     * everything.
     */
    measure?: MeasureId[];
    /** The class every sample was explained for (`check --target`); absent: each sample's prediction ŷ. */
    target?: number;
  };
  /**
   * Samples explained (judgements: one per row, or one per label of each row for a multi-label model, each tested
   * with σ(z) of its label), and the rows they came from; false `complete` when the run was cancelled or stopped early.
   */
  samples: number;
  /** Absent in reports written before multi-label runs (one record per row then). */
  rowsExplained?: number;
  complete: boolean;
  /** Taken from the cache instead of recomputed. */
  resumed: number;
  accuracy: Proportion | null;
  metrics: MetricInfo[];
  explainers: ExplainerSummary[];
  /** The Random floor: violation ratio per seed and operator, and the mean over seeds of the operator mean. */
  /** The Random floor (no seeds and null figures when the run did not measure `random-floor`). */
  random: {
    perSeed: { seed: number; violation: Partial<Record<ErasureOperatorName, number>> }[];
    mean: number | null;
    spread: number | null;
  };
  byLength: BinRow[];
  byConfidence: BinRow[];
  /** Per predicted class and per gold label, and the confusion matrix (absent: multi-label or regression heads). */
  classes?: ClassBreakdown;
  /**
   * `--layer all`: each layer-reading explainer's violation mean at every attention layer, first layer first, with
   * 95% t intervals (the paper's depth claim).
   */
  depth?: { layers: number; explainers: { id: string; label: string; byLayer: MeanEstimate[] }[] };
  /** Every pair of explainers compared on the same samples (absent in reports written before pairs were kept). */
  pairs?: PairedDifference[];
  /** `check --baseline`: this run compared with an earlier report on the samples both explained (absent otherwise). */
  comparison?: ModelComparison;
  violationTokens: ViolationTokens;
  timing: { seconds: number; msPerSample: number };
  records: SampleRecord[];
}

/** One line of the report's sample browser: small enough that 100,000 of them load in a webview. */
export interface SampleRow {
  row: number;
  line: number;
  /** The text, cut to 300 characters (the full text is in the JSON report and in the per-sample view). */
  text: string;
  label: string | null;
  prediction: string;
  probability: number;
  correct: boolean | null;
  units: number;
  /** Per explainer, in ReportView.explainers order: its violation share over the paper operators (null: not run). */
  violation: (number | null)[];
  /** A multi-label run's label index this row tests (each data row has one sample row per label). */
  target?: number;
}

/** The report as the webview and the HTML export draw it: the summary plus the sample browser's rows. */
export type ReportView = Omit<DatasetReport, 'records'> & { sampleRows: SampleRow[] };

const SAMPLE_TEXT_LIMIT = 300;

/**
 * A record's line in the sample browser; `explainers` fixes the order of `violation`. `labels` (single-label models)
 * names ŷ for the prediction column when the record explains another class (`check --target`).
 */
export function toSampleRow(r: SampleRecord, explainers: string[], multiLabel = false, labels?: string[]): SampleRow {
  return {
    ...(multiLabel ? { target: r.prediction.index } : {}),
    row: r.row,
    line: r.line,
    text: r.text.length > SAMPLE_TEXT_LIMIT ? `${r.text.slice(0, SAMPLE_TEXT_LIMIT)}…` : r.text,
    label: r.label,
    prediction: labels && r.predicted !== undefined ? labels[r.predicted] : r.prediction.label,
    probability: r.prediction.probability,
    correct: r.correct,
    units: r.units,
    violation: explainers.map((id) => r.explainers[id]?.violationMean ?? null),
  };
}
