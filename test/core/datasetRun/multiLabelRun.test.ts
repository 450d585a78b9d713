import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import type { DatasetReport, SampleRecord } from '../../../src/core/datasetRun/datasetReport';
import { runDataset, type DatasetRunOptions } from '../../../src/core/datasetRun/runDataset';
import { explainText } from '../../../src/core/explain/explainText';
import { TextClassifier } from '../../../src/core/classifier/textClassifier';
import { assertDeepClose } from '../../helpers/closeTo';
import { FIXTURES, OUTCOME_WORKER } from '../../helpers/paths';

// The zoo's multi-label BERT (labels joy, anger, fear; one sigmoid each): dataset mode tests every label of every row.
const MODEL = join(FIXTURES, 'zoo', 'bert-multilabel');
const EXPLAINERS = ['raw-attention', 'attention-x-gradient', 'occlusion'];
const LABELS = 3;
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-multilabel-'));
const dataset = join(tmp, 'emotions.csv');
const ROWS: [string, string][] = [
  ['the film was a joy to watch from start to end', 'joy'],
  ['i am furious and a little scared of what comes next', 'anger;fear'],
  ['nothing much happened on the quiet walk home', ''],
  ['the ending left me sad and tired', 'sadness'],
  ['what a bright and happy morning', 'JOY | anger'],
];
writeFileSync(dataset, stringify([['text', 'labels'], ...ROWS]));

let model: TextClassifier;
before(async () => (model = await TextClassifier.load(MODEL, { threads: 1 })));
after(async () => {
  await model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const options = (cacheDir: string, extra: Partial<DatasetRunOptions> = {}): DatasetRunOptions => ({
  path: dataset,
  columns: { text: 'text', label: 'labels' },
  selection: { mode: 'all' },
  explain: { explainers: EXPLAINERS },
  cacheDir,
  ...extra,
});
const comparable = (r: Omit<DatasetReport, 'records'>) => {
  const { createdAt: _c, timing: _t, resumed: _r, explainers, ...rest } = r;
  return { ...rest, explainers: explainers.map(({ msPerSample: _m, ...e }) => e) };
};
async function allRecords(run: { records(): AsyncGenerator<SampleRecord> }): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  for await (const r of run.records()) out.push(r);
  return out;
}

describe('dataset mode on a multi-label model', () => {
  it('tests every label of every row with σ(z) of that label, exactly as explaining that label does', async () => {
    const run = await runDataset(model, options(join(tmp, 'cache-a')));
    const records = await allRecords(run);
    assert.equal(run.report.samples, ROWS.length * LABELS);
    assert.equal(run.report.rowsExplained, ROWS.length);
    assert.equal(run.report.model.head?.kind, 'multi-label');
    assert.deepEqual(
      records.map((r) => [r.row, r.prediction.index]),
      ROWS.flatMap((_, row) => [0, 1, 2].map((c) => [row, c])),
    );
    for (const record of records) {
      const truth = await explainText(model, record.text, { explainers: EXPLAINERS, target: record.prediction.index });
      assert.equal(record.prediction.label, ['joy', 'anger', 'fear'][record.prediction.index]);
      // Close, not equal: a process's first runs use the classifier's own session, later ones the built graph's (Δ is a
      // difference of two probabilities, so their 1e-7 rounding shows as 1e-6 there).
      assertDeepClose(record.prediction.probability, truth.target.probability, 1e-5);
      for (const row of truth.explanations) {
        const verdicts = Object.fromEntries(
          row.verdicts.map((v) => [
            v.operator,
            { unit: v.unit, weight: v.weight, delta: v.delta, violates: v.violates },
          ]),
        );
        assertDeepClose(
          record.explainers[row.id].verdicts,
          verdicts,
          1e-5,
          `${row.id} on row ${record.row}, label ${record.prediction.index}`,
        );
      }
    }
    // The report's tallies are the judgements' (all rows × labels), with the interval of row clusters.
    for (const e of run.report.explainers) {
      const counted = records.filter((r) => r.explainers[e.id].verdicts.delete);
      const v = e.violation.delete!;
      assert.deepEqual(
        [v.k, v.n],
        [counted.filter((r) => r.explainers[e.id].verdicts.delete!.violates).length, counted.length],
      );
      if (v.effectiveN !== undefined) assert.ok(v.effectiveN >= ROWS.length && v.effectiveN <= v.n);
      assert.equal(e.violationMean.n, ROWS.length, 'violation shares are averaged per row first');
    }
    assert.deepEqual(
      run.sampleRows.map((r) => r.target),
      records.map((r) => r.prediction.index),
    );
    assert.deepEqual(run.record(1, 2), records[5]);
    assert.deepEqual(run.record(1), records[3]);
    run.close();
  });

  it("judges each label against the row's gold list: σ ≥ ½ must agree with the label being listed; an unknown label leaves the row unlabelled", async () => {
    const run = await runDataset(model, options(join(tmp, 'cache-b')));
    const records = await allRecords(run);
    run.close();
    // Row 2's empty cell is unlabelled (an empty cell cannot say "no label applies"); row 3's label is unknown.
    const gold: (number[] | null)[] = [[0], [1, 2], null, null, [0, 1]];
    for (const r of records) {
      const listed = gold[r.row];
      if (listed === null) {
        assert.equal(r.correct, null);
        continue;
      }
      const has = listed.includes(r.prediction.index);
      assert.equal(r.correct, r.prediction.probability >= 0.5 === has, `row ${r.row}, label ${r.prediction.index}`);
      assert.equal(r.labelIndex, has ? r.prediction.index : null);
    }
    assert.deepEqual(run.report.dataset.unmappedLabels, ['sadness']);
    assert.equal(run.report.accuracy!.n, 3 * LABELS);
    assert.equal(run.report.accuracy!.k, records.filter((r) => r.correct).length);
  });

  it('resumes every label from the cache, recomputes a cached row that lacks labels, and two workers give the same report', async () => {
    const cacheDir = join(tmp, 'cache-c');
    const first = await runDataset(model, options(cacheDir));
    first.close();
    const again = await runDataset(model, options(cacheDir));
    again.close();
    assert.equal(again.report.resumed, ROWS.length);
    assert.deepEqual(comparable(again.report), comparable(first.report));
    // A line cached with only the most likely label (as before every label was tested) is a miss, not a short row.
    const [file] = readdirSync(cacheDir);
    const lines = readFileSync(join(cacheDir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { k: string; o: { otherLabels?: unknown } });
    delete lines[0].o.otherLabels;
    writeFileSync(join(cacheDir, file), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const mended = await runDataset(model, options(cacheDir));
    mended.close();
    assert.equal(mended.report.resumed, ROWS.length - 1);
    assert.deepEqual(comparable(mended.report), comparable(first.report));
    const pooled = await runDataset(model, options(join(tmp, 'cache-d'), { workers: 2, workerScript: OUTCOME_WORKER }));
    pooled.close();
    assertDeepClose(comparable(pooled.report), comparable(first.report));
    assertDeepClose(pooled.sampleRows, first.sampleRows);
  });
});
