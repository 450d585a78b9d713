import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { measureAccuracy } from '../../src/core/eval/accuracy';
import { resolveModelDir } from '../../src/core/model/shippedModels';

let model: TextClassifier;
before(async () => (model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'))));
after(async () => model.dispose());

it('accuracy maps gold labels as dataset runs do (names in any case, ids, "1.0"), and refuses a label that names no class', async () => {
  const texts = ['a wonderful , moving film', 'a dull , lifeless mess'];
  const predicted = (await model.predict(texts)).map((p) => p.predicted);
  const written = (i: number, style: number) => [model.labelOf(i).toUpperCase(), String(i), `${i}.0`][style];
  for (const style of [0, 1, 2]) {
    const result = await measureAccuracy(
      model,
      texts.map((text, k) => ({ text, label: written(predicted[k], style) })),
    );
    assert.deepEqual([result.examples, result.correct], [2, 2], `labels written as ${written(predicted[0], style)}`);
  }
  await assert.rejects(
    measureAccuracy(model, [{ text: texts[0], label: 'neutral' }]),
    /Label "neutral" is not one of the model's classes \(negative, positive\)/,
  );
});
