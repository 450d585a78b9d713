/**
 * Reverse-mode differentiation of an ONNX graph, emitted as more ONNX: the returned model computes the forward pass
 * and, in the same run, the gradient of an objective of the logits with respect to chosen intermediate tensors.
 * Only standard ops are emitted, so onnxruntime runs it like any model.
 *
 * The objective is p(ŷ) = softmax(z)[ŷ] (or σ(z_ŷ) for a sigmoid head, z_ŷ for a regression head) or the logit z_ŷ,
 * chosen per row at run time, with ŷ fed as a target vector t over the logits (one-hot; signed for a single logit's
 * negative class, z_ŷ = Σ t·z): one built graph serves every sample and both objectives.
 */
import { clone, create } from '@bufbuild/protobuf';
import {
  GraphProto,
  ModelProto,
  ModelProtoSchema,
  NodeProto,
  NodeProtoSchema,
  TensorProto,
  TensorProto_DataType,
} from 'onnx-buf';
import type { HeadLink } from '../model/modelHead';
import { defaultOpset, exposeOutputs, floatInput } from '../model/onnxGraph';
import { GraphEmitter } from './graphEmitter';
import type { ShapeTable } from './probeShapes';
import { RuleContext, UnsupportedGradient } from './rules/gradientRule';
import { GRADIENT_PROPAGATION, type Propagation } from './propagation';

/** One-hot ŷ, float [batch, classes]. */
export const TARGET_INPUT = 'polarity_lens_target';
/** Per row, float [batch, 1]: 1 differentiates the probability p(ŷ), 0 the logit z_ŷ. */
export const OBJECTIVE_INPUT = 'polarity_lens_use_probability';
/** The objective's value per row, [batch, 1] (of the graph built with the default prefix). */
export const OBJECTIVE_OUTPUT = 'polarity_lens_objective';
/** Names of everything a backward pass adds start with its prefix, so two passes can live in one graph. */
export const DEFAULT_BACKWARD_PREFIX = 'polarity_lens_grad';

export function gradientOutputName(tensor: string, prefix = DEFAULT_BACKWARD_PREFIX): string {
  return `${prefix}__${tensor}`;
}

export function objectiveOutputName(prefix = DEFAULT_BACKWARD_PREFIX): string {
  return prefix === DEFAULT_BACKWARD_PREFIX ? OBJECTIVE_OUTPUT : `${prefix}__objective`;
}

export interface GradientGraphOptions {
  /** The logits tensor, [batch, classes]. */
  logits: string;
  /** Tensors to differentiate with respect to (intermediate tensors are treated as leaves of what follows them). */
  wrt: string[];
  /** Tensors no gradient flows into: they are held constant (conservative LRP detaches softmax scores and σ). */
  detach?: string[];
  /** LayerNormalization's σ held constant (conservative LRP). */
  constantLayerNormScale?: boolean;
  /** How the objective's "probability" comes from the logits and the target vector t (see ModelHead); default softmax. */
  link?: HeadLink;
  /** Starts the names of the added nodes, tensors and outputs (default DEFAULT_BACKWARD_PREFIX). */
  prefix?: string;
  /** What flows back and by which rules: gradients (the default) or LRP relevance (see propagation.ts). */
  propagation?: Propagation;
  /** The wrt tensors that get an output (default all): the others only mark what depends on them. */
  expose?: string[];
}

export interface GradientGraph {
  model: ModelProto;
  /** wrt tensor → name of the output holding ∂objective/∂tensor. */
  gradients: Map<string, string>;
  /** wrt tensors whose gradient cannot be computed, with why. */
  unavailable: Map<string, string>;
  /** Op types (with the reason) that stopped a gradient, for the user. */
  unsupported: string[];
}

/** Values of small constant int tensors: initializers and Constant nodes. */
function constantInts(graph: GraphProto): Map<string, number[]> {
  const values = new Map<string, number[]>();
  const read = (t: TensorProto): number[] | undefined => {
    if (t.dataType === TensorProto_DataType.INT64) {
      if (t.int64Data.length) return t.int64Data.map(Number);
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      return Array.from({ length: t.rawData.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    if (t.dataType === TensorProto_DataType.INT32) {
      if (t.int32Data.length) return [...t.int32Data];
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      return Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
    }
    return undefined;
  };
  for (const init of graph.initializer) {
    if (init.dims.reduce((a, b) => a * Number(b), 1) <= 64) {
      const v = read(init);
      if (v) values.set(init.name, v);
    }
  }
  for (const node of graph.node.filter((n) => n.opType === 'Constant')) {
    const a = node.attribute[0];
    const v =
      a?.name === 'value' && a.t
        ? read(a.t)
        : a?.name === 'value_ints'
          ? a.ints.map(Number)
          : a?.name === 'value_int'
            ? [Number(a.i)]
            : undefined;
    if (v) values.set(node.output[0], v);
  }
  return values;
}

/** Builds the forward + backward model. `shapes` must come from probing this same graph (see probeShapes). */
export function buildGradientGraph(
  source: ModelProto,
  shapes: ShapeTable,
  options: GradientGraphOptions,
): GradientGraph {
  const model = clone(ModelProtoSchema, source);
  return { model, ...appendBackward(model, [...model.graph!.node], shapes, options) };
}

/**
 * Appends a backward pass of `forward` (the graph's own nodes, before any other backward pass) to `model` in place:
 * several passes with different prefixes (plain gradients, conservative LRP) then share one forward pass and one
 * copy of the weights.
 */
export function appendBackward(
  model: ModelProto,
  forward: NodeProto[],
  shapes: ShapeTable,
  options: GradientGraphOptions,
): Omit<GradientGraph, 'model'> {
  const graph = model.graph!;
  const prefix = options.prefix ?? DEFAULT_BACKWARD_PREFIX;
  raiseOpsetFor(model, forward);
  const emit = new GraphEmitter(graph, defaultOpset(model), prefix);
  const constants = constantInts(graph);
  const detached = new Set(options.detach ?? []);
  const isFloat = (t: string) => shapes.get(t)?.type === 'float32';
  const propagation = options.propagation ?? GRADIENT_PROPAGATION;

  // Active: float tensors that depend on a differentiated tensor. Live: tensors the logits depend on.
  const active = new Set(options.wrt);
  for (const node of forward) {
    if (node.input.some((i) => active.has(i))) for (const o of node.output) if (o && isFloat(o)) active.add(o);
  }
  const live = new Set([options.logits]);
  for (const node of [...forward].reverse()) {
    if (node.output.some((o) => live.has(o))) for (const i of node.input) if (i) live.add(i);
  }

  // The objective's gradient with respect to the logits, and its value.
  for (const [name, dims] of [
    [TARGET_INPUT, ['batch', 'classes']],
    [OBJECTIVE_INPUT, ['batch', 1]],
  ] as const) {
    if (!graph.input.some((i) => i.name === name)) graph.input.push(floatInput(name, [...dims]));
  }
  const z = options.logits;
  const t = TARGET_INPUT;
  const w = OBJECTIVE_INPUT;
  const zY = emit.reduceSum(emit.mul(z, t), [1], true);
  const oneMinusW = emit.sub(emit.float(1), w);
  let pY: string;
  let probabilitySeed: string;
  const link = options.link ?? 'softmax';
  if (link === 'softmax') {
    const p = emit.op('Softmax', [z], { axis: 1 });
    pY = emit.reduceSum(emit.mul(p, t), [1], true);
    // ∂p_ŷ/∂z = p_ŷ(onehot − p). At ŷ, 1 − p_ŷ is computed as the sum of the other classes' probabilities: in
    // float32, 1 − 0.99999 keeps only about two digits, and confident predictions are the common case.
    const notT = emit.sub(emit.float(1), t);
    const others = emit.reduceSum(emit.mul(p, notT), [1], true);
    probabilitySeed = emit.mul(pY, emit.sub(emit.mul(t, others), emit.mul(notT, p)));
  } else if (link === 'sigmoid') {
    // p = σ(Σ t·z) with t signed (−1 selects a single logit's negative class): ∂p/∂z = σ(z_ŷ)·σ(−z_ŷ)·t, 1 − σ
    // taken as σ(−z) for the same float32 reason.
    pY = emit.op('Sigmoid', [zY]);
    probabilitySeed = emit.mul(emit.mul(pY, emit.op('Sigmoid', [emit.op('Neg', [zY])])), t);
  } else {
    // A regression score is its own objective.
    pY = zY;
    probabilitySeed = t;
  }
  // LRP starts from the target vector itself (Chefer et al.: one-hot(ŷ) at the logits), whatever the objective.
  const seed = propagation.seed === 'target' ? t : emit.add(emit.mul(w, probabilitySeed), emit.mul(oneMinusW, t));
  graph.node.push(
    create(NodeProtoSchema, {
      opType: 'Add',
      input: [emit.mul(w, pY), emit.mul(oneMinusW, zY)],
      output: [objectiveOutputName(prefix)],
      name: emit.fresh('objective'),
    }),
  );

  const grads = new Map<string, string>([[z, seed]]);
  const accumulate = (tensor: string, g: string) => {
    const previous = grads.get(tensor);
    grads.set(tensor, previous ? emit.add(previous, g) : g);
  };
  /** Nodes that stopped the propagation, with why when their rule said (undefined: no rule for the op). */
  const blockers = new Map<NodeProto, string | undefined>();
  const unsupported = new Set<string>();
  const shortcuts = propagation.shortcuts?.(forward, (tensor) => active.has(tensor)) ?? new Map<NodeProto, string>();

  for (const node of [...forward].reverse()) {
    if (!node.output.some((o) => active.has(o) && live.has(o))) continue;
    if (!node.output.some((o) => grads.has(o))) continue;
    if (propagation.zeroOps?.has(node.opType)) continue;
    const shortcut = shortcuts.get(node);
    if (shortcut) {
      // A block propagated as one rule (LRP's LayerNorm and GELU): what reaches its output goes to its input.
      accumulate(shortcut, grads.get(node.output[0])!);
      continue;
    }
    const wants = (i: number) => {
      const name = node.input[i];
      return !!name && active.has(name) && !detached.has(name);
    };
    if (!node.input.some((_, i) => wants(i))) continue;
    const rule = propagation.rules[node.opType];
    if (!rule) {
      blockers.set(node, undefined);
      unsupported.add(`${node.domain ? `${node.domain}.` : ''}${node.opType} (${propagation.noRule})`);
      continue;
    }
    const ctx: RuleContext = {
      node,
      emit,
      wants,
      outputGrad: (i) => grads.get(node.output[i]),
      shape: (tensor) => {
        const info = shapes.get(tensor);
        if (!info) throw new UnsupportedGradient(`the shape of ${tensor} is unknown`);
        return info.shape;
      },
      constantInts: (tensor) => constants.get(tensor),
      constantLayerNormScale: options.constantLayerNormScale ?? false,
    };
    let results: (string | undefined)[];
    try {
      results = rule(ctx);
    } catch (e) {
      if (!(e instanceof UnsupportedGradient)) throw e;
      blockers.set(node, e.message);
      unsupported.add(`${node.opType} (${e.message})`);
      continue;
    }
    results.forEach((g, i) => {
      if (g && wants(i)) accumulate(node.input[i], g);
    });
  }

  const gradients = new Map<string, string>();
  const unavailable = new Map<string, string>();
  for (const tensor of options.expose ?? options.wrt) {
    const blocker = [...blockers.keys()].find((b) => reaches(forward, tensor, b));
    if (blocker) {
      unavailable.set(
        tensor,
        propagation.blocked(blocker.opType, blocker.name || blocker.output[0], blockers.get(blocker)),
      );
      continue;
    }
    const name = gradientOutputName(tensor, prefix);
    // A tensor the logits do not depend on has a zero gradient.
    const g = grads.get(tensor) ?? emit.zerosLike(tensor);
    graph.node.push(
      create(NodeProtoSchema, { opType: 'Identity', input: [g], output: [name], name: emit.fresh('output') }),
    );
    gradients.set(tensor, name);
  }
  exposeOutputs(model, [...gradients.values(), objectiveOutputName(prefix)]);
  return { gradients, unavailable, unsupported: [...unsupported] };
}

/**
 * GatherElements' gradient is a scatter-add, which ONNX has from opset 16 (ScatterElements' reduction): a graph
 * below 16 that gathers elements is raised to 16. Between 14 and 16 only ops a text classifier does not use changed
 * meaning (RoiAlign's default coordinate mode); the build's forward outputs are checked against the model's anyway.
 */
function raiseOpsetFor(model: ModelProto, nodes: NodeProto[]): void {
  if (!nodes.some((n) => n.opType === 'GatherElements') || defaultOpset(model) >= 16) return;
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (entry) entry.version = 16n;
}

/** Whether `from` feeds (directly or not) an input of `node`. */
function reaches(nodes: NodeProto[], from: string, node: NodeProto): boolean {
  const seen = new Set([from]);
  for (const n of nodes) {
    if (n === node) return n.input.some((i) => seen.has(i));
    if (n.input.some((i) => seen.has(i))) for (const o of n.output) seen.add(o);
  }
  return false;
}
