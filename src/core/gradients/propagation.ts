/**
 * What a backward pass propagates from the logits and by which per-op rules. The graph builder (appendBackward) is
 * the same for both: plain reverse-mode gradients, and LRP relevance (Chefer et al., see relevance/cheferLrp.ts),
 * whose rules read the forward tensors the same way and emit ONNX the same way.
 */
import type { NodeProto } from 'onnx-buf';
import type { GradientRule } from './rules/gradientRule';
import { GRADIENT_RULES, ZERO_GRADIENT_OPS } from './rules/registry';

export interface Propagation {
  /** What enters at the logits: ∂objective/∂z, or the target vector t itself (LRP's one-hot(ŷ)). */
  seed: 'objective-gradient' | 'target';
  /** One rule per op type; an op without one stops what flows through it (and is reported). */
  rules: Readonly<Record<string, GradientRule>>;
  /** Float ops through which nothing flows (a derivative zero almost everywhere). */
  zeroOps?: ReadonlySet<string>;
  /**
   * Blocks propagated as one rule: for each node ending a block, the tensor that starts it (what reaches the node's
   * output goes there, and the block's inner nodes receive nothing). `active` tells the tensors that depend on a
   * differentiated one.
   */
  shortcuts?(forward: NodeProto[], active: (tensor: string) => boolean): Map<NodeProto, string>;
  /** Why an op is listed as unsupported, in words ("no gradient rule"). */
  noRule: string;
  /**
   * Why a wrt tensor gets no output because `opType` node `name` blocks the way, in words; `reason` is what its rule
   * said, or undefined when the op has no rule.
   */
  blocked(opType: string, name: string, reason: string | undefined): string;
}

export const GRADIENT_PROPAGATION: Propagation = {
  seed: 'objective-gradient',
  rules: GRADIENT_RULES,
  zeroOps: ZERO_GRADIENT_OPS,
  noRule: 'no gradient rule',
  blocked: (opType, name) =>
    `its gradient passes through ${opType} node "${name}", which Polarity Lens cannot differentiate`,
};
