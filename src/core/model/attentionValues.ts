/**
 * What an attention map weighs, found in the graph: the value vectors it multiplies (α·V) and the first linear
 * map applied to the result (W_O in a transformer, the classifier's weight after an RNN/CNN's attention pooling).
 * AttIN (Kobayashi et al., 2020) needs both: ‖Σ_h α^h_{ij} v^h_j W_O^h‖.
 */
import type { GraphProto, NodeProto, TensorProto } from 'onnx-buf';
import { TensorProto_DataType } from 'onnx-buf';

export interface AttentionValues {
  /** The values tensor: [batch, heads, seq, head_dim] for transformers, [batch, seq, hidden] for single attention. */
  values: string;
  /** The projection's weight initializer, as [in, out] after `transposed` is applied; null when none was found. */
  projection: { weight: string; transposed: boolean } | null;
}

const PASS_THROUGH = new Set(['Dropout', 'Identity', 'Cast', 'Unsqueeze']);
const RESHAPING = new Set(['Transpose', 'Reshape', 'Squeeze', 'Flatten', 'Dropout', 'Identity']);

export function attentionValues(graph: GraphProto, attention: string): AttentionValues | undefined {
  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const initializers = new Set(graph.initializer.map((t) => t.name));
  let tensor = attention;
  let matmul: NodeProto | undefined;
  for (let depth = 0; depth < 4 && !matmul; depth++) {
    const next = consumers.get(tensor) ?? [];
    matmul = next.find((n) => n.opType === 'MatMul' && n.input[0] === tensor);
    const pass = next.find((n) => PASS_THROUGH.has(n.opType));
    if (!matmul && !pass) return undefined;
    if (!matmul && pass) tensor = pass.output[0];
  }
  if (!matmul) return undefined;
  let out = matmul.output[0];
  for (let depth = 0; depth < 6; depth++) {
    const next = consumers.get(out) ?? [];
    const linear = next.find((n) => (n.opType === 'MatMul' || n.opType === 'Gemm') && n.input[0] === out && initializers.has(n.input[1]));
    if (linear) {
      const transposed = linear.opType === 'Gemm' && linear.attribute.some((a) => a.name === 'transB' && a.i === 1n);
      return { values: matmul.input[1], projection: { weight: linear.input[1], transposed } };
    }
    const reshape = next.find((n) => RESHAPING.has(n.opType));
    if (!reshape) break;
    out = reshape.output[0];
  }
  return { values: matmul.input[1], projection: null };
}

/** A float32 initializer's values and dims. */
export function floatInitializer(graph: GraphProto, name: string): { data: Float32Array; dims: number[] } | undefined {
  const t: TensorProto | undefined = graph.initializer.find((i) => i.name === name);
  if (!t || t.dataType !== TensorProto_DataType.FLOAT) return undefined;
  const data = t.floatData.length
    ? Float32Array.from(t.floatData)
    : new Float32Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength));
  return { data, dims: t.dims.map(Number) };
}
