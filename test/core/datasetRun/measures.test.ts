import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import type { SampleRecord } from '../../../src/core/datasetRun/datasetReport';
import {
  DEFAULT_MEASURES,
  MEASURE_IDS,
  measureOptions,
  notMeasuredNote,
  parseMeasures,
  type MeasureId,
} from '../../../src/core/datasetRun/measures';
import { markdownSummary } from '../../../src/core/datasetRun/reportFiles';
import { runDataset } from '../../../src/core/datasetRun/runDataset';
import { readLabelledCsv } from '../../../src/core/datasetFiles/labelledCsv';
import { PAPER_OPERATORS } from '../../../src/core/erasure/operators';
import { explainText } from '../../../src/core/explain/explainText';
import { InputMemo } from '../../../src/core/model/inputMemo';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { DATA } from '../../helpers/paths';

const EXPLAINERS = ['raw-attention', 'attention-x-gradient', 'occlusion', 'lime'];
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-measure-'));
const rows = readLabelledCsv(join(DATA, 'sst2', 'test.csv')).slice(0, 12);
const dataset = join(tmp, 'reviews.csv');
writeFileSync(dataset, stringify([['text', 'label'], ...rows.map((r) => [r.text, r.label])]));

let model: TextClassifier;
before(async () => (model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'))));
after(async () => {
  await model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function run(measure: MeasureId[] | undefined, cache: string) {
  const result = await runDataset(model, {
    path: dataset,
    columns: { text: 'text', label: 'label' },
    selection: { mode: 'all' },
    explain: { explainers: EXPLAINERS, samples: 40 },
    cacheDir: join(tmp, cache),
    ...(measure ? { measure } : {}),
  });
  const records: SampleRecord[] = [];
  for await (const r of result.records()) records.push(r);
  result.close();
  return { ...result, records };
}

describe('--measure: a dataset run computes only what it is asked for', () => {
  it('parses a list in the registry order, verdicts always; all; unknown and empty lists are errors that say what is known', () => {
    assert.deepEqual(parseMeasures('metrics, random-floor'), ['verdicts', 'metrics', 'random-floor']);
    assert.deepEqual(parseMeasures('random-floor,token-level,verdicts'), ['verdicts', 'token-level', 'random-floor']);
    assert.deepEqual(parseMeasures('all'), [...MEASURE_IDS]);
    assert.throws(() => parseMeasures('verdicts,tokens'), /unknown tokens; known: all, verdicts, token-level/);
    assert.throws(() => parseMeasures(' , '), /--measure needs a list/);
    assert.throws(() => parseMeasures('all,tokens'), /unknown tokens/, 'all does not hide a typo');
    assert.deepEqual(DEFAULT_MEASURES, ['verdicts', 'random-floor']);
    assert.deepEqual(measureOptions(['verdicts']), { metrics: false, impactRows: false, randomFloor: [] });
  });

  it('verdicts only: the same verdicts as a full run, from each top unit’s erasures alone, in one batch', async () => {
    for (const r of rows.slice(0, 4)) {
      const fullMemo = new InputMemo(model.onnx, (l) => model.scores(l));
      const full = await explainText(
        model,
        r.text,
        { explainers: ['raw-attention'], metrics: false },
        { memo: fullMemo },
      );
      const memo = new InputMemo(model.onnx, (l) => model.scores(l));
      const lean = await explainText(
        model,
        r.text,
        { explainers: ['raw-attention'], metrics: false, impactRows: false },
        { memo },
      );
      assert.deepEqual(lean.impacts, [], 'no leave-one-out row');
      const [a, b] = [full.explanations[0], lean.explanations[0]];
      assert.deepEqual(
        b.verdicts.map((v) => [v.operator, v.unit, v.violates]),
        a.verdicts.map((v) => [v.operator, v.unit, v.violates]),
      );
      b.verdicts.forEach((v, i) => assert.ok(Math.abs(v.delta - a.verdicts[i].delta) < 1e-6, r.text));
      assert.ok(b.verdicts.every((v) => v.tokenLevelRate === null));
      // One erasure per paper operator of the one top unit, against 3 × units for the rows.
      assert.equal(memo.ran, PAPER_OPERATORS.length);
      assert.ok(fullMemo.ran >= 2 * full.units.length, `${fullMemo.ran} runs for ${full.units.length} units`);
    }
  });

  it('verdicts only: every explainer’s and every Random seed’s top-unit erasures go to the model in one call', async () => {
    const onnx = model.onnx as unknown as { run: (...a: unknown[]) => Promise<unknown> };
    const run = onnx.run;
    let calls = 0;
    onnx.run = (...a: unknown[]) => (calls++, run.apply(model.onnx, a));
    try {
      const text = rows[0].text;
      await explainText(model, text, {
        explainers: ['raw-attention', 'attention-x-gradient', 'random'],
        metrics: false,
        impactRows: false,
        randomFloor: [0, 1, 2],
      });
      // The clean run (with attention), then one batch; the floor and each verdict find their erasures run.
      assert.equal(calls, 2);
    } finally {
      onnx.run = run;
    }
  });

  it('the Random floor from top units equals the floor from full rows, seed by seed and sample by sample', async () => {
    const floorOnly = await run(['verdicts', 'random-floor'], 'floor');
    const all = await run([...MEASURE_IDS], 'all');
    assert.deepEqual(
      floorOnly.records.map((r) => r.random),
      all.records.map((r) => r.random),
    );
    assert.deepEqual(floorOnly.report.random, all.report.random);
    assert.equal(floorOnly.report.random.perSeed.length, 3);
    for (const e of all.report.explainers) {
      const lean = floorOnly.report.explainers.find((x) => x.id === e.id)!;
      assert.deepEqual(lean.violation, e.violation, e.id);
      assert.deepEqual(lean.violationMean, e.violationMean, e.id);
    }
  });

  it('what a run did not compute is absent from the report and said, never zeros', async () => {
    const lean = await run(['verdicts'], 'lean');
    const all = await run([...MEASURE_IDS], 'all');
    assert.deepEqual(lean.report.settings.measure, ['verdicts']);
    assert.deepEqual(lean.report.settings.randomSeeds, []);
    assert.deepEqual(all.report.settings.measure, [...MEASURE_IDS]);
    assert.deepEqual(lean.report.metrics, []);
    assert.ok(all.report.metrics.length >= 5);
    assert.deepEqual(lean.report.random, { perSeed: [], mean: null, spread: null });
    for (const e of lean.report.explainers) {
      assert.equal(e.polarity, undefined, e.id);
      assert.equal(e.tokenLevelRate.mean, null, e.id);
      assert.deepEqual(e.metrics, {}, e.id);
      const full = all.report.explainers.find((x) => x.id === e.id)!;
      assert.ok(full.polarity && full.polarity.reduce((a, b) => a + b, 0) > 0, e.id);
      assert.notEqual(full.tokenLevelRate.mean, null, e.id);
      assert.deepEqual(e.violation, full.violation, e.id);
    }
    assert.ok(
      lean.records.every((r) => r.random.length === 0 && Object.values(r.explainers).every((e) => !e.polarity)),
    );

    const md = markdownSummary(lean.report);
    assert.match(
      md,
      /Not computed in this run \(it measured verdicts\): token-level rates and polarity counts; faithfulness metrics; the Random floor\. A run with --measure all/,
    );
    assert.doesNotMatch(md, /token-level rate \(delete\)|Random floor \(|Other metrics/);
    assert.match(md, /Time per explainer/);
    const fullMd = markdownSummary(all.report);
    assert.equal(notMeasuredNote(all.report.settings), null);
    assert.match(fullMd, /token-level rate \(delete\)/);
    assert.match(fullMd, /\| Random floor \(3 seeds\) \|/);
    assert.doesNotMatch(fullMd, /Not computed/);
    // A report written before runs could choose measured everything.
    const { measure: _m, ...older } = all.report.settings;
    assert.equal(notMeasuredNote(older as { measure?: MeasureId[] }), null);
  });

  it('another choice of measures is another cache: nothing measured for less is read back as more', async () => {
    const first = await run(['verdicts'], 'shared');
    assert.equal(first.report.resumed, 0);
    const again = await run(['verdicts'], 'shared');
    assert.equal(again.report.resumed, rows.length);
    const more = await run(['verdicts', 'metrics'], 'shared');
    assert.equal(more.report.resumed, 0);
    assert.ok(more.report.explainers.every((e) => Object.keys(e.metrics).length > 0));
  });

  it('a run without --measure measures the default', async () => {
    const plain = await run(undefined, 'default');
    assert.deepEqual(plain.report.settings.measure, [...DEFAULT_MEASURES]);
  });
});
