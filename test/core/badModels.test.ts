import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModel, usesFusedAttention } from '../../src/core/model/onnxGraph';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { writeToyModel } from '../helpers/toyModel';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-bad-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('models that cannot work are refused with a reason', () => {
  it('a tokenizer with more tokens than the model has embeddings', async () => {
    const dir = join(tmp, 'mismatch');
    mkdirSync(dir);
    copyFileSync(join(resolveModelDir('trec-transformer'), 'model.onnx'), join(dir, 'model.onnx'));
    copyFileSync(join(resolveModelDir('trec-transformer'), 'config.json'), join(dir, 'config.json'));
    copyFileSync(join(resolveModelDir('sst2-transformer'), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    await assert.rejects(
      TextClassifier.load(dir),
      /tokenizer\.json has 7211 tokens but the model's word-embedding table has 3244 rows: the tokenizer and the model do not belong together/,
    );
  });

  it("an id2label whose class count is not the logits' width, in config.json or polarity-lens.json; a manifest can put it right", async () => {
    const dir = join(tmp, 'labels');
    mkdirSync(dir);
    const shipped = resolveModelDir('sst2-transformer');
    for (const f of ['model.onnx', 'tokenizer.json']) copyFileSync(join(shipped, f), join(dir, f));
    const config = JSON.parse(readFileSync(join(shipped, 'config.json'), 'utf8'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ ...config, id2label: { 0: 'NEGATIVE', 1: 'NEUTRAL', 2: 'POSITIVE' } }),
    );
    const configError = await TextClassifier.load(dir).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.equal(
      configError,
      `${join(dir, 'config.json')}: id2label names 3 classes (NEGATIVE, NEUTRAL, POSITIVE) but the model's logits have 2. ` +
        `Give config.json's id2label one name per logit, or override it with an id2label in ${join(dir, 'polarity-lens.json')}.`,
    );
    // The user's explicit choice in the manifest wins over config.json.
    writeFileSync(join(dir, 'polarity-lens.json'), JSON.stringify({ id2label: { 0: 'bad', 1: 'good' } }));
    const model = await TextClassifier.load(dir);
    try {
      assert.deepEqual([model.labelOf(0), model.labelOf(1)], ['bad', 'good']);
      const [p] = await model.predict(['a wonderful , moving film']);
      assert.equal(model.labelOf(p.predicted), 'good');
    } finally {
      await model.dispose();
    }
    writeFileSync(join(dir, 'polarity-lens.json'), JSON.stringify({ id2label: { 0: 'only one' } }));
    await assert.rejects(
      TextClassifier.load(dir),
      new RegExp(
        `^Error: ${join(dir, 'polarity-lens.json').replace(/[.]/g, '\\.')}: id2label names 1 class \\(only one\\) but the model's logits have 2\\. Give polarity-lens\\.json's id2label one name per logit\\.$`,
      ),
    );
  });

  it('a model without a logits output', async () => {
    const dir = join(tmp, 'no-logits');
    mkdirSync(dir);
    writeToyModel(dir, 'class_scores');
    await assert.rejects(
      TextClassifier.load(dir),
      /has no output named logits \(its outputs: class_scores, attention\)/,
    );
  });
});

describe('Hugging Face-style inputs and graphs', () => {
  it('feeds token_type_ids as zeros to a model that takes them', async () => {
    const dir = join(tmp, 'token-types');
    mkdirSync(dir);
    writeToyModel(dir, 'logits', true);
    const m = await TextClassifier.load(dir);
    try {
      assert.ok(m.onnx.inputNames.includes('token_type_ids'));
      const [p] = await m.predict(['good good bad movie']);
      // Type 0 adds nothing; type 1 would add (5, -5) per word and flip the prediction.
      assert.equal(p.predicted, 1);
      assert.ok(Math.abs(p.logits[1] - p.logits[0] - 2.6) < 1e-5);
    } finally {
      await m.dispose();
    }
  });

  it('recognises fused com.microsoft attention kernels, whose probabilities cannot be read', () => {
    const model = readModel(join(resolveModelDir('sst2-transformer'), 'model.onnx'));
    assert.equal(usesFusedAttention(model.graph!), false);
    model.graph!.node[10].domain = 'com.microsoft';
    model.graph!.node[10].opType = 'Attention';
    assert.equal(usesFusedAttention(model.graph!), true);
  });
});
