/**
 * Shapes and element types of every tensor of a graph, learnt by running it. ONNX files rarely carry complete
 * shape information and there is no shape inference in TypeScript, so the gradient builder runs the model once on two
 * probe batches of different sizes: a dimension equal in both probes is static (a hidden size), one that differs
 * follows the batch or the sequence. Broadcasting axes, ranks and which tensors are floats all follow from that.
 */
import { clone, create } from '@bufbuild/protobuf';
import type * as Ort from 'onnxruntime-node';
import { GraphProtoSchema, ModelProto, ModelProtoSchema, TensorProto_DataType, ValueInfoProtoSchema } from 'onnx-buf';
import { dropDeclaredShapes, serializeModel } from '../model/onnxGraph';
import { onnxruntime } from '../runtime/onnxruntime';

/** A tensor's dims under each of the two probes. */
export interface ProbeShape {
  a: number[];
  b: number[];
}

export interface TensorInfo {
  /** onnxruntime's element type name: 'float32', 'int64', 'bool', … */
  type: string;
  shape: ProbeShape;
}

export type ShapeTable = Map<string, TensorInfo>;

/** The two probe batches: sizes chosen to differ from each other and from typical hidden sizes. */
export const PROBES = [
  { batch: 2, seq: 5 },
  { batch: 3, seq: 7 },
] as const;

const ONNX_TYPE_NAMES: Partial<Record<TensorProto_DataType, string>> = {
  [TensorProto_DataType.FLOAT]: 'float32',
  [TensorProto_DataType.DOUBLE]: 'float64',
  [TensorProto_DataType.FLOAT16]: 'float16',
  [TensorProto_DataType.INT64]: 'int64',
  [TensorProto_DataType.INT32]: 'int32',
  [TensorProto_DataType.BOOL]: 'bool',
};

/** A session on the probe graph: by default from its bytes, weights included. */
export type ProbeSession = (probe: ModelProto) => Promise<Ort.InferenceSession>;

// No graph optimisation: it could fuse away the very tensors being measured, and it is slow on big graphs.
export const PROBE_SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'disabled' };

const inMemory: ProbeSession = (probe) =>
  onnxruntime().InferenceSession.create(serializeModel(probe), PROBE_SESSION_OPTIONS);

/**
 * Runs `model` (not modified) with every node output exposed, once per probe. `feeds(batch, seq)` builds the inputs.
 * The probe graph shares `model`'s initializers (a copy would be the weights again); `session` opens it.
 */
export async function probeShapes(
  model: ModelProto,
  feeds: (batch: number, seq: number) => Record<string, Ort.Tensor>,
  session: ProbeSession = inMemory,
): Promise<ShapeTable> {
  const source = model.graph!;
  const graph = create(GraphProtoSchema, {
    ...source,
    input: source.input.map((i) => clone(ValueInfoProtoSchema, i)),
    output: source.output.map((o) => clone(ValueInfoProtoSchema, o)),
    valueInfo: [],
  });
  const probe = create(ModelProtoSchema, { ...model, graph });
  const table: ShapeTable = new Map();
  for (const init of graph.initializer) {
    const dims = init.dims.map(Number);
    table.set(init.name, {
      type: ONNX_TYPE_NAMES[init.dataType as TensorProto_DataType] ?? 'other',
      shape: { a: dims, b: dims },
    });
  }
  const known = new Set([
    ...graph.input.map((i) => i.name),
    ...graph.initializer.map((i) => i.name),
    ...graph.output.map((o) => o.name),
  ]);
  for (const node of graph.node) {
    for (const out of node.output) {
      if (out && !known.has(out)) {
        graph.output.push(create(ValueInfoProtoSchema, { name: out }));
        known.add(out);
      }
    }
  }
  dropDeclaredShapes(probe);
  const opened = await session(probe);
  try {
    const runs: Record<string, Ort.Tensor>[] = [];
    for (const { batch, seq } of PROBES) {
      const inputs = feeds(batch, seq);
      const out = await opened.run(inputs);
      runs.push({ ...inputs, ...out });
    }
    for (const [name, tensor] of Object.entries(runs[0])) {
      const other = runs[1][name];
      if (!other) continue;
      table.set(name, { type: tensor.type, shape: { a: [...tensor.dims], b: [...other.dims] } });
    }
  } finally {
    await opened.release();
  }
  return table;
}

export function rankOf(shape: ProbeShape): number {
  return shape.a.length;
}

/** Whether dimension i has the same size in both probes (a fixed size, not the batch or sequence length). */
export function isStatic(shape: ProbeShape, i: number): boolean {
  return shape.a[i] === shape.b[i];
}
