import type { ErasureContext, ErasureOperator, ModelInput } from '../erasure/erasureOperator';
import type { ExplanationUnit } from '../tokenize/units';

/** Every unit's impact under one erasure operator: computed once per (text, operator), then shared by the occlusion
 * explainer, the violation test and the metrics. */
export interface LeaveOneOut {
  operator: ErasureOperator['name'];
  /** Δ_i = p(ŷ|x) − p(ŷ|x∖i), probabilities of the clean prediction ŷ (fixed even if erasure flips the prediction). */
  deltas: number[];
  /** The full distribution after erasing each unit, for decision-flip and other metrics. */
  erased: number[][];
}

/** `run` gives p(·) for a batch of inputs (the explanation's InputMemo). */
export async function leaveOneOut(
  run: (inputs: ModelInput[]) => Promise<number[][]>,
  input: ModelInput,
  units: ExplanationUnit[],
  target: number,
  baseline: number,
  operator: ErasureOperator,
  context: ErasureContext,
): Promise<LeaveOneOut> {
  const erased = await run(units.map((u) => operator.erase(input, u.tokens, context)));
  return { operator: operator.name, deltas: erased.map((p) => baseline - p[target]), erased };
}
