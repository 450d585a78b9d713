/** Reverse-mode rules of ops that move values around: reshaping, transposing, slicing, joining, gathering. */
import {
  GradientRule,
  intAttr,
  intsAttr,
  isStatic,
  normalizeAxis,
  rankOf,
  RuleContext,
  unaryRule,
  unbroadcast,
  UnsupportedGradient,
} from './gradientRule';

/** The gradient of a reshape-like op is the output gradient reshaped back to the input's shape. */
const reshapeBack = unaryRule((ctx, g, x) => ctx.emit.reshapeLike(g, x));

function inversePermutation(perm: number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return inverse;
}

/** The size of `x` along `axis` as an int64 [1] tensor: a constant when the probes show it static. */
function sizeAlong(ctx: RuleContext, x: string, axis: number): string {
  const shape = ctx.shape(x);
  return isStatic(shape, axis) ? ctx.emit.int64([shape.a[axis]]) : ctx.emit.dimOf(x, axis);
}

/** Slices [start, end) of `g` along `axis`; start and end are int64 [1] tensors. */
function sliceAlong(ctx: RuleContext, g: string, start: string, end: string, axis: number): string {
  return ctx.emit.op('Slice', [g, start, end, ctx.emit.int64([axis])]);
}

/** Pastes the slices `parts` (gradients of consecutive pieces, undefined = zero) back together along `axis`. */
function concatGradients(ctx: RuleContext, parts: (string | undefined)[], pieces: string[], axis: number): string {
  return ctx.emit.op(
    'Concat',
    parts.map((p, i) => p ?? ctx.emit.zerosLike(pieces[i])),
    { axis },
  );
}

export const SHAPE_RULES: Record<string, GradientRule> = {
  Reshape: reshapeBack,
  Flatten: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: unaryRule((ctx, g, x) => {
    const rank = rankOf(ctx.shape(x));
    const perm = intsAttr(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    return ctx.emit.transpose(g, inversePermutation(perm));
  }),
  Expand: unaryRule((ctx, g, x) => unbroadcast(ctx, g, ctx.shape(ctx.node.output[0]), x)),

  // Each input gets its own stretch of the output gradient along the axis.
  Concat: (ctx) => {
    const g = ctx.outputGrad(0);
    if (!g) return [];
    const rank = rankOf(ctx.shape(ctx.node.output[0]));
    const axis = normalizeAxis(intAttr(ctx.node, 'axis', 0), rank);
    let offset: string = ctx.emit.int64([0]);
    return ctx.node.input.map((x, i) => {
      const end = ctx.emit.add(offset, sizeAlong(ctx, x, axis));
      const grad = ctx.wants(i) ? sliceAlong(ctx, g, offset, end, axis) : undefined;
      offset = end;
      return grad;
    });
  },

  // The output gradients, zeros for outputs none reached, joined along the split axis.
  Split: (ctx) => {
    if (!ctx.wants(0)) return [];
    const outputs = ctx.node.output;
    const grads = outputs.map((_, i) => ctx.outputGrad(i));
    if (grads.every((g) => !g)) return [];
    const axis = normalizeAxis(intAttr(ctx.node, 'axis', 0), rankOf(ctx.shape(ctx.node.input[0])));
    return [concatGradients(ctx, grads, outputs, axis)];
  },

  // The gradient is padded back into the input's shape: zeros where the slice did not read. Step 1 only.
  Slice: (ctx) => {
    const g = ctx.outputGrad(0);
    if (!g || !ctx.wants(0)) return [];
    const [x, startsName, , axesName, stepsName] = ctx.node.input;
    if (ctx.emit.opset < 11) throw new UnsupportedGradient('Slice before opset 11');
    const starts = ctx.constantInts(startsName);
    const steps = stepsName ? ctx.constantInts(stepsName) : undefined;
    if (stepsName && !steps) throw new UnsupportedGradient('Slice with steps computed at run time');
    if (steps?.some((s) => s !== 1)) throw new UnsupportedGradient('Slice with a step other than 1');
    const rank = rankOf(ctx.shape(x));
    // Starts computed at run time (torch's chunk: half of a shape) need the number of sliced axes from the shape table.
    const axisCount = starts?.length ?? ctx.shape(startsName).a[0];
    const axes = (axesName ? ctx.constantInts(axesName) : Array.from({ length: axisCount }, (_, i) => i))?.map((a) =>
      normalizeAxis(a, rank),
    );
    if (!axes) throw new UnsupportedGradient('Slice with axes computed at run time');
    const xShape = ctx.shape(x);
    const outShape = ctx.shape(ctx.node.output[0]);
    const before: string[] = [];
    const after: string[] = [];
    for (let d = 0; d < rank; d++) {
      const k = axes.indexOf(d);
      if (k < 0) {
        before.push(ctx.emit.int64([0]));
        after.push(ctx.emit.int64([0]));
        continue;
      }
      if (!starts) {
        // begin = start, counted from the end if negative, clamped to [0, size]; after = size − begin − sliced length.
        const e = ctx.emit;
        const size = e.dimOf(x, d);
        const start = e.op('Cast', [e.op('Gather', [startsName, e.int64([k])], { axis: 0 })], { to: 7 });
        const fromEnd = e.op('Where', [e.op('Less', [start, e.int64([0])]), e.add(start, size), start]);
        const begin = e.op('Min', [e.op('Max', [fromEnd, e.int64([0])]), size]);
        before.push(begin);
        after.push(e.sub(e.sub(size, begin), e.dimOf(g, d)));
        continue;
      }
      const start = starts[k];
      if (isStatic(xShape, d) && isStatic(outShape, d)) {
        const size = xShape.a[d];
        const begin = Math.min(Math.max(start < 0 ? start + size : start, 0), size);
        before.push(ctx.emit.int64([begin]));
        after.push(ctx.emit.int64([size - begin - outShape.a[d]]));
      } else {
        // Run-time sizes: begin = start (or size + start, clamped at 0), after = size − begin − sliced length.
        const size = ctx.emit.dimOf(x, d);
        const begin =
          start >= 0
            ? ctx.emit.int64([start])
            : ctx.emit.op('Max', [ctx.emit.add(size, ctx.emit.int64([start])), ctx.emit.int64([0])]);
        before.push(begin);
        after.push(ctx.emit.sub(ctx.emit.sub(size, begin), ctx.emit.dimOf(g, d)));
      }
    }
    const pads = ctx.emit.op('Concat', [...before, ...after], { axis: 0 });
    return [ctx.emit.op('Pad', [g, pads])];
  },

  // GatherElements(data, indices, axis): each gathered element's gradient is added back where it came from
  // (ScatterElements with reduction add, opset 16; the gradient graph is raised to opset 16 for it).
  GatherElements: (ctx) => {
    const g = ctx.outputGrad(0);
    if (!g || !ctx.wants(0)) return [];
    const e = ctx.emit;
    if (e.opset < 16) throw new UnsupportedGradient('GatherElements before opset 16');
    const [data, indices] = ctx.node.input;
    const axis = normalizeAxis(intAttr(ctx.node, 'axis', 0), rankOf(ctx.shape(data)));
    return [
      e.op('ScatterElements', [e.zerosLike(data), e.op('Cast', [indices], { to: 7 }), g], { axis, reduction: 'add' }),
    ];
  },

  // Gather(data, indices) along an axis: each gathered slice's gradient is added back at its index, computed as a
  // product with a one-hot matrix [indices, size] so repeated indices add up. Scalar or 1-D indices.
  Gather: (ctx) => {
    const g = ctx.outputGrad(0);
    if (!g || !ctx.wants(0)) return [];
    const e = ctx.emit;
    const [data, indices] = ctx.node.input;
    const rank = rankOf(ctx.shape(data));
    const axis = normalizeAxis(intAttr(ctx.node, 'axis', 0), rank);
    const indexRank = rankOf(ctx.shape(indices));
    if (indexRank > 1) throw new UnsupportedGradient('Gather with indices of rank > 1 on a differentiated tensor');
    const dataShape = ctx.shape(data);
    const constant = ctx.constantInts(indices);
    let oneHot: string;
    if (constant && isStatic(dataShape, axis)) {
      const size = dataShape.a[axis];
      const rows = constant.map((i) => (i < 0 ? i + size : i));
      oneHot = e.float(
        rows.flatMap((r) => Array.from({ length: size }, (_, j) => (j === r ? 1 : 0))),
        [rows.length, size],
      );
    } else {
      const size = e.squeeze(sizeAlong(ctx, data, axis), [0]);
      const idx64 = e.op('Cast', [indexRank === 0 ? e.unsqueeze(indices, [0]) : indices], { to: 7 });
      const wrapped = e.op('Where', [e.op('Less', [idx64, e.int64(0)]), e.add(idx64, size), idx64]);
      const positions = e.op('Range', [e.int64(0), size, e.int64(1)]);
      oneHot = e.op('Cast', [e.op('Equal', [e.unsqueeze(wrapped, [1]), positions])], { to: 1 });
    }
    const gathered = indexRank === 0 ? e.unsqueeze(g, [axis]) : g;
    // Move the gathered axis last, contract it with the one-hot matrix, move it back.
    const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
    const moved = e.transpose(gathered, perm);
    const scattered = e.op('MatMul', [moved, oneHot]);
    return [e.transpose(scattered, inversePermutation(perm))];
  },
};
