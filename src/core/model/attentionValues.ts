/**
 * What an attention map weighs, found in the graph: the value vectors it multiplies (α·V) and the first linear
 * map applied to the result (W_O in a transformer, the classifier's weight after an RNN/CNN's attention pooling).
 * AttIN (Kobayashi et al., 2020) needs both: ‖Σ_h α^h_{ij} v^h_j W_O^h‖.
 */
import type { GraphProto, NodeProto } from 'onnx-buf';
import { consumerMap, PASS_THROUGH } from './onnxGraph';

export interface AttentionValues {
  /** The values tensor: [batch, heads, seq, head_dim] for transformers, [batch, seq, hidden] for single attention. */
  values: string;
  /** The projection's weight initializer, as [in, out] after `transposed` is applied; null when none was found. */
  projection: { weight: string; transposed: boolean } | null;
}

/** Between α and its MatMul: pass-through ops, and the Unsqueeze an RNN/CNN's α [batch, seq] needs for a batched product. */
const TO_MATMUL = new Set([...PASS_THROUGH, 'Unsqueeze']);
const RESHAPING = new Set(['Transpose', 'Reshape', 'Squeeze', 'Flatten', 'Dropout', 'Identity']);

export function attentionValues(
  graph: GraphProto,
  attention: string,
  consumers = consumerMap(graph),
): AttentionValues | undefined {
  const initializers = new Set(graph.initializer.map((t) => t.name));
  let tensor = attention;
  let matmul: NodeProto | undefined;
  let batchedHeads = false;
  for (let depth = 0; depth < 4 && !matmul; depth++) {
    const next = consumers.get(tensor) ?? [];
    matmul = next.find((n) => n.opType === 'MatMul' && n.input[0] === tensor);
    const pass = next.find((n) => TO_MATMUL.has(n.opType) || n.opType === 'Reshape');
    if (!matmul && !pass) return undefined;
    if (!matmul && pass) {
      batchedHeads ||= pass.opType === 'Reshape';
      tensor = pass.output[0];
    }
  }
  if (!matmul) return undefined;
  // α reshaped to [batch·heads, seq, seq] (DeBERTa) multiplies values reshaped the same way: read the values before
  // that reshape, [batch, heads, seq, head_dim], so each row of a batch keeps its own heads.
  const valuesOf = (name: string) => {
    if (!batchedHeads) return name;
    const producer = graph.node.find((n) => n.output.includes(name));
    return producer?.opType === 'Reshape' ? producer.input[0] : name;
  };
  let out = matmul.output[0];
  for (let depth = 0; depth < 6; depth++) {
    const next = consumers.get(out) ?? [];
    const linear = next.find(
      (n) => (n.opType === 'MatMul' || n.opType === 'Gemm') && n.input[0] === out && initializers.has(n.input[1]),
    );
    if (linear) {
      const transposed = linear.opType === 'Gemm' && linear.attribute.some((a) => a.name === 'transB' && a.i === 1n);
      return { values: valuesOf(matmul.input[1]), projection: { weight: linear.input[1], transposed } };
    }
    const reshape = next.find((n) => RESHAPING.has(n.opType));
    if (!reshape) break;
    out = reshape.output[0];
  }
  return { values: valuesOf(matmul.input[1]), projection: null };
}
