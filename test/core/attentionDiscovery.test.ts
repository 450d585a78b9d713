import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { explainText } from '../../src/core/explain/explainText';
import { readModel, serializeModel } from '../../src/core/model/onnxGraph';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { maxAbsDiff } from '../helpers/referenceFixtures';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-hf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The shipped transformer turned into what a Hugging Face export looks like: only `logits` is an output, the
 * softmax tensors have generated names, and config.json says nothing about attention. */
function huggingFaceStyleCopy(): string {
  const src = resolveModelDir('sst2-transformer');
  const dir = join(tmp, 'hf-style');
  mkdirSync(dir);
  const model = readModel(join(src, 'model.onnx'));
  const graph = model.graph!;
  const rename = new Map<string, string>();
  graph.node
    .filter((n) => n.opType === 'Softmax')
    .forEach((n, l) => rename.set(n.output[0], `/encoder/layer.${l}/attention/self/Softmax_output_0`));
  for (const n of graph.node) {
    n.input = n.input.map((x) => rename.get(x) ?? x);
    n.output = n.output.map((x) => rename.get(x) ?? x);
  }
  graph.output = graph.output.filter((o) => o.name === 'logits');
  writeFileSync(join(dir, 'model.onnx'), serializeModel(model));
  copyFileSync(join(src, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
  delete config.outputs;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('attention discovery in graphs without attention outputs', () => {
  it("exposes each layer's softmax-times-values tensor, first layer first, and explains (gradients included) as the original does", async () => {
    const hf = await TextClassifier.load(huggingFaceStyleCopy());
    const original = await TextClassifier.load(resolveModelDir('sst2-transformer'));
    try {
      assert.deepEqual(
        hf.onnx.attentionNames,
        [0, 1, 2, 3].map((l) => `/encoder/layer.${l}/attention/self/Softmax_output_0`),
      );
      const text = 'the acting is superb but the plot is a mess';
      // Gradient explainers too: the discovered softmax outputs are differentiated like declared attention outputs.
      const explainers = [
        'raw-attention',
        'rollout',
        'attention-x-gradient',
        'generic-attention',
        'transformer-attribution',
        'integrated-gradients',
        'conservative-lrp',
      ];
      const [a, b] = await Promise.all([hf, original].map((m) => explainText(m, text, { explainers, metrics: false })));
      for (const k of explainers.keys()) {
        assert.ok(a.explanations[k].weights, `${explainers[k]}: ${a.explanations[k].error}`);
        assert.ok(maxAbsDiff(a.explanations[k].weights, b.explanations[k].weights!) < 1e-6, a.explanations[k].id);
      }
    } finally {
      await hf.dispose();
      await original.dispose();
    }
  });

  it('explains why attention explainers cannot run when there is no attention at all', async () => {
    const dir = join(tmp, 'no-attention');
    mkdirSync(dir);
    const model = readModel(join(resolveModelDir('sst2-cnn-dot'), 'model.onnx'));
    model.graph!.output = model.graph!.output.filter((o) => o.name === 'logits');
    writeFileSync(join(dir, 'model.onnx'), serializeModel(model));
    copyFileSync(join(resolveModelDir('sst2-cnn-dot'), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const m = await TextClassifier.load(dir);
    try {
      const r = await explainText(m, 'a witty film', { explainers: ['raw-attention', 'occlusion'], metrics: false });
      assert.match(r.notes.join(' '), /Attention explainers cannot run: no attention probabilities were found/);
      assert.equal(r.explanations[0].weights, null);
      assert.ok(r.explanations[1].weights, 'explainers that need no attention keep working');
    } finally {
      await m.dispose();
    }
  });
});

describe('a model whose word embeddings cannot be found', () => {
  it('skips the zero-embedding operator with a note, and refuses it when asked for', async () => {
    const dir = join(tmp, 'no-embedding');
    mkdirSync(dir);
    const src = resolveModelDir('sst2-cnn-dot');
    const model = readModel(join(src, 'model.onnx'));
    const graph = model.graph!;
    // Route input_ids through an op that computes (Abs: not a reshape the lookup is followed through), so no Gather
    // reads the ids, and drop the tensor's name.
    for (const n of graph.node) {
      n.input = n.input.map((x) => (x === 'word_embeddings' ? 'emb' : x === 'input_ids' ? 'ids_copy' : x));
      n.output = n.output.map((x) => (x === 'word_embeddings' ? 'emb' : x));
    }
    graph.node.unshift({
      ...graph.node[0],
      opType: 'Abs',
      input: ['input_ids'],
      output: ['ids_copy'],
      attribute: [],
      name: 'copy_ids',
      domain: '',
    });
    writeFileSync(join(dir, 'model.onnx'), serializeModel(model));
    copyFileSync(join(src, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    copyFileSync(join(src, 'config.json'), join(dir, 'config.json'));
    const m = await TextClassifier.load(dir);
    try {
      assert.equal(m.onnx.supportsEmbeddingScale, false);
      const r = await explainText(m, 'a witty film', { explainers: ['raw-attention'], metrics: false });
      assert.deepEqual(
        r.impacts.map((i) => i.operator),
        ['delete', 'attention-mask'],
      );
      assert.match(r.notes.join(' '), /zero-embedding operator was skipped/);
      await assert.rejects(
        explainText(m, 'a witty film', { operator: 'zero-embedding' }),
        /needs a word-embedding tensor, and none was found/,
      );
    } finally {
      await m.dispose();
    }
  });
});
