/**
 * The explain view model: what `polarity-lens explain --format json` prints and what the extension's webview will
 * render. One module, imported by every front end, so they cannot drift (GitLens-style protocol).
 */
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { HeadKind } from '../model/headKind';
import type { Granularity } from '../tokenize/units';

export const EXPLAIN_SCHEMA = 'polarity-lens/explain@2';

/**
 * An explanation in parts, as each becomes ready (`explain --format jsonl`, the panel): the prediction with the
 * attention (impacts and explanations still empty), the chosen operator's impact row, each explainer's row cheapest
 * first with its verdicts under every operator (the other operators' Δ measured on the examined unit alone), then the
 * other operators' impact rows. `pending` lists the explainers still to come. Metrics and the token-level rates under
 * the other operators come with the result.
 */
export type ExplainPart =
  | { part: 'prediction'; result: ExplainResult; pending: string[] }
  | { part: 'impact'; impact: ImpactRow }
  | { part: 'explanation'; explanation: ExplanationRow; pending: string[] };

export interface HeadView {
  kind: HeadKind;
  /** The quantity in words, e.g. "softmax probability". */
  quantity: string;
  /** False for a regression score. */
  isProbability: boolean;
}

/** A unit's measured effect on ŷ: supports (Δ > 0), suppresses (Δ < 0), or none (|Δ| within the tolerance). */
export type Polarity = 'supports' | 'suppresses' | 'none';

export interface ExplainResult {
  schema: typeof EXPLAIN_SCHEMA;
  model: { name: string; dir: string; labels: string[] };
  /**
   * What the model's outputs mean (see ModelHead) and so which number `probability`, `probabilities` and every Δ are:
   * a softmax probability, a sigmoid probability (one logit, or one label of a multi-label head), or a regression score.
   */
  head: HeadView;
  text: string;
  /** The text was longer than the model's maximum; only the first tokens were explained. */
  truncated: boolean;
  granularity: Granularity;
  prediction: {
    /** ŷ, the model's own prediction: class index and name (a multi-label head: the label with the highest σ(z)). */
    index: number;
    label: string;
    /** p(ŷ|x): the head's quantity for ŷ (a softmax or sigmoid probability, or the regression score; see `head`). */
    probability: number;
    /** The head's quantity for every class, by class index. */
    probabilities: number[];
  };
  /**
   * The class every Δ, gradient, weight and verdict is about: ŷ unless another class was asked for (`requested`).
   * Δ_i = p(target|x) − p(target|x∖i).
   */
  target: {
    index: number;
    label: string;
    /** p(target|x), the head's quantity for the target. */
    probability: number;
    requested: boolean;
  };
  /** The explained units (words or tokens) with character offsets into `text`; special tokens are never units. */
  units: { text: string; start: number; end: number; tokens: number[] }[];
  /** Each unit's measured impact, per erasure operator. */
  impacts: ImpactRow[];
  explanations: ExplanationRow[];
  /**
   * With `layerSweep` (`--layer all`): every layer-reading explainer at every attention layer, first layer first, for
   * the paper's depth claim. Absent otherwise.
   */
  depth?: DepthRow[];
  /**
   * With `randomFloor` seeds: per seed, Random's top-unit verdict (violates?) under each of the paper's operators, null
   * where the model cannot run the operator. Absent otherwise.
   */
  randomFloor?: (boolean | null)[][];
  /** The clean run's attention maps, for the attention view; null when the model exposes none. */
  attention: AttentionView | null;
  /** The float tolerance under which |Δ| reads as zero (probability units). */
  deltaTolerance: number;
  notes: string[];
}

export interface ImpactRow {
  operator: ErasureOperatorName;
  /** The paper's name (slice_out, zeros_mask, att_mask), if it is one of its three operators. */
  paperName?: string;
  description: string;
  /** Δ_i = p(c|x) − p(c|x∖i) for the target class c (see ExplainResult.target), one per unit. */
  deltas: number[];
  polarity: Polarity[];
}

export interface ExplanationRow {
  id: string;
  label: string;
  signed: boolean;
  family: string;
  citation: string;
  /** The class explained (ExplainResult.target): ŷ unless another was asked for. */
  target: number;
  /** What the weights are, in words. */
  quantity: string;
  parameters: Record<string, string | number | boolean>;
  seed?: number;
  runtimeMs: number;
  /** One weight per unit, exactly as the explainer returned it; null if the explainer could not run. */
  weights: number[] | null;
  /** Why the explainer could not run on this model. */
  error?: string;
  /** The violation test under each operator in `impacts`. */
  verdicts: VerdictRow[];
  /** Share of the paper's three operators under which the explanation violates (0, 1/3, 2/3 or 1); null if not run. */
  violationMean: number | null;
  /**
   * The same share over the paper's operators whose verdict is not by construction (VerdictRow.byConstruction);
   * equal to violationMean when none is, null when all are or it did not run.
   */
  heldOutMean: number | null;
  /** Other faithfulness metrics, under the chosen erasure operator. */
  metrics: MetricRow[];
}

/** One layer-reading explainer at one attention layer: its weights and verdicts there. */
export interface DepthRow {
  id: string;
  label: string;
  /** 0-based, first layer first. */
  layer: number;
  weights: number[] | null;
  error?: string;
  verdicts: VerdictRow[];
  violationMean: number | null;
}

export interface MetricRow {
  id: string;
  label: string;
  better: 'higher' | 'lower';
  description: string;
  operator: ErasureOperatorName;
  /** null where the metric is undefined for this text (e.g. a correlation with constant weights). */
  value: number | null;
}

export interface VerdictRow {
  operator: ErasureOperatorName;
  /** i*: the unit with the largest |w| (ties → lowest index); -1 if there is none. */
  unit: number;
  weight: number;
  delta: number;
  violates: boolean;
  /**
   * Why this verdict is not independent evidence, when it is not: the explainer was fitted with this operator, or the
   * verdict follows from the model's structure (README “By construction”). Left out of `heldOutMean`.
   */
  byConstruction?: string;
  /**
   * Share of units whose claimed sign disagrees with their own Δ (beyond the paper). Null in a streamed part sent
   * before this operator's impact row was computed; a finished explanation always has it.
   */
  tokenLevelRate: number | null;
  /** The same, weighted by |w|; null when all weights are 0 (or, like the rate, not known yet). */
  tokenLevelWeightedRate: number | null;
}

/** Attention as the model computed it on the clean input: token × token per layer and head (or one row, α). */
export interface AttentionView {
  /** The model's tokens in order, special tokens included: the columns (and, for self-attention, the rows). */
  tokens: string[];
  layers: AttentionLayerView[];
}

export interface AttentionLayerView {
  /** The ONNX output the map was read from. */
  name: string;
  heads: number;
  rows: number;
  cols: number;
  /** heads × rows × cols weights, head-major then row-major, rounded to 5 decimals. */
  values: number[];
}
