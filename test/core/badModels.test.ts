import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModel, usesFusedAttention } from '../../src/core/model/onnxGraph';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/model/textClassifier';
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
    await assert.rejects(TextClassifier.load(dir),
      /tokenizer\.json has 7211 tokens but the model's word-embedding table has 3244 rows: the tokenizer and the model do not belong together/);
  });

  it('a model without a logits output', async () => {
    const dir = join(tmp, 'no-logits');
    mkdirSync(dir);
    writeToyModel(dir, 'class_scores');
    await assert.rejects(TextClassifier.load(dir), /has no output named logits \(its outputs: class_scores, attention\)/);
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
