import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { explainText } from '../../src/core/explain/explainText';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { InferenceCancelled, InferenceClient } from '../../src/extension/inference/inferenceClient';
import { ROOT } from '../helpers/paths';

const WORKER = join(ROOT, 'dist', 'inferenceWorker.js');
const CNN = resolveModelDir('sst2-cnn-dot');
const log: string[] = [];
const client = new InferenceClient(WORKER, { log: (line) => log.push(line) });
after(() => client.dispose());

describe('the inference process (owns onnxruntime, off the extension host)', () => {
  it('explains exactly as the engine does in process', async () => {
    const text = 'a gorgeous , witty film';
    const options = { explainers: ['raw-attention', 'attention-x-gradient'], metrics: false };
    const remote = await client.explain(CNN, text, options);
    const local = await TextClassifier.load(CNN);
    try {
      const here = await explainText(local, text, options);
      assert.equal(remote.prediction.label, here.prediction.label);
      assert.deepEqual(
        remote.explanations.map((e) => e.weights),
        here.explanations.map((e) => e.weights),
      );
    } finally {
      await local.dispose();
    }
    assert.ok(client.pid && client.pid !== process.pid, 'it ran in another process');
  });

  it('answers concurrent requests, each with its own result', async () => {
    const texts = ['a dull mess', 'a triumph', 'neither good nor bad'];
    const results = await Promise.all(
      texts.map((t) => client.explain(CNN, t, { explainers: ['raw-attention'], metrics: false })),
    );
    assert.deepEqual(
      results.map((r) => r.text),
      texts,
    );
  });

  it('reports a bad model folder as an error and keeps serving', async () => {
    await assert.rejects(client.explain(join(ROOT, 'no-such-model'), 'x'), /no-such-model/);
    const r = await client.explain(CNN, 'still here', { explainers: ['raw-attention'], metrics: false });
    assert.equal(r.text, 'still here');
  });

  it('answers a dataset run it cannot start (bad model, unreadable file) with an error, and keeps serving', async () => {
    const run = {
      path: join(ROOT, 'no-such-dataset.csv'),
      columns: { text: 'text', label: null },
      selection: { mode: 'all' as const },
      explain: { explainers: ['raw-attention'] },
      cacheDir: join(ROOT, 'out', 'no-cache'),
    };
    await assert.rejects(client.runDataset(join(ROOT, 'no-such-model'), run), /no-such-model/);
    await assert.rejects(client.runDataset(CNN, run), /no-such-dataset\.csv/);
    const r = await client.explain(CNN, 'still here', { explainers: ['raw-attention'], metrics: false });
    assert.equal(r.text, 'still here');
  });

  it('cancels: the promise rejects at once and the process stays usable', async () => {
    const controller = new AbortController();
    const pending = client.explain(
      resolveModelDir('sst2-bilstm-tanh'),
      'a long and winding review that goes on and on about nothing at all',
      { samples: 2000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await assert.rejects(pending, InferenceCancelled);
    assert.ok(performance.now() - started < 5_000);
    const r = await client.explain(CNN, 'after the cancel', { explainers: ['raw-attention'], metrics: false });
    assert.equal(r.text, 'after the cancel');
  });

  it('survives the process dying: requests in flight fail with a clear message, the next one gets a new process', async () => {
    await client.explain(CNN, 'warm', { explainers: ['raw-attention'], metrics: false });
    const before = client.pid!;
    const pending = client.explain(
      resolveModelDir('sst2-bilstm-tanh'),
      'this request is in flight when the process dies',
      { samples: 2000 },
    );
    setTimeout(() => process.kill(before, 'SIGKILL'), 100);
    await assert.rejects(pending, /inference process was killed \(SIGKILL\); it will be restarted/);
    const r = await client.explain(CNN, 'back again', { explainers: ['raw-attention'], metrics: false });
    assert.equal(r.text, 'back again');
    assert.notEqual(client.pid, before);
    assert.ok(
      log.some((l) => /killed/.test(l)),
      log.join('\n'),
    );
  });
});
