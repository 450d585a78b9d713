import { MEASURE_IDS, measureOptions } from '../../../src/core/datasetRun/measures';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { resolveExplainOptions } from '../../../src/core/explain/explainOptions';
import { outcomeSource } from '../../../src/core/datasetRun/outcomeSource';
import { runIdentity } from '../../../src/core/datasetRun/runIdentity';
import { runHead, RunTally } from '../../../src/core/datasetRun/runTally';
import { SampleCache } from '../../../src/core/datasetRun/sampleCache';
import { resolveModelDir } from '../../../src/core/model/shippedModels';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-stages-'));
let model: TextClassifier;
before(async () => (model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'))));
after(async () => {
  await model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});
const ALL = [...MEASURE_IDS];
const settings = (extra = {}) =>
  resolveExplainOptions({ explainers: ['raw-attention', 'occlusion'], ...measureOptions(ALL), ...extra });

describe('the dataset run, stage by stage', () => {
  it('runIdentity: an outcome setting changes the cache key, the explainer list does not (cache lines say which they hold)', async () => {
    const base = await runIdentity(model, settings(), ALL);
    assert.deepEqual(base.labels, ['negative', 'positive']);
    assert.equal(base.multiLabel, false);
    assert.match(base.modelHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(await runIdentity(model, settings({ explainers: ['lime'] }), ALL), base);
    for (const change of [{ igSteps: 7 }, { seed: 3 }, { operator: 'attention-mask' as const }, { attentionHead: 0 }]) {
      assert.notDeepEqual(
        (await runIdentity(model, settings(change), ALL)).cacheKey,
        base.cacheKey,
        JSON.stringify(change),
      );
    }
    // A run that measures less keeps other outcomes.
    assert.notDeepEqual((await runIdentity(model, settings(), ['verdicts'])).cacheKey, base.cacheKey);
  });

  it('outcomeSource: in this process one text at a time, an error comes back as a value; several workers need their entry', async () => {
    const source = outcomeSource(model, settings(), {});
    assert.equal(source.width, 1);
    const outcome = await source.explain('a moving film');
    assert.ok(!(outcome instanceof Error) && outcome.explainers.occlusion.verdicts.delete);
    assert.ok((await source.explain('   ')) instanceof Error);
    assert.throws(() => outcomeSource(model, settings(), { workers: 2 }), /needs workerScript/);
  });

  it('RunTally: folds rows into the cache and the report, counts resumed rows apart, and finds a row’s record', async () => {
    const s = settings();
    const identity = await runIdentity(model, s, ALL);
    const cache = await SampleCache.open(join(tmp, 'cache'), identity.modelHash, identity.cacheKey);
    try {
      const head = runHead(
        model,
        { path: 'x.csv', columns: { text: 'text', label: 'label' }, selection: { mode: 'all' } },
        'csv',
        s,
        identity,
      );
      const tally = new RunTally(head, cache, 3);
      const source = outcomeSource(model, s, {});
      const rows = [
        { row: 0, line: 2, text: 'a moving film', label: 'positive' },
        { row: 2, line: 4, text: 'dull and long', label: 'sad' },
      ];
      for (const row of rows) {
        tally.computing();
        const outcome = await source.explain(row.text);
        assert.ok(!(outcome instanceof Error));
        tally.add(row, outcome, false);
      }
      assert.ok(tally.cached('a moving film'), 'computed outcomes are cached');
      tally.add({ row: 3, line: 5, text: 'a moving film', label: 'positive' }, tally.cached('a moving film')!, true);
      const progress = tally.progress();
      assert.deepEqual([progress.done, progress.total, progress.resumed], [3, 3, 1]);
      const { report, sampleRows } = tally.snapshot(true);
      assert.deepEqual([report.samples, report.resumed, report.dataset.unmappedLabels], [3, 1, ['sad']]);
      assert.deepEqual(
        sampleRows.map((r) => r.row),
        [0, 2, 3],
      );
      assert.equal(tally.record(2)?.text, 'dull and long');
      assert.equal(tally.record(1), undefined, 'a row the run did not explain');
      const records = [];
      for await (const r of tally.records()) records.push(r.row);
      assert.deepEqual(records, [0, 2, 3]);
    } finally {
      cache.close();
    }
  });
});
