import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { erasureOperator } from '../../src/core/erasure/operators';
import { addEmbeddingScaleInput, readModel, wordEmbeddingTensor } from '../../src/core/model/onnxGraph';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { maxAbsDiff } from '../helpers/referenceFixtures';

const TEXT = 'a gorgeous , witty , seductive movie .';

async function withModel<T>(name: string, body: (m: TextClassifier, ids: number[]) => Promise<T>): Promise<T> {
  const model = await TextClassifier.load(resolveModelDir(name));
  try {
    return await body(model, (await model.tokenizer.encode(TEXT)).ids);
  } finally {
    await model.dispose();
  }
}

describe('graph surgery: the embedding scale input', () => {
  it('finds the word-embedding Gather of a graph that does not name it (a Hugging Face-style export)', () => {
    const model = readModel(join(resolveModelDir('sst2-transformer'), 'model.onnx'));
    const graph = model.graph!;
    const gather = graph.node.find((n) => n.output.includes('word_embeddings'))!;
    for (const n of graph.node) {
      n.input = n.input.map((x) => (x === 'word_embeddings' ? '/embeddings/word_embeddings/Gather_output_0' : x));
      n.output = n.output.map((x) => (x === 'word_embeddings' ? '/embeddings/word_embeddings/Gather_output_0' : x));
    }
    assert.equal(gather.opType, 'Gather');
    assert.equal(wordEmbeddingTensor(graph), '/embeddings/word_embeddings/Gather_output_0');
    assert.equal(addEmbeddingScaleInput(model), true);
    assert.ok(graph.input.some((i) => i.name === 'embedding_scale'));
  });

  it('leaves a graph without a word-embedding lookup untouched and says so', () => {
    const model = readModel(join(resolveModelDir('sst2-cnn-dot'), 'model.onnx'));
    const graph = model.graph!;
    const gather = graph.node.find((n) => n.output.includes('word_embeddings'))!;
    gather.input[1] = 'not_input_ids';
    gather.output[0] = 'something_else';
    const before = graph.node.length;
    assert.equal(addEmbeddingScaleInput(model), false);
    assert.equal(graph.node.length, before);
  });

  for (const name of ['sst2-cnn-dot', 'sst2-transformer'] as const) {
    it(`${name}: zero-embedding at a position equals feeding the all-zero [PAD] embedding there`, async () => {
      await withModel(name, async (model, ids) => {
        assert.equal(model.onnx.supportsEmbeddingScale, true);
        const position = ids.length - 3;
        const zeroed = erasureOperator('zero-embedding').erase(
          { ids, attentionMask: ids.map(() => 1) },
          [position],
          {},
        );
        const padded = [...ids];
        padded[position] = 0;
        const out = await model.onnx.run({
          ids: [ids, zeroed.ids, padded],
          embeddingScale: [undefined, zeroed.embeddingScale],
        });
        assert.ok(
          maxAbsDiff(out.logits[1], out.logits[2]) <= 1e-5,
          `differ by ${maxAbsDiff(out.logits[1], out.logits[2])}`,
        );
        assert.ok(maxAbsDiff(out.logits[0], out.logits[1]) > 1e-4, 'erasing a word changes the logits');
      });
    });
  }

  it('sst2-bilstm-tanh: a scale of one changes nothing, and zero-embedding differs from [PAD] (the LSTM skips [PAD] ids)', async () => {
    await withModel('sst2-bilstm-tanh', async (model, ids) => {
      const ones = ids.map(() => 1);
      const zeroed = erasureOperator('zero-embedding').erase({ ids, attentionMask: ones }, [1], {});
      const padded = [...ids];
      padded[1] = 0;
      const out = await model.onnx.run({
        ids: [ids, ids, zeroed.ids, padded],
        embeddingScale: [undefined, ones, zeroed.embeddingScale],
      });
      assert.deepEqual(Array.from(out.logits[0]), Array.from(out.logits[1]));
      assert.ok(maxAbsDiff(out.logits[0], out.logits[2]) > 1e-4);
      assert.ok(maxAbsDiff(out.logits[2], out.logits[3]) > 1e-6);
    });
  });
});
