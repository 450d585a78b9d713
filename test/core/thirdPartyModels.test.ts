/**
 * Hugging Face ONNX exports made by others (test assets of public repositories; provenance and licence in each
 * folder's PROVENANCE.md under test/fixtures/third-party/). Their weights are random or untrained, so what is tested
 * is that they load and run as the user's would, and that each number is the head's own quantity.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { explainText } from '../../src/core/explain/explainText';
import { EXPLAINERS } from '../../src/core/explainers/registry';
import { FUSED_ATTENTION_PROBLEM } from '../../src/core/model/onnxClassifier';
import { readModel, usesFusedAttention } from '../../src/core/model/onnxGraph';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { FIXTURES } from '../helpers/paths';
import { writeToyModel } from '../helpers/toyModel';

const THIRD_PARTY = join(FIXTURES, 'third-party');
const TEXT = 'a gripping, funny and moving film';
const sigma = (z: number) => 1 / (1 + Math.exp(-z));

describe('Third-party Hugging Face exports', () => {
  it('a tiny XLM-R cross-encoder (one logit, no config.json, no token_type_ids) is a sigmoid head whose Δ are σ(z) differences', async () => {
    const model = await TextClassifier.load(join(THIRD_PARTY, 'opensearch-tiny-xlmr-ce'), { gradientCacheDir: null });
    try {
      assert.equal(model.head.kind, 'sigmoid');
      assert.equal(model.onnx.padId, 1, '<pad> of the byte-level BPE vocabulary, so RoBERTa position ids stay right');
      assert.equal(model.onnx.attentionNames.length, 2);
      const r = await explainText(model, TEXT, { explainers: EXPLAINERS.map((e) => e.id), metrics: false });
      assert.deepEqual(
        r.explanations.filter((e) => e.error).map((e) => `${e.id}: ${e.error}`),
        [],
      );
      const tokens = await model.tokenizer.encode(TEXT);
      const [clean] = (await model.onnx.run({ ids: [tokens.ids] })).logits;
      const p = r.prediction.index === 1 ? sigma(clean[0]) : sigma(-clean[0]);
      assert.ok(Math.abs(r.prediction.probability - p) < 1e-7);
      // Deleting the first word: the same σ of the model's own logit, not a softmax over one value (always 1).
      const unit = r.units[0];
      const erased = tokens.ids.filter((_, i) => !unit.tokens.includes(i));
      const [z] = (await model.onnx.run({ ids: [erased] })).logits;
      const expected = p - (r.prediction.index === 1 ? sigma(z[0]) : sigma(-z[0]));
      assert.ok(Math.abs(r.impacts.find((i) => i.operator === 'delete')!.deltas[0] - expected) < 1e-7);
    } finally {
      await model.dispose();
    }
  });

  it("optimum's tiny DistilBERT SST-2 export (opset 11) runs every explainer with its id2label names", async () => {
    const model = await TextClassifier.load(join(THIRD_PARTY, 'optimum-tiny-distilbert-sst2'), {
      gradientCacheDir: null,
    });
    try {
      assert.equal(model.head.kind, 'softmax');
      const r = await explainText(model, TEXT, { explainers: EXPLAINERS.map((e) => e.id), metrics: false });
      assert.deepEqual(r.model.labels, ['NEGATIVE', 'POSITIVE']);
      assert.deepEqual(
        r.explanations.filter((e) => e.error).map((e) => `${e.id}: ${e.error}`),
        [],
      );
      assert.equal(r.attention?.layers.length, 2);
    } finally {
      await model.dispose();
    }
  });

  it('a bare encoder (hidden states, no classification head) is refused saying so and what to export', async () => {
    await assert.rejects(
      TextClassifier.load(join(THIRD_PARTY, 'tribuo-tinybert'), { gradientCacheDir: null }),
      /has no output named logits \(its outputs: output_0, output_1\)\. Its outputs look like hidden states .*a bare encoder without a classification head.*--task text-classification/,
    );
  });

  it("a graph with onnxruntime's fused kernels runs what it can, and the notes name the kernels and the export to use instead", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-fused-'));
    try {
      writeToyModel(dir, 'logits', false, { fusedOp: true });
      const model = await TextClassifier.load(dir, { gradientCacheDir: null });
      try {
        const r = await explainText(model, 'good movie', {
          explainers: ['raw-attention', 'occlusion', 'input-x-gradient'],
          metrics: false,
        });
        assert.deepEqual(
          r.explanations.map((e) => [e.id, !e.error]),
          [
            ['raw-attention', true],
            ['occlusion', true],
            ['input-x-gradient', false],
          ],
        );
        assert.ok(
          r.notes.some((n) =>
            /optimised by onnxruntime \(fused kernels com\.microsoft\.FastGelu\).*without `--optimize`/.test(n),
          ),
          r.notes.join('\n'),
        );
      } finally {
        await model.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("onnxruntime's fused attention is recognised, and the advice names the optimisation that fuses it", () => {
    assert.equal(
      usesFusedAttention(readModel(join(THIRD_PARTY, 'ort-fused-attention-fragment', 'attention_opt.onnx')).graph!),
      true,
    );
    assert.equal(
      usesFusedAttention(readModel(join(THIRD_PARTY, 'opensearch-tiny-xlmr-ce', 'model.onnx')).graph!),
      false,
    );
    assert.match(FUSED_ATTENTION_PROBLEM, /without `--optimize` \(or with at most `--optimize O1`\)/);
  });
});
