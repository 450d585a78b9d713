/**
 * Chefer et al.'s relevance propagation ("Transformer Interpretability Beyond Attention Visualization", CVPR 2021),
 * as ONNX nodes: the rules of the authors' code (github.com/hila-chefer/Transformer-Explainability at c3e578f,
 * BERT_explainability/modules/layers_ours.py and BERT/BERT.py), read and rewritten per ONNX op, with alpha = 1 as their
 * ExplanationGenerator runs them. Relevance starts as the target vector at the logits: one-hot of the class explained
 * (ŷ unless another is asked for; −1 on a single logit's negative class).
 *
 * - Linear layers (MatMul by a constant matrix, Gemm): LRP-αβ with α = 1, β = 0, the bias left out of z (their
 *   Linear.relprop on the positive and negative parts of weights and inputs).
 * - A product of two computed tensors (MatMul, the attention's Q·Kᵀ and A·V): x ⊙ ∂z/∂x · R/z for each operand
 *   (RelPropSimple), each half divided by 2 (BertSelfAttention.relprop). The relevance reaching an attention map is
 *   what this leaves on it.
 * - A sum of two computed tensors (residuals): their Add.relprop, each operand's x ⊙ R/z rescaled so the two share
 *   ΣR in proportion to |Σ| of each. Sums run per row (their code's batch is one sample).
 * - Softmax, LayerNorm, GELU, tanh, ReLU, Dropout: relevance unchanged (decomposed LayerNorm and GELU as blocks,
 *   identityBlocks.ts). Adding, subtracting, multiplying or dividing by a constant (a bias, the attention mask,
 *   1/√d): unchanged too, as x·c·R/(x·c) = R and as their Linear leaves its bias out.
 * - Mean and sum reductions: RelPropSimple (their AvgPool rule). Reshapes, transposes, slices, gathers (the
 *   pooler's first token), concatenations, Expand and Where move relevance as they move values: x ⊙ P(R/x) = P(R).
 * - A tensor read by several nodes gets the sum of their relevances (their Clone.relprop).
 * Any other op on the way is reported by name and blocks the relevance behind it.
 */
import type { GraphEmitter } from '../graphEmitter';
import type { Propagation } from '../propagation';
import { GradientRule, RuleContext, rankOf, unaryRule, unbroadcast, UnsupportedGradient } from '../rules/gradientRule';
import { GRADIENT_RULES } from '../rules/registry';
import { identityBlocks } from './identityBlocks';

/** Their safe_divide's stabiliser: a / (b + 1e-9), and 0 where b = 0. */
const STABILISER = 1e-9;

function safeDivide(e: GraphEmitter, a: string, b: string): string {
  const zero = e.float(0);
  const shifted = e.add(b, e.float(STABILISER));
  const den = e.op('Where', [e.op('Equal', [shifted, zero]), e.float(STABILISER), shifted]);
  return e.op('Where', [e.op('Equal', [b, zero]), zero, e.div(a, den)]);
}

const half = (e: GraphEmitter, x: string) => e.mul(x, e.float(0.5));

/** The rule of `node`'s gradient with `g` arriving at its output: ∂z/∂x contracted with g, per input. */
function gradientOf(ctx: RuleContext, g: string): (string | undefined)[] {
  return GRADIENT_RULES[ctx.node.opType]({ ...ctx, outputGrad: (i) => (i === 0 ? g : undefined) });
}

/** RelPropSimple: x ⊙ ∂z/∂x · (R / z) for every input that wants relevance, each times `scale`. */
function relPropSimple(ctx: RuleContext, scale = 1): (string | undefined)[] {
  const r = ctx.outputGrad(0);
  if (!r) return [];
  const e = ctx.emit;
  const s = safeDivide(e, r, ctx.node.output[0]);
  return gradientOf(ctx, s).map((c, i) => {
    if (!c || !ctx.wants(i)) return undefined;
    const x = e.mul(ctx.node.input[i], c);
    return scale === 1 ? x : e.mul(x, e.float(scale));
  });
}

/** Relevance unchanged to the one computed input (unbroadcast back to its shape). */
function toTheComputedInput(ctx: RuleContext): (string | undefined)[] {
  const r = ctx.outputGrad(0);
  if (!r) return [];
  const out = ctx.shape(ctx.node.output[0]);
  return ctx.node.input.map((x, i) => (ctx.wants(i) ? unbroadcast(ctx, r, out, x) : undefined));
}

function computedInputs(ctx: RuleContext): number[] {
  return ctx.node.input.map((_, i) => i).filter((i) => ctx.wants(i));
}

/** Add: a bias or the attention mask passes relevance on; two computed tensors share it by Chefer's Add rule. */
const add: GradientRule = (ctx) => {
  if (computedInputs(ctx).length < 2) return toTheComputedInput(ctx);
  const r = ctx.outputGrad(0);
  if (!r) return [];
  const e = ctx.emit;
  const out = ctx.shape(ctx.node.output[0]);
  const rank = rankOf(out);
  if (ctx.node.input.some((x) => rankOf(ctx.shape(x)) !== rank))
    throw new UnsupportedGradient(
      'a sum of two computed tensors of different ranks, which the Add rule does not cover',
    );
  const s = safeDivide(e, r, ctx.node.output[0]);
  const [ra, rb] = ctx.node.input.map((x) => e.mul(x, unbroadcast(ctx, s, out, x)));
  const axes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
  const [sa, sb, sr] = [ra, rb, r].map((t) => e.reduceSum(t, axes, true));
  const total = e.add(e.op('Abs', [sa]), e.op('Abs', [sb]));
  const share = (part: string, sum: string) => {
    const factor = e.mul(safeDivide(e, e.op('Abs', [sum]), total), sr);
    return e.mul(part, safeDivide(e, factor, sum));
  };
  return [share(ra, sa), share(rb, sb)];
};

/** Sub, Mul, Div by a constant: relevance unchanged. Of two computed tensors (outside the blocks): no rule. */
const byConstant: GradientRule = (ctx) => {
  const computed = computedInputs(ctx);
  if (computed.length === 2 || (ctx.node.opType === 'Div' && computed[0] === 1))
    throw new UnsupportedGradient(
      `a ${ctx.node.opType} of two computed tensors outside a LayerNorm or a GELU, for which Chefer et al.'s LRP has no rule`,
    );
  return toTheComputedInput(ctx);
};

/**
 * |w| for a constant w, computed at run time: a zero taken from x's batch size is added first, so onnxruntime cannot
 * fold |w| into a stored copy of every weight (one copy of the weights is the memory target).
 */
function runtimeAbs(e: GraphEmitter, w: string, x: string): string {
  const zero = e.op('Cast', [e.mul(e.dimOf(x, 0), e.int64(0))], { to: 1 });
  return e.op('Abs', [e.add(w, zero)]);
}

/**
 * LRP-α1β0 through z = x·W (the bias is left out): with x⁺, x⁻, W⁺, W⁻ the positive and negative parts,
 * z⁺ = x⁺W⁺ + x⁻W⁻ = ½(xW + |x||W|) and R_x = x⁺ ⊙ (S W⁺ᵀ) + x⁻ ⊙ (S W⁻ᵀ) = ½(x ⊙ SWᵀ + |x| ⊙ S|W|ᵀ), S = R / z⁺:
 * one extra product with |W| instead of two with W⁺ and W⁻. `times(a, m)` is a·m, `timesT(s, m)` is s·mᵀ.
 */
function alphaOneBetaZero(
  e: GraphEmitter,
  x: string,
  w: string,
  r: string,
  xw: string,
  times: (a: string, m: string) => string,
  timesT: (s: string, m: string) => string,
): string {
  const absX = e.op('Abs', [x]);
  const absW = runtimeAbs(e, w, x);
  const s = safeDivide(e, r, half(e, e.add(xw, times(absX, absW))));
  return half(e, e.add(e.mul(x, timesT(s, w)), e.mul(absX, timesT(s, absW))));
}

const matMul: GradientRule = (ctx) => {
  const computed = computedInputs(ctx);
  // Q·Kᵀ and A·V: each operand's relevance halved (BertSelfAttention.relprop's cam /= 2).
  if (computed.length === 2) return relPropSimple(ctx, 0.5);
  const r = ctx.outputGrad(0);
  if (!r) return [];
  const [x, w] = ctx.node.input;
  const wShape = ctx.shape(w);
  if (computed[0] !== 0 || rankOf(wShape) !== 2 || rankOf(ctx.shape(x)) < 2)
    throw new UnsupportedGradient(
      'a MatMul by a constant that is not a weight matrix on the right, which the linear rule does not cover',
    );
  const e = ctx.emit;
  const width = wShape.a[1];
  // s·Wᵀ over the flattened rows as one Gemm reading W as stored (no transposed copy of the weight).
  const timesT = (s: string, m: string) =>
    e.reshapeLike(e.op('Gemm', [e.op('Reshape', [s, e.int64([-1, width])]), m], { transB: 1 }), x);
  const times = (a: string, m: string) => e.op('MatMul', [a, m]);
  return [alphaOneBetaZero(e, x, w, r, ctx.node.output[0], times, timesT)];
};

/** Y = A·B' (+ C, left out of z), B' = Bᵀ when transB. */
const gemm: GradientRule = (ctx) => {
  const r = ctx.outputGrad(0);
  if (!r) return [];
  const [a, b] = ctx.node.input;
  const transA = ctx.node.attribute.find((t) => t.name === 'transA')?.i ?? 0n;
  const transB = Number(ctx.node.attribute.find((t) => t.name === 'transB')?.i ?? 0n);
  if (computedInputs(ctx).some((i) => i !== 0) || Number(transA) !== 0)
    throw new UnsupportedGradient(
      'a Gemm whose computed operand is not the untransposed left one, which the linear rule does not cover',
    );
  const e = ctx.emit;
  const times = (x: string, m: string) => e.op('Gemm', [x, m], { transB });
  const timesT = (s: string, m: string) => e.op('Gemm', [s, m], { transB: transB ? 0 : 1 });
  return [alphaOneBetaZero(e, a, b, r, times(a, b), times, timesT)];
};

const unchanged = unaryRule((_ctx, r) => r);
const IDENTITY_OPS = ['Identity', 'Dropout', 'Cast', 'Softmax', 'Tanh', 'Relu', 'Gelu', 'LayerNormalization'];
const MOVING_OPS = [
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Expand',
  'Concat',
  'Split',
  'Slice',
  'Gather',
  'GatherElements',
  'Where',
];

export const CHEFER_LRP_RULES: Readonly<Record<string, GradientRule>> = {
  ...Object.fromEntries(IDENTITY_OPS.map((op) => [op, unchanged])),
  ...Object.fromEntries(MOVING_OPS.map((op) => [op, GRADIENT_RULES[op]])),
  Add: add,
  Sub: byConstant,
  Mul: byConstant,
  Div: byConstant,
  MatMul: matMul,
  Gemm: gemm,
  ReduceMean: (ctx) => relPropSimple(ctx),
  ReduceSum: (ctx) => relPropSimple(ctx),
};

export const CHEFER_LRP: Propagation = {
  seed: 'target',
  rules: CHEFER_LRP_RULES,
  shortcuts: identityBlocks,
  noRule: "no rule in Chefer et al.'s LRP",
  blocked: (opType, name, reason) =>
    `its relevance passes through ${opType} node "${name}"${reason ? `: ${reason}` : ", for which Chefer et al.'s LRP has no rule"}`,
};
