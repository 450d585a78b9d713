import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetBuiltGradientGraphs, GradientSession } from '../../../src/core/gradients/gradientSession';
import { resolveModelDir, SHIPPED_MODELS } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { decodeTensor, readReferenceFixture } from '../../helpers/referenceFixtures';

/** max |a − b| / max |b|: the error relative to the size of the reference gradient. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length);
  let diff = 0;
  let size = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    size = Math.max(size, Math.abs(want[i]));
  }
  return diff / size;
}

const cacheDir = mkdtempSync(join(tmpdir(), 'polarity-gradient-cache-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('gradient engine against PyTorch autograd (float64 reference fixtures)', () => {
  for (const { name } of SHIPPED_MODELS) {
    it(`${name}: ∂p(ŷ)/∂e and ∂p(ŷ)/∂α of every fixture sample within 1e-4 relative, batched or not`, async () => {
      const fixture = readReferenceFixture(name);
      const model = await TextClassifier.load(resolveModelDir(name));
      const session = await GradientSession.load(model.folder.modelPath, {
        padId: model.onnx.padId,
        logitsName: model.onnx.logitsName,
        attentionNames: model.onnx.attentionNames,
        variant: 'gradient',
        cacheDir,
      });
      try {
        assert.deepEqual(session.manifest.problems, []);
        const samples = fixture.samples;
        // One padded batch of every sample: padding and batching must not change any row's gradient.
        const rows = await session.run({
          ids: samples.map((s) => s.input_ids),
          target: samples.map((s) => s.predicted),
          objective: 'probability',
        });
        for (const [i, s] of samples.entries()) {
          const row = rows[i];
          assert.ok(
            Math.abs(row.objective - s.probabilities[s.predicted]) < 1e-5,
            `${s.text}: objective ${row.objective}`,
          );
          const e = relativeError(row.embeddingGradient!, decodeTensor(s.grad_word_embeddings));
          assert.ok(e <= 1e-4, `${s.text}: ∂p/∂e off by ${e.toExponential(2)}`);
          fixture.attention_outputs.forEach((out, k) => {
            const grad = row.attentionGradients[k]!;
            assert.deepEqual(grad.dims.slice(1), s.grad_attentions[out].shape);
            const a = relativeError(grad.data, decodeTensor(s.grad_attentions[out]));
            assert.ok(a <= 1e-4, `${s.text}: ∂p/∂${out} off by ${a.toExponential(2)}`);
          });
          assert.ok(
            relativeError(row.embeddings!, decodeTensor(s.word_embeddings)) <= 1e-6,
            'the embeddings read back are the ones fed',
          );
        }
        // The same graph differentiates the logit z_ŷ when asked: its value is z_ŷ and its gradient is another one.
        const [logit] = await session.run({
          ids: [samples[0].input_ids],
          target: [samples[0].predicted],
          objective: 'logit',
        });
        assert.ok(
          Math.abs(logit.objective - samples[0].logits[samples[0].predicted]) < 1e-4,
          'the logit objective is z_ŷ',
        );
        assert.ok(relativeError(logit.embeddingGradient!, rows[0].embeddingGradient!) > 1e-3);
      } finally {
        await session.dispose();
        await model.dispose();
      }
    });
  }

  it('caches built graphs on disk, keyed by the model file, and reuses them', async () => {
    const files = readdirSync(join(cacheDir, 'gradient-graphs'));
    assert.equal(files.filter((f) => f.endsWith('.onnx')).length, SHIPPED_MODELS.length);
    assert.equal(files.filter((f) => f.endsWith('.json')).length, SHIPPED_MODELS.length);
    forgetBuiltGradientGraphs();
    const model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
    const session = await GradientSession.load(model.folder.modelPath, {
      padId: model.onnx.padId,
      logitsName: model.onnx.logitsName,
      attentionNames: model.onnx.attentionNames,
      variant: 'gradient',
      cacheDir,
    });
    assert.equal(session.fromDiskCache, true);
    await session.dispose();
    await model.dispose();
    assert.equal(
      readdirSync(join(cacheDir, 'gradient-graphs')).length,
      files.length,
      'no new entry for a cached model',
    );
  });

  it('rebuilds over a damaged cache entry instead of failing', async () => {
    const dir = join(cacheDir, 'gradient-graphs');
    const model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
    const options = {
      padId: model.onnx.padId,
      logitsName: model.onnx.logitsName,
      attentionNames: model.onnx.attentionNames,
      variant: 'gradient' as const,
      cacheDir,
    };
    try {
      const first = await GradientSession.load(model.folder.modelPath, options);
      await first.dispose();
      const entries = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
      for (const f of entries) writeFileSync(join(dir, f), 'not an onnx model');
      forgetBuiltGradientGraphs();
      const session = await GradientSession.load(model.folder.modelPath, options);
      assert.equal(session.fromDiskCache, false, 'the damaged entry was rebuilt');
      const [row] = await session.run({ ids: [[66, 3440, 7]], target: [0], objective: 'probability' });
      assert.ok(row.embeddingGradient!.some((g) => g !== 0));
      await session.dispose();
    } finally {
      await model.dispose();
    }
  });
});
