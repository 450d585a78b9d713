import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { declaredPooling, isCausal, pooledRows, resolvePooling } from '../../src/core/model/pooling';

describe('pooling: which attention row the classifier reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-pooling-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is read from the manifest, ModernBERT's classifier_pooling, a decoder model type, or sentence-transformers' pooling config", () => {
    assert.equal(declaredPooling(dir, { pooling: 'mean' })?.kind, 'mean');
    assert.deepEqual(declaredPooling(dir, { pooling: 3 }), {
      kind: 'index',
      index: 3,
      from: "pooling in the model's config",
    });
    assert.equal(declaredPooling(dir, { model_type: 'modernbert', classifier_pooling: 'mean' })?.kind, 'mean');
    assert.equal(declaredPooling(dir, { model_type: 'modernbert', classifier_pooling: 'cls' })?.kind, 'first');
    assert.equal(declaredPooling(dir, { model_type: 'qwen2' })?.kind, 'last');
    assert.equal(declaredPooling(dir, { architectures: ['LlamaForSequenceClassification'] })?.kind, 'last');
    assert.equal(declaredPooling(dir, { model_type: 'bert' }), undefined, 'an encoder leaves it to the attention');
    assert.throws(
      () => declaredPooling(dir, { pooling: 'max' }),
      /pooling must be "first", "last", "mean" or a token index \(found "max"\)/,
    );
    mkdirSync(join(dir, '1_Pooling'));
    writeFileSync(
      join(dir, '1_Pooling', 'config.json'),
      JSON.stringify({ pooling_mode_cls_token: false, pooling_mode_mean_tokens: true }),
    );
    assert.equal(declaredPooling(dir, { model_type: 'mpnet' })?.kind, 'mean');
  });

  it('a model whose every attention map is causal pools its last token; others the first', () => {
    const causal = { dims: [1, 1, 3, 3], data: [1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5] };
    const full = { dims: [1, 1, 3, 3], data: [0.2, 0.3, 0.5, 0.5, 0.5, 0, 0.2, 0.3, 0.5] };
    assert.equal(isCausal(causal.dims, causal.data), true);
    assert.equal(isCausal(full.dims, full.data), false);
    assert.equal(resolvePooling(undefined, [causal, causal]).kind, 'last');
    assert.equal(resolvePooling(undefined, [causal, full]).kind, 'first');
    assert.equal(resolvePooling({ kind: 'mean', from: 'x' }, [causal]).kind, 'mean', 'a declared pooling wins');
    assert.deepEqual(pooledRows({ kind: 'last', from: '' }, 3).weights, [0, 0, 1]);
    assert.deepEqual(pooledRows({ kind: 'mean', from: '' }, 4).weights, [0.25, 0.25, 0.25, 0.25]);
    assert.throws(() => pooledRows({ kind: 'index', index: 5, from: '' }, 3), /pooled token 5 is outside the 3 tokens/);
  });
});
