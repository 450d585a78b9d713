/** Reverse-mode rules of reductions and LayerNormalization. */
import {
  axesOf,
  floatAttr,
  GradientRule,
  intAttr,
  normalizeAxis,
  rankOf,
  RuleContext,
  unbroadcast,
} from './gradientRule';

/** The reduced axes of a ReduceSum/ReduceMean node, normalised; every axis when none are given. */
function reducedAxes(ctx: RuleContext): number[] {
  const rank = rankOf(ctx.shape(ctx.node.input[0]));
  const axes = axesOf(ctx, 1);
  if (!axes || axes.length === 0) {
    // With no axes, ReduceSum (opset 13+) may be told to do nothing.
    if (intAttr(ctx.node, 'noop_with_empty_axes', 0) === 1) return [];
    return Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => normalizeAxis(a, rank)).sort((a, b) => a - b);
}

/** The output gradient with the reduced axes restored and broadcast to the input's shape. */
function spreadBack(ctx: RuleContext, g: string): string {
  const e = ctx.emit;
  const kept = intAttr(ctx.node, 'keepdims', 1) === 1 ? g : e.unsqueeze(g, reducedAxes(ctx));
  return e.op('Expand', [kept, e.shapeOf(ctx.node.input[0])]);
}

const reduceSum: GradientRule = (ctx) => {
  const g = ctx.outputGrad(0);
  return g && ctx.wants(0) ? [spreadBack(ctx, g)] : [];
};

// Mean = sum / n, with n = |input| / |output| (works for run-time sizes).
const reduceMean: GradientRule = (ctx) => {
  const g = ctx.outputGrad(0);
  if (!g || !ctx.wants(0)) return [];
  const e = ctx.emit;
  const count = e.div(
    e.op('Cast', [e.op('Size', [ctx.node.input[0]])], { to: 1 }),
    e.op('Cast', [e.op('Size', [ctx.node.output[0]])], { to: 1 }),
  );
  return [e.div(spreadBack(ctx, g), count)];
};

/**
 * LayerNormalization (opset 17) normalises over the axes from `axis` on: y = x̂·γ + β, x̂ = (x − μ)/σ.
 * ∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) / σ with ĝ = g⊙γ. Conservative LRP (Ali et al., 2022) treats σ as a constant,
 * which drops the x̂ term: ∂x = (ĝ − mean(ĝ)) / σ.
 */
const layerNormalization: GradientRule = (ctx) => {
  const g = ctx.outputGrad(0);
  if (!g) return [];
  const e = ctx.emit;
  const [x, scale, bias] = ctx.node.input;
  const rank = rankOf(ctx.shape(x));
  const axis = normalizeAxis(intAttr(ctx.node, 'axis', -1), rank);
  const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const epsilon = floatAttr(ctx.node, 'epsilon', 1e-5);
  const centred = e.sub(x, e.reduceMean(x, axes, true));
  const sigma = e.op('Sqrt', [e.add(e.reduceMean(e.mul(centred, centred), axes, true), e.float(epsilon))]);
  const xHat = e.div(centred, sigma);
  const gShape = ctx.shape(ctx.node.output[0]);
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  if (ctx.wants(0)) {
    const gHat = e.mul(g, scale);
    let numerator = e.sub(gHat, e.reduceMean(gHat, axes, true));
    if (!ctx.constantLayerNormScale)
      numerator = e.sub(numerator, e.mul(xHat, e.reduceMean(e.mul(gHat, xHat), axes, true)));
    out[0] = e.div(numerator, sigma);
  }
  // γ and β are constants of a trained model, but a graph may compute them; their gradients are plain sums.
  if (ctx.wants(1)) out[1] = unbroadcast(ctx, e.mul(g, xHat), gShape, scale);
  if (bias && ctx.wants(2)) out[2] = unbroadcast(ctx, g, gShape, bias);
  return out;
};

export const NORMALIZATION_RULES: Record<string, GradientRule> = {
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
  LayerNormalization: layerNormalization,
};
