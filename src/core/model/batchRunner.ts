import type { ModelInput } from '../erasure/erasureOperator';
import { softmax } from '../math/softmax';
import type { OnnxClassifier } from './onnxClassifier';

/**
 * Most inputs one onnxruntime call takes. onnxruntime's arena keeps the largest run's activations for the session's
 * life: when this was chosen, a full explanation on a DistilBERT-base-sized model peaked at 936 MB with 64 rows and
 * 735 MB with 32, in the same time.
 */
export const MAX_BATCH = 32;

/**
 * Logits for every input, in as few onnxruntime calls as maxBatch allows. Inputs are grouped by length so little
 * time goes into padding; results come back in input order.
 */
export async function logitsOf(
  onnx: OnnxClassifier,
  inputs: ModelInput[],
  maxBatch = MAX_BATCH,
): Promise<Float32Array[]> {
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a].ids.length - inputs[b].ids.length);
  const out = new Array<Float32Array>(inputs.length);
  for (let start = 0; start < order.length; start += maxBatch) {
    const idx = order.slice(start, start + maxBatch);
    const { logits } = await onnx.run({
      ids: idx.map((i) => inputs[i].ids),
      attentionMask: idx.map((i) => inputs[i].attentionMask),
      embeddingScale: idx.map((i) => inputs[i].embeddingScale),
    });
    idx.forEach((i, r) => {
      out[i] = logits[r];
    });
  }
  return out;
}

/** The head's quantities (softmax probabilities unless `score` says otherwise, see ModelHead) for every input, batched as `logitsOf`. */
export async function probabilities(
  onnx: OnnxClassifier,
  inputs: ModelInput[],
  maxBatch = MAX_BATCH,
  score: (logits: ArrayLike<number>) => number[] = softmax,
): Promise<number[][]> {
  return (await logitsOf(onnx, inputs, maxBatch)).map((l) => score(l));
}
