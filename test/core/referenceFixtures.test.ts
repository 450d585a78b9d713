import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveModelDir, SHIPPED_MODELS } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { decodeTensor, maxAbsDiff, readReferenceFixture } from '../helpers/referenceFixtures';

describe('reference fixtures agree with onnxruntime-node', () => {
  for (const { name } of SHIPPED_MODELS) {
    it(`${name}: logits and attention tensors of every fixture sample match to 1e-4`, async () => {
      const fixture = readReferenceFixture(name);
      assert.ok(fixture.samples.length >= (name.startsWith('trec') ? 10 : 20));
      const model = await TextClassifier.load(resolveModelDir(name));
      try {
        // Tokenizing the stored text must give the stored ids: the fixture and the engine see the same input.
        const encoded = await model.tokenizer.encodeBatch(fixture.samples.map((s) => s.text));
        encoded.forEach((e, i) => assert.deepEqual(e.ids, fixture.samples[i].input_ids, fixture.samples[i].text));
        // One padded batch for all samples: padding must not change any sample's logits either.
        const { logits, outputs } = await model.onnx.run(
          { ids: fixture.samples.map((s) => s.input_ids) },
          fixture.attention_outputs,
        );
        fixture.samples.forEach((s, i) => {
          assert.ok(
            maxAbsDiff(logits[i], s.logits) <= 1e-4,
            `${s.text}: logits differ by ${maxAbsDiff(logits[i], s.logits)}`,
          );
        });
        // Attentions, checked on single (unpadded) runs so shapes line up with the fixture's.
        for (const s of fixture.samples.slice(0, 5)) {
          const single = await model.onnx.run({ ids: [s.input_ids] }, fixture.attention_outputs);
          for (const out of fixture.attention_outputs) {
            const got = single.outputs[out];
            assert.deepEqual([...got.dims].slice(1), s.attentions[out].shape);
            const diff = maxAbsDiff(got.data as Float32Array, decodeTensor(s.attentions[out]));
            assert.ok(diff <= 1e-4, `${out} differs by ${diff}`);
          }
        }
        assert.ok(outputs[fixture.attention_outputs[0]], 'the batch run returned the attention output');
      } finally {
        await model.dispose();
      }
    });
  }
});
