import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelInput } from '../../src/core/erasure/erasureOperator';
import { InputMemo, inputKey } from '../../src/core/model/inputMemo';
import type { OnnxClassifier } from '../../src/core/model/onnxClassifier';

/** A stand-in model whose "logits" are a function of the input, and which counts the rows it is given. */
function countingModel() {
  const seen: number[][] = [];
  const onnx = {
    async run(batch: { ids: number[][]; attentionMask?: number[][]; embeddingScale?: (number[] | undefined)[] }) {
      seen.push(...batch.ids);
      return {
        logits: batch.ids.map((ids, r) => {
          const masked = batch.attentionMask?.[r]?.filter((m) => m === 0).length ?? 0;
          const scaled = batch.embeddingScale?.[r]?.filter((s) => s === 0).length ?? 0;
          return Float32Array.from([ids.reduce((a, b) => a + b, 0) / 10, masked + 2 * scaled]);
        }),
        outputs: {},
      };
    },
  };
  return { onnx: onnx as unknown as OnnxClassifier, seen };
}

const plain = (ids: number[]): ModelInput => ({ ids, attentionMask: ids.map(() => 1) });

describe('InputMemo', () => {
  it('runs each distinct input once and answers every request in order', async () => {
    const { onnx, seen } = countingModel();
    const memo = new InputMemo(onnx);
    const a = plain([1, 2, 3]);
    const b = plain([1, 3]);
    const first = await memo.probabilities([a, b, a]);
    assert.equal(seen.length, 2);
    assert.deepEqual(first[0], first[2]);
    assert.notDeepEqual(first[0], first[1]);
    const second = await memo.probabilities([b, plain([2, 3]), a]);
    assert.equal(seen.length, 3, 'only [2, 3] is new');
    assert.deepEqual(second[0], first[1]);
    assert.deepEqual(second[2], first[0]);
    assert.equal(memo.ran, 3);
  });

  it('tells erasures apart by mask and embedding scale, but not an all-ones mask or scale from none', async () => {
    const { onnx, seen } = countingModel();
    const memo = new InputMemo(onnx);
    const ids = [5, 6, 7];
    const inputs: ModelInput[] = [
      plain(ids),
      { ids, attentionMask: [1, 0, 1] },
      { ids, attentionMask: [1, 1, 1], embeddingScale: [1, 0, 1] },
      { ids, attentionMask: [1, 1, 1], embeddingScale: [1, 1, 1] },
    ];
    const p = await memo.probabilities(inputs);
    assert.equal(seen.length, 3);
    assert.deepEqual(p[3], p[0]);
    assert.notDeepEqual(p[1], p[0]);
    assert.notDeepEqual(p[2], p[1]);
    assert.notEqual(
      inputKey({ ids: [1, 11], attentionMask: [1, 1] }),
      inputKey({ ids: [11, 1], attentionMask: [1, 1] }),
    );
  });

  it('never reruns a remembered input', async () => {
    const { onnx, seen } = countingModel();
    const memo = new InputMemo(onnx);
    memo.remember(plain([4, 4]), [0.25, 0.75]);
    assert.deepEqual(await memo.probabilities([plain([4, 4])]), [[0.25, 0.75]]);
    assert.equal(seen.length, 0);
  });
});
