import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OutcomePool, WorkersLost } from '../../../src/core/datasetRun/outcomePool';
import { resolveExplainOptions } from '../../../src/core/explain/explainOptions';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { OUTCOME_WORKER } from '../../helpers/paths';

const settings = resolveExplainOptions({ explainers: ['raw-attention', 'occlusion'] });
const pools: OutcomePool[] = [];
after(() => pools.forEach((p) => p.close()));

describe('OutcomePool: worker processes for dataset runs', () => {
  it('answers every text; when a worker dies, the others take the rest', async () => {
    const pool = new OutcomePool(2, OUTCOME_WORKER, resolveModelDir('sst2-cnn-dot'), settings);
    pools.push(pool);
    const texts = ['a warm , funny film', 'dull and lifeless', 'the cast is terrific', 'a mess'];
    const first = await Promise.all(texts.map((t) => pool.explain(t)));
    assert.deepEqual(
      first.map((o) => o.text),
      texts,
    );
    assert.ok(
      first.every((o) => o.explainers.occlusion.verdicts.delete),
      'each outcome has its verdicts',
    );
    // Kill a worker while it holds texts: they are handed to the other one, and every text is still answered.
    const inFlight = texts.map((t) => pool.explain(t));
    process.kill(pool.pids[0]!, 'SIGKILL');
    const after = await Promise.all(inFlight);
    assert.deepEqual(
      after.map((o) => o.prediction),
      first.map((o) => o.prediction),
    );
    process.kill(pool.pids[1]!, 'SIGKILL');
    await assert.rejects(
      pool.explain(texts[0]),
      (e: Error) => e instanceof WorkersLost && /every worker process stopped/.test(e.message),
    );
  });

  it('fails with the reason when no worker can start', async () => {
    const pool = new OutcomePool(1, OUTCOME_WORKER, '/nonexistent/model', settings);
    pools.push(pool);
    await assert.rejects(pool.explain('anything'), /worker process exited with code 1.*nonexistent/s);
  });
});
