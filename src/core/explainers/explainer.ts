import type { ErasureContext, ErasureOperatorName, ModelInput } from '../erasure/erasureOperator';
import type { GradientVariant, Objective } from '../gradients/gradientSession';
import type { ExplanationUnit } from '../tokenize/units';
import type { LeaveOneOut } from '../faithfulness/leaveOneOut';
import type { ModelFolder } from '../model/modelFolder';
import type { TokenizedText } from '../tokenize/textTokenizer';
import type { EngineSettingKey, EngineSettingValues } from '../settings/engineSettings';

/** An attention output of the clean run: row-major values and their shape (batch axis of size 1 included). */
export interface AttentionMap {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** One forward + backward pass on the clean input: the gradient explainers' shared material. */
export interface GradientView {
  /** What was differentiated: p(ŷ) (a probability) or z_ŷ (a logit), and its value. */
  objective: Objective;
  objectiveValue: number;
  /** Size of one word-embedding vector. */
  dim: number;
  /** The word embeddings e [tokens × dim] and ∂objective/∂e; undefined when the model's cannot be differentiated. */
  embeddings?: Float32Array;
  embeddingGradient?: Float32Array;
  attentions: AttentionMap[];
  /**
   * ∂objective/∂α per attention layer (α a leaf: what follows it is differentiated, not the softmax before it); in a
   * 'chefer-lrp' view, the LRP relevance R^α left on each map instead.
   */
  attentionGradients: (AttentionMap | undefined)[];
  /** The value vectors each attention layer weighs, and the projection after it as [in, out] (AttIN). */
  attentionValues: (AttentionMap | undefined)[];
  projection(layer: number): { data: Float32Array; rows: number; cols: number } | null;
  /** Why some gradients are missing (an op without a rule, no word-embedding tensor); empty when none are. */
  problems: string[];
}

/** Weights over attention rows: the position(s) the classifier pools (see model/pooling), with the reading in words. */
export interface PooledRows {
  weights: number[];
  description: string;
}

/** Everything an explainer may read about one text. Costly parts are computed on first use and shared. */
export interface ExplainContext {
  text: string;
  tokens: TokenizedText;
  units: ExplanationUnit[];
  input: ModelInput;
  folder: ModelFolder;
  /** ŷ, the prediction on the clean input; every explainer explains it, every Δ measures it. */
  target: number;
  probabilities: number[];
  /** What the erasure operators need to know about the model (its mask token). */
  erasureContext: ErasureContext;
  attentions(): Promise<AttentionMap[]>;
  /** The attention rows the classifier pools: the first token, the last (decoders), or the mean (sentence encoders). */
  pooled: PooledRows;
  /**
   * The clean input's gradients; 'conservative-lrp' holds softmax scores and LayerNorm σ constant; 'chefer-lrp'
   * gives Chefer et al.'s LRP relevance on each attention map (and no embedding gradient). Shared.
   */
  gradients(variant?: GradientVariant): Promise<GradientView>;
  /**
   * ∂objective/∂e at inputs whose word embeddings are replaced by scale·e + shift (shift: [tokens × dim], optional),
   * all in batched runs; ŷ stays the clean prediction.
   */
  gradientsAt(
    points: { scale: number; shift?: Float32Array }[],
  ): Promise<{ objectiveValue: number; embeddingGradient: Float32Array }[]>;
  /** The [PAD] token's word embedding (Integrated Gradients' PAD baseline). */
  padEmbedding(): Promise<Float32Array>;
  leaveOneOut(operator: ErasureOperatorName): Promise<LeaveOneOut>;
  /** p(·|input) for many inputs, in batched runs. */
  run(inputs: ModelInput[]): Promise<number[][]>;
}

/** What an explainer returns: one weight per unit, plus what the weight means. */
export interface ExplainerOutput {
  weights: number[];
  /** What was explained, in words (e.g. "α of the last layer, heads averaged, row [CLS]"). */
  quantity: string;
  parameters: Record<string, string | number | boolean>;
  /** The seed actually used, for seeded methods. */
  seed?: number;
}

/**
 * The settings an explainer reads (declared in ENGINE_SETTINGS), besides the text, the model and the granularity that
 * every explainer depends on. An explainer is handed exactly the ones its `reads` names, so what it declares is what
 * it can use, and a rerun after other settings changed reuses its weights safely (see rerunPlan).
 */
export type ExplainerSettings<R extends EngineSettingKey> = Pick<EngineSettingValues, R>;

/**
 * What an explainer costs beyond the clean run, cheapest first: nothing more; one backward pass; a backward pass of
 * the conservative-LRP graph; the leave-one-out erasures (already run for the impact rows); many backward passes;
 * hundreds of sampled erasures. Explanations stream in this order.
 */
export const EXPLAINER_COSTS = [
  'clean-run',
  'erasures',
  'backward',
  'lrp-backward',
  'many-backward',
  'sampling',
] as const;
export type ExplainerCost = (typeof EXPLAINER_COSTS)[number];

/** One explanation method. A new method is one file implementing this (via defineExplainer) plus one registry entry. */
export interface Explainer<R extends EngineSettingKey = EngineSettingKey> {
  readonly id: string;
  readonly label: string;
  /** Signed methods can claim suppression (w < 0); unsigned ones (attention, random) always claim support. */
  readonly signed: boolean;
  readonly family: 'attention' | 'gradient' | 'perturbation' | 'reference';
  /** How much work it adds (its place in the streaming order). */
  readonly cost: ExplainerCost;
  /** The settings its weights depend on: when only other settings change, its weights are reused, not recomputed. */
  readonly reads: readonly R[];
  /** Where the method comes from. */
  readonly citation: string;
  /**
   * Why its verdict under `operator` is not independent evidence on this model, if it is not (README “By
   * construction”): the explainer was fitted with that operator's erasures, or the verdict follows from the model's
   * structure. Such a verdict is marked and left out of the held-out mean.
   */
  byConstruction?(operator: ErasureOperatorName, facts: ConstructionFacts): string | undefined;
  explain(context: ExplainContext, settings: ExplainerSettings<R>): Promise<ExplainerOutput>;
}

/** What decides whether a verdict is by construction: the model's shape and the operator explainers fit with. */
export interface ConstructionFacts {
  /** The erasure operator occlusion, LIME and Kernel SHAP fit their weights with (the chosen one). */
  fittedOperator: ErasureOperatorName;
  /** One attention distribution over the units (the RNN/CNN models), not a transformer's layers of self-attention. */
  singleAttention: boolean;
  classes: number;
  /** What gradient explainers differentiate. */
  objective: Objective;
}

/** The mark of an explainer whose weights come from erasures under the chosen operator (occlusion, LIME, Kernel SHAP). */
export function fittedWith(operator: ErasureOperatorName, facts: ConstructionFacts, how: string): string | undefined {
  return operator === facts.fittedOperator
    ? `${how} erasures under ${operator}, the operator that tests it`
    : undefined;
}

/** An explainer whose settings are typed by its own `reads` list. */
export function defineExplainer<const R extends EngineSettingKey>(explainer: Explainer<R>): Explainer<R> {
  return explainer;
}
