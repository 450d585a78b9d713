import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelFolder } from '../../src/core/model/modelFolder';
import { resolveModelDir, SHIPPED_MODELS } from '../../src/core/model/shippedModels';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-folder-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
  return dir;
}

describe('readModelFolder', () => {
  for (const { name } of SHIPPED_MODELS) {
    it(`${name}: has labels, a maximum length, and attention outputs named in its config`, () => {
      const f = readModelFolder(resolveModelDir(name));
      assert.ok(f.labels && f.labels.length >= 2);
      assert.ok(f.maxLength === 64 || f.maxLength === 128);
      const outputs = f.config.outputs as { attentions: string[] };
      assert.ok(outputs.attentions.length >= 1);
      assert.equal(f.config.word_embeddings_tensor, 'word_embeddings');
    });
  }

  it('names the missing file', () => {
    const dir = folder('no-tokenizer', { 'model.onnx': 'x' });
    assert.throws(() => readModelFolder(dir), /has no tokenizer\.json \(the Hugging Face tokenizer\)/);
  });

  it('rejects a config.json that is not JSON', () => {
    const dir = folder('bad-config', { 'model.onnx': 'x', 'config.json': '{ id2label: ' });
    copyFileSync(join(resolveModelDir('sst2-cnn-dot'), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    assert.throws(() => readModelFolder(dir), /config\.json is not valid JSON/);
  });

  it('works without a config.json, with default labels and maximum length', () => {
    const dir = folder('bare', { 'model.onnx': 'x', 'tokenizer.json': '{}' });
    const f = readModelFolder(dir);
    assert.equal(f.labels, undefined);
    assert.equal(f.maxLength, 512);
    assert.equal(f.name, 'bare');
  });
});

describe('the project manifest (polarity-lens.json)', () => {
  it('overrides config.json: labels, maximum length and mask token', () => {
    const dir = folder('manifest', {
      'model.onnx': 'x',
      'tokenizer.json': '{}',
      'config.json': JSON.stringify({ id2label: { 0: 'LABEL_0', 1: 'LABEL_1' }, max_length: 512 }),
      'polarity-lens.json': JSON.stringify({
        id2label: { 0: 'negative', 1: 'positive' },
        max_length: 128,
        mask_token: '[UNK]',
      }),
    });
    const f = readModelFolder(dir);
    assert.deepEqual(f.labels, ['negative', 'positive']);
    assert.equal(f.maxLength, 128);
    assert.equal(f.config.mask_token, '[UNK]');
  });

  it('names unknown keys instead of ignoring a typo', () => {
    const dir = folder('manifest-typo', {
      'model.onnx': 'x',
      'tokenizer.json': '{}',
      'polarity-lens.json': '{"max_lenght": 64}',
    });
    assert.throws(
      () => readModelFolder(dir),
      /polarity-lens\.json: unknown keys max_lenght \(allowed: name, id2label, max_length/,
    );
  });
});
