import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { closeRun, datasetJob } from '../../src/extension/inference/datasetJobs';
import type { InferenceResponse, WireDatasetRun } from '../../src/extension/inference/protocol';
import { projectRoot, resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';

const DATA = process.env.POLARITY_LENS_DATA ?? join(projectRoot(), '..', 'shared', 'data');

describe('dataset job progress', () => {
  let model: TextClassifier;
  let dir: string;
  let run: WireDatasetRun;
  const ROWS = 300;
  before(async () => {
    model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
    dir = mkdtempSync(join(tmpdir(), 'polarity-lens-jobs-'));
    const rows = readLabelledCsv(join(DATA, 'sst2', 'test.csv')).slice(0, ROWS);
    writeFileSync(join(dir, 'rows.csv'), stringify([['text', 'label'], ...rows.map((r) => [r.text, r.label])]));
    run = {
      path: join(dir, 'rows.csv'),
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
      explain: { explainers: ['raw-attention'] },
      cacheDir: join(dir, 'cache'),
    };
  });
  after(async () => {
    await model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function progressOf(id: number): Promise<number[]> {
    const sent: InferenceResponse[] = [];
    await datasetJob(id, model, run, {}, new AbortController().signal, (m) => sent.push(m));
    closeRun(id);
    assert.equal(sent.at(-1)?.kind, 'dataset');
    return sent.flatMap((m) => (m.kind === 'progress' ? [m.progress.done] : []));
  }

  it('reports the first and the last sample, in order, and throttles a fast (resumed) run', async () => {
    const computed = await progressOf(1);
    assert.equal(computed[0], 1);
    assert.equal(computed.at(-1), ROWS);
    assert.ok(
      computed.every((d, i) => i === 0 || d > computed[i - 1]),
      'progress only moves forward',
    );
    const resumed = await progressOf(2); // every sample from the cache: thousands a second
    assert.equal(resumed[0], 1);
    assert.equal(resumed.at(-1), ROWS);
    assert.ok(resumed.length < ROWS / 10, `${resumed.length} progress messages for ${ROWS} resumed samples`);
  });

  it("a cancelled run's last progress is its final count, even when the throttle held it back", async () => {
    const sent: InferenceResponse[] = [];
    const controller = new AbortController();
    await datasetJob(3, model, { ...run, cacheDir: join(dir, 'cache-cancelled') }, {}, controller.signal, (m) => {
      sent.push(m);
      if (m.kind === 'progress' && m.progress.done >= 20) controller.abort();
    });
    closeRun(3);
    const report = sent.at(-1);
    assert.ok(report?.kind === 'dataset' && !report.view.complete, 'a partial report');
    const last = sent.filter((m) => m.kind === 'progress').at(-1);
    assert.ok(last?.kind === 'progress' && report.kind === 'dataset');
    assert.equal(last.progress.done, report.view.samples);
    assert.ok(report.view.samples < ROWS);
  });
});
