import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import type { DatasetReport, SampleRecord } from '../../../src/core/datasetRun/datasetReport';
import { runDataset, type DatasetRunOptions } from '../../../src/core/datasetRun/runDataset';
import { RANDOM_SEEDS } from '../../../src/core/datasetRun/sampleOutcome';
import { readLabelledCsv } from '../../../src/core/datasetFiles/labelledCsv';
import { PAPER_OPERATORS } from '../../../src/core/erasure/operators';
import { explainText } from '../../../src/core/explain/explainText';
import { randomUnitWeights } from '../../../src/core/explainers/randomWeights';
import { violationVerdict } from '../../../src/core/faithfulness/violationTest';
import { resolveModelDir } from '../../../src/core/model/shippedModels';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { DATA, OUTCOME_WORKER } from '../../helpers/paths';

const EXPLAINERS = ['raw-attention', 'attention-x-gradient', 'occlusion'];
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-run-'));
const rows = readLabelledCsv(join(DATA, 'sst2', 'test.csv')).slice(0, 14);
const dataset = join(tmp, 'reviews.csv');
// Two bad rows among the good ones: an empty text (line 5) and a ragged row (line 9).
const lines = [stringify([['text', 'label']]), ...rows.map((r) => stringify([[r.text, r.label]]))];
lines.splice(4, 0, ',positive\n');
lines.splice(8, 0, 'one,two,three\n');
writeFileSync(dataset, lines.join(''));
const fileHash = () => createHash('sha256').update(readFileSync(dataset)).digest('hex');
const originalHash = fileHash();

let model: TextClassifier;
before(async () => (model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'))));
after(async () => {
  await model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const options = (cacheDir: string, extra: Partial<DatasetRunOptions> = {}): DatasetRunOptions => ({
  path: dataset,
  columns: { text: 'text', label: 'label' },
  selection: { mode: 'all' },
  explain: { explainers: EXPLAINERS },
  cacheDir,
  ...extra,
});
/** The report without what legitimately differs between two runs of the same work. */
const comparable = (r: Omit<DatasetReport, 'records'>) => {
  const { createdAt: _c, timing: _t, resumed: _r, complete: _d, explainers, ...rest } = r;
  return { ...rest, explainers: explainers.map(({ msPerSample: _m, ...e }) => e) };
};

describe('runDataset: the violation test over a file', () => {
  it('tallies exactly what the engine says per text, skips bad rows with their lines, and never touches the dataset', async () => {
    const cacheDir = join(tmp, 'cache-a');
    const run = await runDataset(model, options(cacheDir));
    const { report } = run;
    assert.equal(report.samples, rows.length);
    assert.equal(report.complete, true);
    assert.equal(report.dataset.rowsRead, rows.length + 2);
    assert.deepEqual(
      report.dataset.badRows.map((b) => b.line),
      [5, 9],
    );
    assert.match(report.dataset.badRows[0].reason, /empty text/);
    // An independent tally from explainText, row by row.
    const violations = new Map<string, number[]>();
    const random = RANDOM_SEEDS.map(() => PAPER_OPERATORS.map(() => 0));
    let correct = 0;
    for (const r of rows) {
      const result = await explainText(model, r.text, { explainers: EXPLAINERS });
      if (result.prediction.label === r.label) correct++;
      for (const e of result.explanations) {
        const counts = violations.get(e.id) ?? PAPER_OPERATORS.map(() => 0);
        PAPER_OPERATORS.forEach((op, j) => (counts[j] += e.verdicts.find((v) => v.operator === op)!.violates ? 1 : 0));
        violations.set(e.id, counts);
      }
      RANDOM_SEEDS.forEach((seed, s) =>
        PAPER_OPERATORS.forEach((op, j) => {
          const { weights } = randomUnitWeights(r.text, seed, result.units.length);
          const deltas = result.impacts.find((i) => i.operator === op)!.deltas;
          if (
            violationVerdict(
              weights,
              deltas,
              weights.map(() => true),
            ).violates
          )
            random[s][j]++;
        }),
      );
    }
    for (const e of report.explainers) {
      assert.deepEqual(
        PAPER_OPERATORS.map((op) => e.violation[op]!.k),
        violations.get(e.id),
        e.id,
      );
      assert.equal(e.runs, rows.length);
    }
    assert.deepEqual(
      report.random.perSeed.map((s) => PAPER_OPERATORS.map((op) => s.violation[op]! * rows.length)),
      random,
    );
    assert.equal(report.accuracy!.k, correct);
    assert.equal(run.sampleRows.length, rows.length);
    assert.deepEqual(
      run.sampleRows.map((s) => s.line),
      [2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17],
    );
    const records: SampleRecord[] = [];
    for await (const r of run.records()) records.push(r);
    assert.deepEqual(
      records.map((r) => r.text),
      rows.map((r) => r.text),
    );
    run.close();
    assert.equal(fileHash(), originalHash, 'the dataset file is unchanged');
    assert.deepEqual(readdirSync(tmp).sort(), ['cache-a', 'reviews.csv'], 'nothing was written next to the dataset');
  });

  it('cancel keeps the finished samples, and a second run resumes to exactly the uninterrupted report', async () => {
    const cacheDir = join(tmp, 'cache-b');
    const controller = new AbortController();
    const first = await runDataset(
      model,
      options(cacheDir, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 5) controller.abort();
        },
      }),
    );
    first.close();
    assert.equal(first.report.complete, false);
    assert.equal(first.report.samples, 5);
    let computedAgain = 0;
    const resumed = await runDataset(
      model,
      options(cacheDir, { onProgress: (p) => (computedAgain = p.done - p.resumed) }),
    );
    resumed.close();
    assert.equal(resumed.report.resumed, 5, 'the five finished samples come from the cache');
    assert.equal(computedAgain, rows.length - 5);
    const fresh = await runDataset(model, options(join(tmp, 'cache-c')));
    fresh.close();
    assert.deepEqual(comparable(resumed.report), comparable(fresh.report));
    assert.deepEqual(resumed.sampleRows, fresh.sampleRows);
  });

  it('explained in two worker processes, the report is the one a single process makes', async () => {
    // Workers run onnxruntime on one thread; so does the reference (other thread counts change float sums at 1e-8).
    const oneThread = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'), { threads: 1 });
    const single = await runDataset(oneThread, options(join(tmp, 'cache-w1')));
    single.close();
    await oneThread.dispose();
    const pooled = await runDataset(
      model,
      options(join(tmp, 'cache-w2'), { workers: 2, workerScript: OUTCOME_WORKER }),
    );
    pooled.close();
    assert.equal(pooled.report.samples, rows.length);
    // Every process hands its forward runs to the gradient session before its first sample (textOutcome), so each
    // sample is computed alike wherever it runs: the same report, to the last digit.
    assert.deepEqual(comparable(pooled.report), comparable(single.report));
    assert.deepEqual(pooled.sampleRows, single.sampleRows);
    assert.deepEqual(pooled.report.dataset.badRows, single.report.dataset.badRows);
  });

  it('a cut-off cache line is dropped and recomputed; other settings use another cache file', async () => {
    const cacheDir = join(tmp, 'cache-d');
    (await runDataset(model, options(cacheDir, { selection: { mode: 'first', n: 3 } }))).close();
    const [file] = readdirSync(cacheDir);
    appendFileSync(join(cacheDir, file), '{"k":"' + 'a'.repeat(64) + '","o":{"text":"cut of'); // a killed run
    const again = await runDataset(model, options(cacheDir, { selection: { mode: 'first', n: 4 } }));
    again.close();
    assert.equal(again.report.resumed, 3);
    assert.equal(again.report.samples, 4);
    assert.ok(
      readFileSync(join(cacheDir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .every((l) => JSON.parse(l).k),
      'every line is whole JSON',
    );
    const logit = await runDataset(
      model,
      options(cacheDir, {
        selection: { mode: 'first', n: 2 },
        explain: { explainers: EXPLAINERS, objective: 'logit' },
      }),
    );
    logit.close();
    assert.equal(logit.report.resumed, 0);
    assert.equal(readdirSync(cacheDir).length, 2);
  });

  it('labels map by name or class id; labels that name no class are listed and their rows count as unlabelled', async () => {
    const file = join(tmp, 'labels.csv');
    writeFileSync(
      file,
      stringify([
        ['text', 'label'],
        [rows[0].text, '1'],
        [rows[1].text, '0'],
        [rows[2].text, 'pos'],
        [rows[3].text, 'NEGATIVE'],
      ]),
    );
    const run = await runDataset(model, { ...options(join(tmp, 'cache-l')), path: file });
    assert.deepEqual(
      run.sampleRows.map((r) => r.label),
      ['1', '0', 'pos', 'NEGATIVE'],
    );
    const records: SampleRecord[] = [];
    for await (const r of run.records()) records.push(r);
    run.close();
    assert.deepEqual(
      records.map((r) => r.labelIndex),
      [1, 0, null, 0],
    );
    assert.deepEqual(run.report.dataset.unmappedLabels, ['pos']);
    assert.equal(run.report.accuracy!.n, 3);
  });

  it('samples reproducibly: the same seed gives the same rows, stratified keeps the label mix', async () => {
    const pick = async (selection: DatasetRunOptions['selection']) => {
      const run = await runDataset(model, options(join(tmp, 'cache-e'), { selection }));
      run.close();
      return run.sampleRows.map((r) => r.row);
    };
    const a = await pick({ mode: 'random', n: 6, seed: 3 });
    assert.equal(a.length, 6);
    assert.deepEqual(await pick({ mode: 'random', n: 6, seed: 3 }), a);
    assert.notDeepEqual(await pick({ mode: 'random', n: 6, seed: 4 }), a);
    const strat = await runDataset(
      model,
      options(join(tmp, 'cache-e'), { selection: { mode: 'stratified', n: 7, seed: 1 } }),
    );
    strat.close();
    const share = rows.filter((r) => r.label === 'positive').length / rows.length;
    const positives = strat.sampleRows.filter((r) => r.label === 'positive').length;
    assert.ok(Math.abs(positives - share * 7) <= 1, `${positives} positives of 7 for a share of ${share}`);
  });
});
