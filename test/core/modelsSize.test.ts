import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SHIPPED_MODELS } from '../../src/core/model/shippedModels';
import { ROOT } from '../helpers/paths';

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

describe('models/', () => {
  it('holds every shipped model with its four files, 25 MB in all at most', () => {
    for (const { name } of SHIPPED_MODELS) {
      assert.deepEqual(readdirSync(join(ROOT, 'models', name)).sort(), [
        'MODEL_CARD.md',
        'config.json',
        'model.onnx',
        'tokenizer.json',
      ]);
    }
    assert.ok(bytesUnder(join(ROOT, 'models')) <= 25 * 1024 * 1024);
  });
});
