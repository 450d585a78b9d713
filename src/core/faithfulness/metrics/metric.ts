import type { ErasureOperatorName, ModelInput } from '../../erasure/erasureOperator';
import type { LeaveOneOut } from '../leaveOneOut';

/** What a faithfulness metric reads for one explanation of one text under one erasure operator. */
export interface MetricContext {
  /** One weight per unit, as the explainer returned it. */
  weights: number[];
  /** The class explained (ŷ unless another was asked for) and p(target|x). */
  target: number;
  baseline: number;
  /**
   * Whether the model's decision changed with these outputs of an erased input: for a single-label head, whether ŷ
   * changed (null when the class explained is not ŷ: a flip is about the prediction); for a multi-label head, whether
   * σ of the label explained crossed ½.
   */
  flipped(erased: number[]): boolean | null;
  operator: ErasureOperatorName;
  /** The leave-one-out pass under this operator (shared, never recomputed). */
  leaveOneOut: LeaveOneOut;
  /** The input with the given units erased together. */
  without(units: number[]): ModelInput;
}

/**
 * One faithfulness metric (README “Other faithfulness metrics”). A metric first names the erased inputs it needs, so the inputs of every
 * metric and explainer of a text run together in as few onnxruntime calls as possible, then scores their outputs.
 * A new metric is one file implementing this plus one registry entry.
 */
export interface Metric {
  readonly id: string;
  readonly label: string;
  readonly better: 'higher' | 'lower';
  /** One sentence: what the number means. */
  readonly description: string;
  /** The inputs whose p(·) the metric needs (possibly none). */
  inputs(context: MetricContext): ModelInput[];
  /** The value from p(·) of those inputs, in order; null where it is undefined for this text. */
  value(context: MetricContext, probabilities: number[][]): number | null;
}

/** Mean drop of p(ŷ) from the clean input over the given runs. */
export function meanDrop(context: MetricContext, probabilities: number[][], count = probabilities.length): number {
  return probabilities.reduce((sum, p) => sum + (context.baseline - p[context.target]), 0) / count;
}

/** Unit indices ranked by signed weight, largest first; ties keep the lower index first. */
export function rankBySignedWeight(weights: number[]): number[] {
  return weights.map((_, i) => i).sort((a, b) => weights[b] - weights[a] || a - b);
}

/** ERASER's bins: the share of units removed (comprehensiveness) or kept (sufficiency). */
export const ERASER_BINS = [0.01, 0.05, 0.1, 0.2, 0.5] as const;

/** How many units a bin covers: ceil(q·n), at least 1 and at most n. */
export function binSize(q: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(q * n)));
}
