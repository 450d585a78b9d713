import type { ErasureContext, ErasureOperatorName, ModelInput } from '../erasure/erasureOperator';
import type { ExplanationUnit } from '../explain/units';
import type { LeaveOneOut } from '../faithfulness/leaveOneOut';
import type { ModelFolder } from '../model/modelFolder';
import type { TokenizedText } from '../tokenize/textTokenizer';

/** An attention output of the clean run: row-major values and their shape (batch axis of size 1 included). */
export interface AttentionMap {
  name: string;
  dims: readonly number[];
  data: Float32Array;
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
  /** The erasure operator chosen for perturbation explainers (occlusion). */
  operator: ErasureOperatorName;
  /** Base seed of the run; explainers derive per-text seeds from it. */
  seed: number;
  /** How many perturbed inputs sampling explainers (LIME, Kernel SHAP) may evaluate. */
  samples: number;
  /** Raw attention's layer (negative counts from the end; default −1, the last) and head (default: averaged). */
  attentionLayer: number;
  attentionHead?: number;
  /** What the erasure operators need to know about the model (its mask token). */
  erasureContext: ErasureContext;
  attentions(): Promise<AttentionMap[]>;
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

/** One explanation method. A new method is one file implementing this plus one registry entry. */
export interface Explainer {
  readonly id: string;
  readonly label: string;
  /** Signed methods can claim suppression (w < 0); unsigned ones (attention, random) always claim support. */
  readonly signed: boolean;
  readonly family: 'attention' | 'perturbation' | 'reference';
  /** Where the method comes from. */
  readonly citation: string;
  explain(context: ExplainContext): Promise<ExplainerOutput>;
}
