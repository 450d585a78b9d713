import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OutcomePool } from '../../../src/core/dataset/outcomePool';
import { resolveExplainOptions } from '../../../src/core/explain/explainText';
import { resolveModelDir } from '../../../src/core/model/shippedModels';

const settings = resolveExplainOptions({ explainers: ['raw-attention', 'occlusion'] });
const pools: OutcomePool[] = [];
after(() => pools.forEach((p) => p.close()));

describe('OutcomePool: worker processes for dataset runs', () => {
  it('answers every text; when a worker dies, the others take the rest', async () => {
    const pool = new OutcomePool(2, resolveModelDir('sst2-cnn-dot'), settings);
    pools.push(pool);
    const texts = ['a warm , funny film', 'dull and lifeless', 'the cast is terrific', 'a mess'];
    const first = await Promise.all(texts.map((t) => pool.explain(t)));
    assert.deepEqual(first.map((o) => o.text), texts);
    assert.ok(first.every((o) => o.explainers.occlusion.verdicts.delete), 'each outcome has its verdicts');
    process.kill(pool.pids[0]!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const after = await Promise.all(texts.map((t) => pool.explain(t)));
    assert.deepEqual(after.map((o) => o.prediction), first.map((o) => o.prediction));
  });

  it('fails with the reason when no worker can start', async () => {
    const pool = new OutcomePool(1, '/nonexistent/model', settings);
    pools.push(pool);
    await assert.rejects(pool.explain('anything'), /worker process exited with code 1.*nonexistent/s);
  });
});
