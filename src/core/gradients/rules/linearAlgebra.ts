/** Reverse-mode rules of MatMul, Gemm and Conv. */
import type { ProbeShape } from '../probeShapes';
import {
  broadcastShape,
  floatAttr,
  GradientRule,
  intAttr,
  intsAttr,
  rankOf,
  RuleContext,
  stringAttr,
  unbroadcast,
  UnsupportedGradient,
} from './gradientRule';

/** Swaps the last two axes of a tensor of the given rank. */
function swapLast(ctx: RuleContext, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return ctx.emit.transpose(x, perm);
}

/**
 * C = A @ B with numpy semantics: ∂A = g @ Bᵀ, ∂B = Aᵀ @ g, summed over broadcast batch axes. 1-D operands are
 * promoted to matrices (and the gradient reshaped back) as numpy does.
 */
const matMul: GradientRule = (ctx) => {
  const g = ctx.outputGrad(0);
  if (!g) return [];
  const e = ctx.emit;
  const [a, b] = ctx.node.input;
  const aVector = rankOf(ctx.shape(a)) === 1;
  const bVector = rankOf(ctx.shape(b)) === 1;
  const outRank = rankOf(ctx.shape(ctx.node.output[0]));
  // Promote vectors: a [K] → [1, K], b [K] → [K, 1], and give the gradient the matching unit axes.
  const a2 = aVector ? e.unsqueeze(a, [0]) : a;
  const b2 = bVector ? e.unsqueeze(b, [1]) : b;
  const gAxes = aVector && bVector ? [0, 1] : aVector ? [outRank - 1] : bVector ? [outRank] : [];
  const g2 = e.unsqueeze(g, gAxes);
  const a2Shape = promote(ctx.shape(a), 0);
  const b2Shape = promote(ctx.shape(b), 1);
  const batch = broadcastShape(
    { a: a2Shape.a.slice(0, -2), b: a2Shape.b.slice(0, -2) },
    { a: b2Shape.a.slice(0, -2), b: b2Shape.b.slice(0, -2) },
  );
  const withBatch = (m: ProbeShape): ProbeShape => ({
    a: [...batch.a, ...m.a.slice(-2)],
    b: [...batch.b, ...m.b.slice(-2)],
  });
  const out: (string | undefined)[] = [undefined, undefined];
  const weightWidth = b2Shape.a.length === 2 && b2Shape.a[1] === b2Shape.b[1] ? b2Shape.a[1] : undefined;
  if (ctx.wants(0) && !ctx.wants(1) && !aVector && !bVector && weightWidth !== undefined) {
    // A linear layer (B a fixed matrix, usually a weight): ∂A = g·Bᵀ as one Gemm over the flattened rows, whose
    // transB reads B as stored. A Transpose(B) would be folded into a transposed copy of every weight at load.
    const rows = e.op('Gemm', [e.op('Reshape', [g, e.int64([-1, weightWidth])]), b], { transB: 1 });
    out[0] = e.reshapeLike(rows, a);
  } else if (ctx.wants(0)) {
    const local = e.op('MatMul', [g2, swapLast(ctx, b2, rankOf(b2Shape))]);
    const summed = unbroadcastTo(ctx, local, withBatch(a2Shape), a2Shape);
    out[0] = aVector ? e.reshapeLike(summed, a) : summed;
  }
  if (ctx.wants(1)) {
    const local = e.op('MatMul', [swapLast(ctx, a2, rankOf(a2Shape)), g2]);
    const summed = unbroadcastTo(ctx, local, withBatch(b2Shape), b2Shape);
    out[1] = bVector ? e.reshapeLike(summed, b) : summed;
  }
  return out;
};

/** A MatMul operand's shape as a matrix: a 1-D operand gets a unit axis inserted at `at` (numpy's promotion). */
function promote(shape: ProbeShape, at: 0 | 1): ProbeShape {
  if (shape.a.length !== 1) return shape;
  const add = (d: number[]) => (at === 0 ? [1, d[0]] : [d[0], 1]);
  return { a: add(shape.a), b: add(shape.b) };
}

/** `unbroadcast` for an operand known only by its shape (a promoted 1-D operand has no tensor of its own). */
function unbroadcastTo(ctx: RuleContext, g: string, gShape: ProbeShape, target: ProbeShape): string {
  const probe = '__shape__';
  const view: RuleContext = { ...ctx, shape: (t) => (t === probe ? target : ctx.shape(t)) };
  return unbroadcast(view, g, gShape, probe);
}

/** Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A (2-D). */
const gemm: GradientRule = (ctx) => {
  const g = ctx.outputGrad(0);
  if (!g) return [];
  const e = ctx.emit;
  const [a, b, c] = ctx.node.input;
  const alpha = floatAttr(ctx.node, 'alpha', 1);
  const beta = floatAttr(ctx.node, 'beta', 1);
  const transA = intAttr(ctx.node, 'transA', 0) === 1;
  const transB = intAttr(ctx.node, 'transB', 0) === 1;
  const scaled = alpha === 1 ? g : e.mul(g, e.float(alpha));
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  // ∂A' = g·B'ᵀ, ∂B' = A'ᵀ·g; Gemm's own transpose flags express both without Transpose nodes.
  if (ctx.wants(0)) {
    out[0] = transA
      ? e.op('Gemm', [b, scaled], { transA: transB ? 1 : 0, transB: 1 })
      : e.op('Gemm', [scaled, b], { transA: 0, transB: transB ? 0 : 1 });
  }
  if (ctx.wants(1)) {
    out[1] = transB
      ? e.op('Gemm', [scaled, a], { transA: 1, transB: transA ? 1 : 0 })
      : e.op('Gemm', [a, scaled], { transA: transA ? 0 : 1, transB: 0 });
  }
  if (c && ctx.wants(2)) {
    const local = beta === 1 ? g : e.mul(g, e.float(beta));
    out[2] = unbroadcast(ctx, local, ctx.shape(ctx.node.output[0]), c);
  }
  return out;
};

/**
 * Conv, stride 1: the input gradient is the transposed convolution of the output gradient with the same kernel,
 * padding and dilation. Gradients of kernels and biases are never needed (they are constants of the model).
 */
const conv: GradientRule = (ctx) => {
  const g = ctx.outputGrad(0);
  if (!g || !ctx.wants(0)) return [];
  if (ctx.wants(1) || ctx.wants(2)) throw new UnsupportedGradient('Conv with a kernel computed from the input');
  const [, w] = ctx.node.input;
  const kernel = ctx.shape(w).a.slice(2);
  const strides = intsAttr(ctx.node, 'strides') ?? kernel.map(() => 1);
  if (strides.some((s) => s !== 1)) throw new UnsupportedGradient('Conv with a stride other than 1');
  const dilations = intsAttr(ctx.node, 'dilations') ?? kernel.map(() => 1);
  const group = intAttr(ctx.node, 'group', 1);
  const autoPad = stringAttr(ctx.node, 'auto_pad', 'NOTSET');
  let pads = intsAttr(ctx.node, 'pads') ?? kernel.flatMap(() => [0, 0]);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // Stride 1 keeps the length: total padding dilation·(k − 1), the odd one at the end (UPPER) or start (LOWER).
    const total = kernel.map((k, i) => dilations[i] * (k - 1));
    const small = total.map((t) => Math.floor(t / 2));
    const big = total.map((t, i) => t - small[i]);
    pads = autoPad === 'SAME_UPPER' ? [...small, ...big] : [...big, ...small];
  } else if (autoPad !== 'NOTSET' && autoPad !== 'VALID') {
    throw new UnsupportedGradient(`Conv with auto_pad ${autoPad}`);
  }
  // With a constant kernel, the same result as a plain Conv with the kernel flipped and its channel axes swapped,
  // padded by dilation·(k − 1) − pad: onnxruntime's Conv is several times faster than its ConvTranspose.
  const flipped = ctx.emit.flippedKernel(w, group);
  if (flipped) {
    const rank = kernel.length;
    const full = kernel.map((k, i) => dilations[i] * (k - 1));
    const backPads = [...full.map((f, i) => f - pads[i]), ...full.map((f, i) => f - pads[rank + i])];
    if (backPads.every((p) => p >= 0))
      return [ctx.emit.op('Conv', [g, flipped], { pads: backPads, dilations, group, kernel_shape: kernel })];
  }
  return [
    ctx.emit.op('ConvTranspose', [g, ctx.emit.privateCopy(w)], {
      pads,
      dilations,
      group,
      strides,
      kernel_shape: kernel,
    }),
  ];
};

export const LINEAR_ALGEBRA_RULES: Record<string, GradientRule> = { MatMul: matMul, Gemm: gemm, Conv: conv };
