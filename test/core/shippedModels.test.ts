import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { measureAccuracy } from '../../src/core/eval/accuracy';
import { readCardAccuracies } from '../../src/core/model/modelCard';
import { resolveModelDir, SHIPPED_MODELS } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { DATA } from '../helpers/paths';

/** The accuracy floors each shipped model must meet on its test split (issue 2). */
const FLOORS: Record<string, number> = {
  'sst2-bilstm-tanh': 0.78,
  'sst2-cnn-dot': 0.77,
  'sst2-transformer': 0.75,
  'trec-transformer': 0.85,
};

describe('shipped models', () => {
  for (const { name, dataset } of SHIPPED_MODELS) {
    it(`${name}: test accuracy measured now matches its model card to ±0.5 points and meets the floor`, async () => {
      const dir = resolveModelDir(name);
      const card = readCardAccuracies(dir).find((r) => r.split === 'test');
      assert.ok(card, `${name}/MODEL_CARD.md has no test accuracy row`);
      assert.equal(card.file, `${dataset}/test.csv`);
      const rows = readLabelledCsv(join(DATA, dataset, 'test.csv'));
      const model = await TextClassifier.load(dir);
      try {
        const result = await measureAccuracy(model, rows);
        assert.equal(result.examples, card.examples);
        assert.ok(
          Math.abs(result.accuracy - card.accuracy) <= 0.005,
          `measured ${result.accuracy.toFixed(4)}, card says ${card.accuracy.toFixed(4)}`,
        );
        assert.ok(
          result.accuracy >= FLOORS[name],
          `accuracy ${result.accuracy.toFixed(4)} is below the floor ${FLOORS[name]}`,
        );
      } finally {
        await model.dispose();
      }
    });
  }
});
