/** Reverse-mode rules of broadcasting arithmetic and unary maths. Gradients are summed back to each input's shape. */
import { GradientRule, RuleContext, unaryRule, unbroadcast } from './gradientRule';

/** Rules for binary broadcasting ops: `local(i)` is the gradient w.r.t. input i before unbroadcasting. */
function binary(local: (ctx: RuleContext, g: string, i: number) => string): GradientRule {
  return (ctx) => {
    const g = ctx.outputGrad(0);
    if (!g) return [];
    const gShape = ctx.shape(ctx.node.output[0]);
    return ctx.node.input.map((x, i) => (ctx.wants(i) ? unbroadcast(ctx, local(ctx, g, i), gShape, x) : undefined));
  };
}

/** Rules for unary ops: the gradient w.r.t. the only input. */

const [A, B] = [0, 1];
const other = (ctx: RuleContext, i: number) => ctx.node.input[i === A ? B : A];

export const ELEMENTWISE_RULES: Record<string, GradientRule> = {
  Add: binary((_ctx, g) => g),
  Sub: binary((ctx, g, i) => (i === A ? g : ctx.emit.neg(g))),
  Mul: binary((ctx, g, i) => ctx.emit.mul(g, other(ctx, i))),
  // y = a / b: ∂a = g / b, ∂b = −g · y / b.
  Div: binary((ctx, g, i) => {
    const b = ctx.node.input[B];
    return i === A ? ctx.emit.div(g, b) : ctx.emit.neg(ctx.emit.div(ctx.emit.mul(g, ctx.node.output[0]), b));
  }),
  // y = a^p: ∂a = g · p · a^(p−1), ∂p = g · y · ln a.
  Pow: binary((ctx, g, i) => {
    const [a, p] = ctx.node.input;
    const e = ctx.emit;
    if (i === A) {
      const pf = e.op('Cast', [p], { to: 1 });
      return e.mul(g, e.mul(pf, e.op('Pow', [a, e.sub(pf, e.float(1))])));
    }
    return e.mul(g, e.mul(ctx.node.output[0], e.op('Log', [a])));
  }),
  Sum: binary((_ctx, g) => g),
  // y = where(c, a, b): the gradient goes to whichever branch was taken; the condition gets none.
  Where: (ctx) => {
    const g = ctx.outputGrad(0);
    if (!g) return [];
    const [c, a, b] = ctx.node.input;
    const gShape = ctx.shape(ctx.node.output[0]);
    const zero = ctx.emit.float(0);
    return [
      undefined,
      ctx.wants(1) ? unbroadcast(ctx, ctx.emit.op('Where', [c, g, zero]), gShape, a) : undefined,
      ctx.wants(2) ? unbroadcast(ctx, ctx.emit.op('Where', [c, zero, g]), gShape, b) : undefined,
    ];
  },
  Neg: unaryRule((ctx, g) => ctx.emit.neg(g)),
  Exp: unaryRule((ctx, g, _x, y) => ctx.emit.mul(g, y)),
  Log: unaryRule((ctx, g, x) => ctx.emit.div(g, x)),
  Sqrt: unaryRule((ctx, g, _x, y) => ctx.emit.div(g, ctx.emit.mul(ctx.emit.float(2), y))),
  Reciprocal: unaryRule((ctx, g, _x, y) => ctx.emit.neg(ctx.emit.mul(g, ctx.emit.mul(y, y)))),
  Abs: unaryRule((ctx, g, x) => ctx.emit.mul(g, ctx.emit.op('Sign', [x]))),
};

/** Float-valued ops whose derivative is zero almost everywhere: no gradient passes. */
export const ZERO_GRADIENT_OPS = new Set(['Sign', 'Floor', 'Ceil', 'Round']);
