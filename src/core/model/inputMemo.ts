import { createHash } from 'node:crypto';
import type { ModelInput } from '../erasure/erasureOperator';
import { softmax } from '../math/softmax';
import { MAX_BATCH, probabilities } from './batchRunner';
import type { OnnxClassifier } from './onnxClassifier';

/**
 * p(·) of one text's model inputs, each distinct input run once. The leave-one-out passes, every explainer's metrics
 * and LIME's and Kernel SHAP's samples erase many of the same units (comprehensiveness's bins are AOPC's first
 * steps, whose first step is a leave-one-out erasure), so a dataset run makes a sixth to a third fewer model runs.
 * Lives as long as one explanation: keys are whole inputs, and a text has at most a few thousand.
 */
export class InputMemo {
  private readonly known = new Map<string, number[]>();
  /** Inputs actually sent to the model (diagnostics, tests). */
  ran = 0;

  /** `score` turns a row of logits into the head's quantities (softmax probabilities by default, see ModelHead). */
  constructor(
    private readonly onnx: OnnxClassifier,
    private readonly score: (logits: ArrayLike<number>) => number[] = softmax,
  ) {}

  /** Records p(·) of an input run elsewhere (the clean run, which also fetches attention). */
  remember(input: ModelInput, p: number[]): void {
    this.known.set(inputKey(input), p);
  }

  /** p(·) for every input, in input order; only inputs not seen before reach the model, in one batched pass. */
  async probabilities(inputs: ModelInput[]): Promise<number[][]> {
    const keys = inputs.map(inputKey);
    const missing = new Map<string, ModelInput>();
    keys.forEach((key, i) => {
      if (!this.known.has(key) && !missing.has(key)) missing.set(key, inputs[i]);
    });
    if (missing.size) {
      const out = await probabilities(this.onnx, [...missing.values()], MAX_BATCH, this.score);
      [...missing.keys()].forEach((key, i) => this.known.set(key, out[i]));
      this.ran += missing.size;
    }
    return keys.map((key) => this.known.get(key)!);
  }
}

/**
 * Two inputs get the same key exactly when the model sees the same thing: an all-ones mask or scale equals none.
 * Hashed, so 10,000 LIME samples of a long text keep 28-character keys rather than kilobytes each.
 */
export function inputKey(input: ModelInput): string {
  const mask = input.attentionMask.every((m) => m === 1) ? '' : input.attentionMask.join(',');
  const scale =
    !input.embeddingScale || input.embeddingScale.every((s) => s === 1) ? '' : input.embeddingScale.join(',');
  return createHash('sha1')
    .update(`${input.ids.join(',')}|${mask}|${scale}`)
    .digest('base64');
}
