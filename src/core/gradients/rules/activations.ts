/** Reverse-mode rules of activations, softmax and pass-through ops. */
import {
  defaultSoftmaxAxis,
  GradientRule,
  intAttr,
  normalizeAxis,
  rankOf,
  RuleContext,
  stringAttr,
  unaryRule,
} from './gradientRule';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Axes a softmax normalises over: one axis from opset 13; before that, every axis from `axis` on (2-D coercion). */
function softmaxAxes(ctx: RuleContext): number[] {
  const rank = rankOf(ctx.shape(ctx.node.input[0]));
  const axis = normalizeAxis(intAttr(ctx.node, 'axis', defaultSoftmaxAxis(ctx.emit.opset)), rank);
  return ctx.emit.opset >= 13 ? [axis] : Array.from({ length: rank - axis }, (_, i) => axis + i);
}

export const ACTIVATION_RULES: Record<string, GradientRule> = {
  Identity: unaryRule((_ctx, g) => g),
  // Inference: dropout is the identity (its mask output carries no gradient).
  Dropout: unaryRule((_ctx, g) => g),
  // Only float32 tensors are ever active, so a Cast on the gradient path is float32 → float32.
  Cast: unaryRule((_ctx, g) => g),
  Relu: unaryRule((ctx, g, _x, y) =>
    ctx.emit.op('Where', [ctx.emit.op('Greater', [y, ctx.emit.float(0)]), g, ctx.emit.float(0)]),
  ),
  LeakyRelu: unaryRule((ctx, g, x) => {
    const alpha = ctx.node.attribute.find((a) => a.name === 'alpha')?.f ?? 0.01;
    return ctx.emit.op('Where', [
      ctx.emit.op('Greater', [x, ctx.emit.float(0)]),
      g,
      ctx.emit.mul(g, ctx.emit.float(alpha)),
    ]);
  }),
  // σ' = y(1 − y)
  Sigmoid: unaryRule((ctx, g, _x, y) => ctx.emit.mul(g, ctx.emit.mul(y, ctx.emit.sub(ctx.emit.float(1), y)))),
  // tanh' = 1 − y²
  Tanh: unaryRule((ctx, g, _x, y) => ctx.emit.mul(g, ctx.emit.sub(ctx.emit.float(1), ctx.emit.mul(y, y)))),
  // erf'(x) = 2/√π · exp(−x²)
  Erf: unaryRule((ctx, g, x) => {
    const e = ctx.emit;
    return e.mul(g, e.mul(e.float(2 / Math.sqrt(Math.PI)), e.op('Exp', [e.neg(e.mul(x, x))])));
  }),
  // GELU (ONNX opset 20 and com.microsoft): exact x·Φ(x) → Φ(x) + x·φ(x); tanh approximation differentiated as is.
  Gelu: unaryRule((ctx, g, x) => {
    const e = ctx.emit;
    if (stringAttr(ctx.node, 'approximate', 'none') === 'tanh') {
      // y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³)
      const x2 = e.mul(x, x);
      const u = e.mul(e.float(SQRT_2_OVER_PI), e.add(x, e.mul(e.float(0.044715), e.mul(x2, x))));
      const t = e.op('Tanh', [u]);
      const du = e.mul(e.float(SQRT_2_OVER_PI), e.add(e.float(1), e.mul(e.float(3 * 0.044715), x2)));
      const sech2 = e.sub(e.float(1), e.mul(t, t));
      const d = e.add(e.mul(e.float(0.5), e.add(e.float(1), t)), e.mul(e.mul(e.float(0.5), x), e.mul(sech2, du)));
      return e.mul(g, d);
    }
    const cdf = e.mul(e.float(0.5), e.add(e.float(1), e.op('Erf', [e.mul(x, e.float(Math.SQRT1_2))])));
    const pdf = e.mul(e.float(1 / Math.sqrt(2 * Math.PI)), e.op('Exp', [e.mul(e.float(-0.5), e.mul(x, x))]));
    return e.mul(g, e.add(cdf, e.mul(x, pdf)));
  }),
  // y = softmax(x): ∂x = y ⊙ (g − Σ g⊙y)
  Softmax: unaryRule((ctx, g, _x, y) => {
    const e = ctx.emit;
    return e.mul(y, e.sub(g, e.reduceSum(e.mul(g, y), softmaxAxes(ctx), true)));
  }),
  // y = log softmax(x): ∂x = g − exp(y) Σ g
  LogSoftmax: unaryRule((ctx, g, _x, y) => {
    const e = ctx.emit;
    return e.sub(g, e.mul(e.op('Exp', [y]), e.reduceSum(g, softmaxAxes(ctx), true)));
  }),
};
