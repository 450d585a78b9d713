/**
 * Checks a reverse-mode rule against central finite differences on a tiny ONNX graph built here.
 * The graph's float inputs x_k go through the nodes under test to a tensor Y; logits[:, 0] = Σ Y³/3 + ΣY (so the
 * gradient arriving at Y is Y² + 1: varied, never all-equal, which would hide softmax-like errors, and not fooled by
 * LayerNorm's invariants Σx̂ = 0, Σx̂² = n) and logits[:, 1] = 0.
 * The builder differentiates logit 0 with respect to every x_k; each is compared with (f(x+h) − f(x−h)) / 2h.
 */
import { create } from '@bufbuild/protobuf';
import type * as Ort from 'onnxruntime-node';
import {
  AttributeProto_AttributeType,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import {
  buildGradientGraph,
  GradientGraph,
  GradientGraphOptions,
  OBJECTIVE_INPUT,
  OBJECTIVE_OUTPUT,
  TARGET_INPUT,
} from '../../src/core/gradients/gradientGraph';
import { probeShapes } from '../../src/core/gradients/probeShapes';
import { serializeModel } from '../../src/core/model/onnxGraph';
import { seededRandom } from '../../src/core/math/random';
import { onnxruntime } from '../../src/core/runtime/onnxruntime';

/** A dimension: a number, or B (the batch) / S (a sequence length), which differ between the builder's probes. */
export type Dim = number | 'B' | 'S';
type Attr = number | number[] | string | { float: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
  domain?: string;
}

export interface GradientCase {
  opset?: number;
  /** Float inputs, each differentiated. */
  inputs: { name: string; dims: Dim[]; positive?: boolean; awayFromZero?: boolean }[];
  /** Constants: float (values) or int64 (ints). */
  constants?: { name: string; dims: number[]; values?: number[]; ints?: number[] }[];
  nodes: NodeSpec[];
  /** The tensor the test objective is computed from; rank ≥ 2 with the batch first. */
  output: string;
  outputRank: number;
  options?: Partial<GradientGraphOptions>;
  /** Extra domains to import (e.g. com.microsoft). */
  domains?: { domain: string; version: number }[];
}

function attribute(name: string, v: Attr) {
  if (typeof v === 'number') return { name, type: AttributeProto_AttributeType.INT, i: BigInt(v) };
  if (typeof v === 'string') return { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeProto_AttributeType.INTS, ints: v.map(BigInt) };
  return { name, type: AttributeProto_AttributeType.FLOAT, f: v.float };
}

function resolveDims(dims: Dim[], batch: number, seq: number): number[] {
  return dims.map((d) => (d === 'B' ? batch : d === 'S' ? seq : d));
}

export function caseModel(c: GradientCase) {
  const r = c.outputRank;
  const reduceAxes = Array.from({ length: r - 1 }, (_, i) => i + 1);
  // Axes moved from attributes to inputs at opset 13; the harness's own nodes follow the case's opset.
  const modern = (c.opset ?? 17) >= 13;
  const axes = (name: string, values: number[]) => (modern ? { input: [name] } : { attr: [attribute('axes', values)] });
  const reduceSum = (x: string, out: string) =>
    create(NodeProtoSchema, {
      opType: 'ReduceSum',
      input: [x, ...(axes('__axes', reduceAxes).input ?? [])],
      output: [out],
      attribute: [attribute('keepdims', 0), ...(axes('__axes', reduceAxes).attr ?? [])],
    });
  const nodes = [
    ...c.nodes.map((n) =>
      create(NodeProtoSchema, {
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        domain: n.domain ?? '',
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      }),
    ),
    create(NodeProtoSchema, { opType: 'Mul', input: [c.output, c.output], output: ['__sq'] }),
    create(NodeProtoSchema, { opType: 'Mul', input: ['__sq', c.output], output: ['__cube'] }),
    reduceSum('__cube', '__s2'),
    reduceSum(c.output, '__s1'),
    create(NodeProtoSchema, { opType: 'Mul', input: ['__s2', '__half'], output: ['__h2'] }),
    create(NodeProtoSchema, { opType: 'Add', input: ['__h2', '__s1'], output: ['__l0'] }),
    create(NodeProtoSchema, {
      opType: 'Unsqueeze',
      input: ['__l0', ...(axes('__one', [1]).input ?? [])],
      output: ['__l0u'],
      attribute: axes('__one', [1]).attr ?? [],
    }),
    create(NodeProtoSchema, { opType: 'Sub', input: ['__l0u', '__l0u'], output: ['__zero'] }),
    create(NodeProtoSchema, {
      opType: 'Concat',
      input: ['__l0u', '__zero'],
      output: ['logits'],
      attribute: [attribute('axis', 1)],
    }),
  ];
  const constants = [
    ...(c.constants ?? []).map((k) =>
      create(
        TensorProtoSchema,
        k.ints
          ? {
              name: k.name,
              dims: k.dims.map(BigInt),
              dataType: TensorProto_DataType.INT64,
              int64Data: k.ints.map(BigInt),
            }
          : { name: k.name, dims: k.dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, floatData: k.values },
      ),
    ),
    create(TensorProtoSchema, {
      name: '__axes',
      dims: [BigInt(reduceAxes.length)],
      dataType: TensorProto_DataType.INT64,
      int64Data: reduceAxes.map(BigInt),
    }),
    create(TensorProtoSchema, { name: '__one', dims: [1n], dataType: TensorProto_DataType.INT64, int64Data: [1n] }),
    create(TensorProtoSchema, { name: '__half', dims: [], dataType: TensorProto_DataType.FLOAT, floatData: [1 / 3] }),
  ];
  return create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [
      { domain: '', version: BigInt(c.opset ?? 17) },
      ...(c.domains ?? []).map((d) => ({ domain: d.domain, version: BigInt(d.version) })),
    ],
    graph: {
      name: 'gradient-check',
      node: nodes,
      initializer: constants,
      input: c.inputs.map((i) =>
        create(ValueInfoProtoSchema, {
          name: i.name,
          type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT } } },
        }),
      ),
      output: [
        create(ValueInfoProtoSchema, {
          name: 'logits',
          type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT } } },
        }),
      ],
    },
  });
}

export interface GradientCheckResult {
  graph: GradientGraph;
  /** Largest |analytic − finite difference| over all checked elements, relative to max(1, largest |analytic|). */
  worst: number;
  /** Largest |analytic gradient| seen (to show the check is not vacuous). */
  largest: number;
  /** The analytic gradients, by input name. */
  values: Record<string, Float32Array>;
}

/** Builds the gradient graph of the case, runs it on a batch of 2 (sequence length 4) and compares with FD. */
export async function checkGradient(c: GradientCase, seed = 1): Promise<GradientCheckResult> {
  const ort = onnxruntime();
  const model = caseModel(c);
  const random = seededRandom(seed);
  const values = (dims: number[], spec: GradientCase['inputs'][number]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: n }, () => {
      let v = random() * 3 - 1.5;
      if (spec.awayFromZero && Math.abs(v) < 0.2) v += v < 0 ? -0.2 : 0.2;
      return spec.positive ? Math.abs(v) + 0.3 : v;
    });
  };
  const feedsFor = (batch: number, seq: number): Record<string, Ort.Tensor> =>
    Object.fromEntries(
      c.inputs.map((i) => {
        const dims = resolveDims(i.dims, batch, seq);
        return [i.name, new ort.Tensor('float32', values(dims, i), dims)];
      }),
    );
  // Shapes only: a fixed seed per probe, so probe values never depend on the run's draws.
  const shapes = await probeShapes(model, (b, s) => feedsFor(b, s));
  const graph = buildGradientGraph(model, shapes, { logits: 'logits', wrt: c.inputs.map((i) => i.name), ...c.options });
  const session = await ort.InferenceSession.create(serializeModel(graph.model), { graphOptimizationLevel: 'basic' });
  try {
    const base = feedsFor(2, 4);
    const aux = {
      [TARGET_INPUT]: new ort.Tensor('float32', new Float32Array([1, 0, 1, 0]), [2, 2]),
      [OBJECTIVE_INPUT]: new ort.Tensor('float32', new Float32Array([0, 0]), [2, 1]),
    };
    const objective = async (feeds: Record<string, Ort.Tensor>) => {
      const out = await session.run({ ...feeds, ...aux }, [OBJECTIVE_OUTPUT]);
      const o = out[OBJECTIVE_OUTPUT].data as Float32Array;
      return o[0] + o[1];
    };
    const fetch = [...graph.gradients.values()];
    const analytic = await session.run({ ...base, ...aux }, fetch);
    let worst = 0;
    let largest = 0;
    const gradients: Record<string, Float32Array> = {};
    for (const input of c.inputs) {
      const gradName = graph.gradients.get(input.name);
      if (!gradName) continue;
      const g = analytic[gradName].data as Float32Array;
      gradients[input.name] = g;
      const x = base[input.name].data as Float32Array;
      for (let k = 0; k < g.length; k++) largest = Math.max(largest, Math.abs(g[k]));
      const scale = Math.max(1, ...Array.from(g, Math.abs));
      const step = Math.max(1, Math.floor(x.length / 24));
      for (let k = 0; k < x.length; k += step) {
        const h = 1e-2;
        const shifted = (delta: number) => {
          const copy = Float32Array.from(x);
          copy[k] += delta;
          return { ...base, [input.name]: new ort.Tensor('float32', copy, base[input.name].dims) };
        };
        const fd = ((await objective(shifted(h))) - (await objective(shifted(-h)))) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - g[k]) / scale);
      }
    }
    return { graph, worst, largest, values: gradients };
  } finally {
    await session.release();
  }
}
