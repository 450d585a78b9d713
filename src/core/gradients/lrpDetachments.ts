/**
 * Conservative propagation for transformers (Ali et al., "XAI for Transformers: Better Explanations through
 * Conservative Propagation", ICML 2022): LRP that conserves relevance through attention heads and LayerNorm equals
 * Gradient × Input once the attention softmax and LayerNorm's 1/σ are held constant. These are the tensors to
 * hold constant in a graph: every attention softmax's input (the scores) and the σ of decomposed LayerNorms.
 */
import type { GraphProto, NodeProto } from 'onnx-buf';
import { PASS_THROUGH } from '../model/onnxGraph';

export function conservativeLrpDetachments(graph: GraphProto, attentionTensors: string[]): string[] {
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) producer.set(o, n);
  const detach = new Set<string>();
  for (const tensor of attentionTensors) {
    let node = producer.get(tensor);
    while (node && PASS_THROUGH.has(node.opType)) node = producer.get(node.input[0]);
    // A masked attention may multiply the softmax by the mask afterwards (the shipped RNN/CNN models do).
    if (node?.opType === 'Mul') node = node.input.map((i) => producer.get(i)).find((p) => p?.opType === 'Softmax');
    if (node?.opType === 'Softmax') detach.add(node.input[0]);
  }
  // Decomposed LayerNorm: (x − μ) / Sqrt(var + ε); the denominator is σ.
  for (const n of graph.node) {
    if (n.opType !== 'Div') continue;
    const denominator = producer.get(n.input[1]);
    if (denominator?.opType === 'Sqrt') detach.add(n.input[1]);
  }
  return [...detach];
}
