import type { AttributeProto, NodeProto } from 'onnx-buf';
import type { GraphEmitter } from '../graphEmitter';
import { isStatic, ProbeShape, rankOf } from '../probeShapes';

/** What a reverse-mode rule sees of one forward node. */
export interface RuleContext {
  node: NodeProto;
  emit: GraphEmitter;
  /** The gradient arriving at output i, or undefined when none reaches it (it is then zero). */
  outputGrad(i: number): string | undefined;
  /** Whether input i needs a gradient: a float on a path from a differentiated tensor, and not detached. */
  wants(i: number): boolean;
  shape(tensor: string): ProbeShape;
  /** The value of a constant int tensor (an initializer or a Constant node's output), else undefined. */
  constantInts(tensor: string): number[] | undefined;
  /** Conservative LRP: LayerNorm's 1/σ is treated as a constant. */
  constantLayerNormScale: boolean;
}

/** Gradients for the node's inputs, index-aligned with `node.input`; undefined where not wanted or zero. */
export type GradientRule = (ctx: RuleContext) => (string | undefined)[];

/** Thrown by a rule that has no formula for this particular use of its op (e.g. a strided Conv). */
export class UnsupportedGradient extends Error {}

export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a ? Number(a.i) : fallback;
}

export function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a ? a.ints.map(Number) : undefined;
}

export function floatAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a ? a.f : fallback;
}

export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const a = attr(node, name);
  return a ? new TextDecoder().decode(a.s) : fallback;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Axes as an attribute (older opsets) or a constant second input (newer ones). */
export function axesOf(ctx: RuleContext, inputIndex: number): number[] | undefined {
  const fromAttr = intsAttr(ctx.node, 'axes');
  if (fromAttr) return fromAttr;
  const input = ctx.node.input[inputIndex];
  if (!input) return undefined;
  const values = ctx.constantInts(input);
  if (!values) throw new UnsupportedGradient(`${ctx.node.opType} with axes computed at run time`);
  return values;
}

/**
 * Sums a gradient of (broadcast) shape `gShape` back to the shape of input `x`: over leading axes x lacks and over
 * axes where x has size 1 and the gradient does not.
 */
export function unbroadcast(ctx: RuleContext, g: string, gShape: ProbeShape, x: string): string {
  const xShape = ctx.shape(x);
  const lead = rankOf(gShape) - rankOf(xShape);
  const axes: number[] = [];
  for (let i = 0; i < rankOf(gShape); i++) {
    if (i < lead) axes.push(i);
    else {
      const j = i - lead;
      const xIsOne = xShape.a[j] === 1 && xShape.b[j] === 1;
      const gIsOne = gShape.a[i] === 1 && gShape.b[i] === 1;
      if (xIsOne && !gIsOne) axes.push(i);
    }
  }
  if (axes.length === 0) return g;
  const summed = ctx.emit.reduceSum(g, axes, true);
  return ctx.emit.squeeze(
    summed,
    Array.from({ length: lead }, (_, i) => i),
  );
}

/** The shape two broadcast operands produce (numpy rules), per probe. */
export function broadcastShape(x: ProbeShape, y: ProbeShape): ProbeShape {
  const one = (a: number[], b: number[]) => {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => {
      const da = a[a.length - n + i] ?? 1;
      const db = b[b.length - n + i] ?? 1;
      return da === 1 ? db : da;
    });
  };
  return { a: one(x.a, y.a), b: one(x.b, y.b) };
}

/** Softmax's default axis: 1 before opset 13 (with 2-D coercion), the last axis from 13 on. */
export function defaultSoftmaxAxis(opset: number): number {
  return opset >= 13 ? -1 : 1;
}

/** A rule for a one-input op, given the local formula ∂x from the output gradient g, the input x and the output y. */
export function unaryRule(local: (ctx: RuleContext, g: string, x: string, y: string) => string): GradientRule {
  return (ctx) => {
    const g = ctx.outputGrad(0);
    return g && ctx.wants(0) ? [local(ctx, g, ctx.node.input[0], ctx.node.output[0])] : [];
  };
}

export { isStatic, rankOf };
