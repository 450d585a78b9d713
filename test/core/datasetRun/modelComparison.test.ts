import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { readBaselineReport, type BaselineReport } from '../../../src/core/datasetRun/baselineReport';
import { changeShown, type DatasetReport, type ModelComparison } from '../../../src/core/datasetRun/datasetReport';
import { compareWithBaseline, countSharedRows } from '../../../src/core/datasetRun/modelComparison';
import { mcnemarExact } from '../../../src/core/datasetRun/pairedDifferences';
import {
  changeCase,
  checkRegressions,
  parseRegression,
  regressionCase,
} from '../../../src/core/datasetRun/regressionGate';
import { markdownSummary } from '../../../src/core/datasetRun/reportFiles';
import { junitXml } from '../../../src/core/datasetRun/thresholds';
import { assertDeepClose } from '../../helpers/closeTo';
import { handReport, streamed, writeReport, type HandSample, type Verdicts } from '../../helpers/handReport';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-compare-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const IDS = ['raw-attention', 'attention-x-gradient', 'integrated-gradients'];
const N = 30;
const text = (i: number) => `sample number ${i}, a sentence of its own`;
/** Verdicts that vary over the samples, so that every ratio is strictly between 0 and 1. */
const varied = (i: number, k: number): Verdicts => [(i + k) % 3 === 0, (i + 2 * k) % 4 === 0, (i * (k + 1)) % 5 === 1];
/** Explainer k's varied verdicts on sample i, the same in both reports. */
const same = (i: number, _id: string, k: number) => varied(i, k);

function samples(verdicts: (i: number, id: string, k: number) => Verdicts, rows = N, from = 0): HandSample[] {
  return Array.from({ length: rows }, (_, j) => {
    const i = from + j;
    return {
      row: i,
      text: text(i),
      label: i % 2 ? 'positive' : 'negative',
      correct: i % 3 !== 0,
      explainers: Object.fromEntries(IDS.map((id, k) => [id, verdicts(i, id, k)])),
    };
  });
}

let files = 0;
async function asBaseline(report: DatasetReport): Promise<BaselineReport> {
  return readBaselineReport(writeReport(join(tmp, `baseline-${++files}.json`), report));
}

async function compare(baseline: DatasetReport, current: DatasetReport): Promise<ModelComparison> {
  return compareWithBaseline(await asBaseline(baseline), current, streamed(current.records));
}

const byId = (c: ModelComparison, id: string) => c.explainers.find((e) => e.id === id)!;

describe('comparing a run with a baseline report', () => {
  it('identical verdicts: every change is 0, every interval contains 0, every sample is shared; both models are named', async () => {
    const base = handReport({ model: 'model-a', sha256: 'a'.repeat(64), explainers: IDS, samples: samples(same) });
    const current = handReport({ model: 'model-b', sha256: 'b'.repeat(64), explainers: IDS, samples: samples(same) });
    const c = await compare(base, current);
    assert.deepEqual(c.rows, { shared: N, onlyBaseline: 0, onlyCurrent: 0, changedText: 0 });
    assert.equal(c.samples, N);
    assert.deepEqual(c.baseline.model, { name: 'model-a', sha256: 'a'.repeat(64) });
    assert.deepEqual(c.current.model, { name: 'model-b', sha256: 'b'.repeat(64) });
    assert.deepEqual(
      c.explainers.map((e) => e.id),
      IDS,
    );
    assert.deepEqual(c.excluded, []);
    for (const e of c.explainers) {
      for (const r of [e.mean, ...Object.values(e.operators)]) {
        assert.equal(r.change.mean, 0, e.id);
        assert.ok(r.change.lo! <= 0 && r.change.hi! >= 0, `${e.id}: the interval contains 0`);
        assert.equal(changeShown(r), false);
        assert.equal(r.baseline.mean, r.current.mean);
      }
      assert.equal(e.operators.delete!.mcnemar!.p, 1);
    }
    // The sides are the plain ratios: raw attention (k = 0) violates under delete where i % 3 = 0.
    assertDeepClose(byId(c, 'raw-attention').operators.delete!.baseline.mean, 10 / N, 1e-12);
    assert.equal(byId(c, 'raw-attention').mean.change.confidence, 1 - 0.05 / IDS.length, 'Bonferroni over 3');
  });

  it('violations that rise on the shared samples: a positive change whose interval excludes 0, with McNemar on the discordant samples', async () => {
    // Raw attention: the baseline violates under delete on 3 samples, this run on 18 (a superset); the rest unchanged.
    const rise = (before: boolean) => (i: number, id: string, k: number) => {
      const v = varied(i, k);
      return id === 'raw-attention' ? ([before ? i % 10 === 0 : i % 10 < 6, v[1], v[2]] as Verdicts) : v;
    };
    const base = handReport({ explainers: IDS, samples: samples(rise(true)) });
    const current = handReport({ model: 'model-b', explainers: IDS, samples: samples(rise(false)) });
    const c = await compare(base, current);
    const raw = byId(c, 'raw-attention');
    const del = raw.operators.delete!;
    assertDeepClose([del.baseline.mean, del.current.mean], [3 / N, 18 / N], 1e-12);
    assert.ok(Math.abs(del.change.mean! - 15 / N) < 1e-12);
    assert.ok(del.change.lo! > 0 && changeShown(del), 'the rise is beyond noise');
    assert.deepEqual(
      { ...del.mcnemar, p: undefined, pHolm: undefined },
      { onlyCurrent: 15, onlyBaseline: 0, n: N, p: undefined, pHolm: undefined },
    );
    assert.equal(del.mcnemar!.p, mcnemarExact(15, 0));
    // Holm over the three explainers under delete: the others have p = 1.
    assert.ok(Math.abs(del.mcnemar!.pHolm - Math.min(1, 3 * mcnemarExact(15, 0))) < 1e-15);
    // The mean over operators: a share change of 1/3 on 15 samples, 0 on the rest; its paired t interval by hand.
    const d = Array.from({ length: N }, (_, i) => (i % 10 < 6 && i % 10 !== 0 ? 1 / 3 : 0));
    const mean = d.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1));
    const half = tQuantile(1 - 0.05 / 3 / 2, N - 1) * (sd / Math.sqrt(N));
    assert.ok(Math.abs(raw.mean.change.mean! - mean) < 1e-12);
    assert.ok(Math.abs(raw.mean.change.lo! - (mean - half)) < 1e-12);
    assert.ok(Math.abs(raw.mean.change.hi! - (mean + half)) < 1e-12);
    for (const id of ['attention-x-gradient', 'integrated-gradients'])
      assert.equal(byId(c, id).mean.change.mean, 0, `${id} is unchanged`);
  });

  it('pairs rows by index and text: partly shared samples are counted, and a row whose text changed is never paired', async () => {
    const base = handReport({ explainers: IDS, samples: samples(same, 20, 0) });
    const later = samples(same, 20, 10);
    later[2] = { ...later[2], text: `${later[2].text} (edited)` }; // row 12
    const current = handReport({ explainers: IDS, samples: later, dataset: '/ci/checkout/data/reviews-v2.csv' });
    const c = await compare(base, current);
    assert.deepEqual(c.rows, { shared: 9, onlyBaseline: 11, onlyCurrent: 11, changedText: 1 });
    assert.equal(byId(c, 'raw-attention').mean.change.n, 9);
    assert.ok(c.notes.some((n) => /reviews\.csv and this run on reviews-v2\.csv/.test(n)));
    const baseline = await asBaseline(base);
    assert.equal(await countSharedRows(baseline, streamed(current.records)), 9);
  });

  it('refuses a baseline that shares no sample', async () => {
    const base = handReport({ explainers: IDS, samples: samples(same) });
    const other = samples(same).map((s) => ({ ...s, text: `another dataset's text ${s.row}` }));
    await assert.rejects(
      compare(base, handReport({ explainers: IDS, samples: other })),
      /no sample is shared with the baseline .*: it explained 30 rows of reviews\.csv, this run 30 rows .*\(30 rows have the same index but another text\)/,
    );
  });

  it('accuracy: the paired change on the shared samples labelled alike in both, with McNemar', async () => {
    const base = handReport({ explainers: IDS, samples: samples(same) });
    const better = samples(same).map((s) => ({ ...s, correct: s.row % 3 !== 0 || s.row % 2 === 0 }));
    better[4] = { ...better[4], label: 'positive' }; // relabelled: left out of accuracy
    const c = await compare(base, handReport({ explainers: IDS, samples: better }));
    const acc = c.accuracy!;
    // Rows i % 3 = 0 and i even (0, 6, 12, 18, 24) turn correct; row 4 is left out.
    assert.equal(acc.change.n, N - 1);
    assert.equal(acc.mcnemar!.onlyCurrent, 5);
    assert.equal(acc.mcnemar!.onlyBaseline, 0);
    assert.ok(Math.abs(acc.change.mean! - 5 / (N - 1)) < 1e-12);
    assert.equal(acc.mcnemar!.p, mcnemarExact(5, 0));
    assert.equal(acc.change.confidence, 0.95);
  });

  it('leaves out an explainer whose setting differs or that one report lacks, and refuses what measures something else', async () => {
    const base = handReport({ explainers: [...IDS, 'occlusion'], samples: samples(same) });
    const c = await compare(
      base,
      handReport({ explainers: [...IDS, 'lime'], samples: samples(same), settings: { igSteps: 50 } }),
    );
    assert.deepEqual(
      c.explainers.map((e) => e.id),
      ['raw-attention', 'attention-x-gradient'],
    );
    assert.deepEqual(c.excluded, [
      { id: 'occlusion', reason: 'not run in this run' },
      {
        id: 'integrated-gradients',
        reason: 'it reads --ig-steps, which differs (baseline 20, this run 50)',
      },
      { id: 'lime', reason: 'not run in the baseline' },
    ]);
    const refused: [Partial<Parameters<typeof handReport>[0]>, RegExp][] = [
      [{ settings: { granularity: 'token' } }, /explained per word and this run per token \(--granularity\)/],
      [
        { settings: { target: 0 } },
        /each sample's prediction ŷ and this run explains the class "negative" \(--target\)/,
      ],
      [
        { head: { kind: 'multi-label', quantity: 'σ(z)', isProbability: true } },
        /the baseline's model is softmax and this one multi-label/,
      ],
      [
        { explainers: ['lime'] },
        /no explainer can be compared \(raw-attention: not run in this run; .*lime: not run in the baseline\)/,
      ],
    ];
    for (const [change, message] of refused)
      await assert.rejects(compare(base, handReport({ explainers: IDS, samples: samples(same), ...change })), message);
  });

  it('operators marked † on either side are left out of the mean, and a sample where an explainer failed is not paired for it', async () => {
    const base = handReport({
      explainers: IDS,
      samples: samples(same).map((s) => ({ ...s, byConstruction: { 'integrated-gradients': ['delete'] } })),
    });
    const failing = samples(same);
    failing[7] = { ...failing[7], explainers: { ...failing[7].explainers, 'raw-attention': 'error' } };
    const c = await compare(base, handReport({ explainers: IDS, samples: failing }));
    const ig = byId(c, 'integrated-gradients');
    assert.equal(ig.operators.delete!.change.n, 0, 'never judged outside †');
    assert.equal(ig.operators.delete!.change.mean, null);
    // The mean over the two operators left: IG is k = 2.
    const share = (i: number) => [varied(i, 2)[1], varied(i, 2)[2]].filter(Boolean).length / 2;
    const expected = Array.from({ length: N }, (_, i) => share(i)).reduce((a, b) => a + b, 0) / N;
    assert.ok(Math.abs(ig.mean.baseline.mean! - expected) < 1e-12);
    assert.equal(byId(c, 'raw-attention').mean.change.n, N - 1);
  });

  it('a multi-label run pairs each label with the same label, row by row, without McNemar', async () => {
    const head = { kind: 'multi-label' as const, quantity: 'σ(z)', isProbability: true };
    const labels = ['toxic', 'insult'];
    const rows = (violates: (i: number) => boolean) =>
      Array.from({ length: 10 }, (_, i) =>
        labels.map((explained) => ({
          row: i,
          text: text(i),
          explained,
          explainers: { 'raw-attention': [violates(i) && explained === 'toxic', false, false] as Verdicts },
        })),
      ).flat();
    const base = handReport({ labels, head, explainers: ['raw-attention'], samples: rows(() => false) });
    const current = handReport({ labels, head, explainers: ['raw-attention'], samples: rows((i) => i < 4) });
    const c = await compare(base, current);
    const del = byId(c, 'raw-attention').operators.delete!;
    assert.equal(c.rows.shared, 10);
    assert.equal(c.samples, 20);
    assert.equal(del.change.n, 10, 'one paired value per row');
    assert.ok(Math.abs(del.change.mean! - (4 * 0.5) / 10) < 1e-12, "a row's labels are averaged");
    assert.equal(del.mcnemar, undefined);
  });
});

describe('the --max-regression gate', () => {
  const rise = (before: boolean) => (i: number, id: string, k: number) =>
    id === 'raw-attention' ? ([before ? i % 10 === 0 : i % 10 < 6, false, false] as Verdicts) : varied(i, k);

  it('fails only when the lower end of the interval is above DELTA; a point estimate above it alone passes', async () => {
    const c = await compare(
      handReport({ explainers: IDS, samples: samples(rise(true)) }),
      handReport({ explainers: IDS, samples: samples(rise(false)) }),
    );
    const { mean, lo } = byId(c, 'raw-attention').mean.change;
    assert.ok(lo! > 0.05 && mean! > lo!);
    const between = Number(((lo! + mean!) / 2).toFixed(3));
    const [fails, noisy, unchanged] = checkRegressions(c, [
      { explainer: 'raw-attention', maxRise: 0 },
      { explainer: 'raw-attention', maxRise: between },
      { explainer: 'attention-x-gradient', maxRise: 0 },
    ]);
    assert.equal(fails.passed, false);
    assert.match(
      fails.message,
      /raw-attention vs baseline: violation ratio 0\.0333 → 0\.2000 on 30 shared samples, change \+0\.1667 \[98\.33% CI \+0\.\d+, \+0\.\d+\]; rose by more than 0 \(lower bound/,
    );
    assert.ok(mean! > between, 'the point estimate is above DELTA…');
    assert.equal(noisy.passed, true, '…but the interval is not: no failure from noise');
    assert.match(noisy.message, /not shown to rise by more than/);
    assert.equal(unchanged.passed, true);
    const xml = junitXml(handReport({ explainers: IDS, samples: [] }), [regressionCase(fails), regressionCase(noisy)]);
    assert.match(xml, /tests="2" failures="1"/);
    assert.match(xml, /<testcase classname="polarity-lens.regression" name="raw-attention rises ≤ 0 vs baseline"/);
    assert.match(xml, /<failure message="raw-attention vs baseline: [^"]+" type="ViolationRegression">/);
    assert.match(
      junitXml(handReport({ explainers: IDS, samples: [] }), c.explainers.map(changeCase)),
      /tests="3" failures="0"/,
    );
  });

  it('fails an explainer that cannot be judged: left out, or too few shared samples', async () => {
    const c = await compare(
      handReport({ explainers: IDS, samples: samples(same, 1) }),
      handReport({ explainers: IDS, samples: samples(same, 1), settings: { igSteps: 5 } }),
    );
    const [one, left] = checkRegressions(c, [
      { explainer: 'raw-attention', maxRise: 0.5 },
      { explainer: 'integrated-gradients', maxRise: 0.5 },
    ]);
    assert.equal(one.passed, false);
    assert.match(one.message, /1 shared sample judged on both sides, too few for an interval/);
    assert.equal(left.passed, false);
    assert.match(left.message, /not compared \(it reads --ig-steps, which differs/);
    assert.equal(changeCase(byId(c, 'raw-attention')).skipped, true);
  });

  it('parses EXPLAINER=DELTA like --max-violation', () => {
    assert.deepEqual(parseRegression('raw-attention=0.05', IDS), { explainer: 'raw-attention', maxRise: 0.05 });
    assert.throws(
      () => parseRegression('raw-attention', IDS),
      /--max-regression "raw-attention": expected EXPLAINER=DELTA/,
    );
    assert.throws(() => parseRegression('raw-attention=2', IDS), /the delta must be between 0 and 1/);
    assert.throws(() => parseRegression('lime=0.1', IDS), /"lime" is not among the explainers that run/);
  });
});

describe('the comparison in the Markdown summary', () => {
  it('a section with both models, the counts, a row per explainer (✱ where the interval excludes 0) and what was left out', async () => {
    const rise = (before: boolean) => (i: number, id: string, k: number) =>
      id === 'raw-attention' ? ([before ? i % 10 === 0 : i % 10 < 6, false, false] as Verdicts) : varied(i, k);
    const base = handReport({ model: 'old-model', explainers: [...IDS, 'occlusion'], samples: samples(rise(true)) });
    const current = handReport({ model: 'new|model', explainers: IDS, samples: samples(rise(false)) });
    const comparison = await compare(base, current);
    const { records: _records, ...summary } = current;
    const md = markdownSummary({ ...summary, comparison });
    assert.match(md, /## Compared with the baseline: old-model → new\\\|model/);
    assert.match(md, /Rows paired by index and text: 30 shared, 0 only in the baseline, 0 only in this run\./);
    assert.match(md, /Bonferroni-adjusted over the 3 explainers compared \(each at 98\.33%\)/);
    assert.match(
      md,
      /\| Raw attention \| 30 \| 0\.033 → 0\.200: \+0\.167 \[\+0\.\d{3}, \+0\.\d{3}\] ✱ \| 0\.100 → 0\.600: \+0\.500 \[\+0\.\d{3}, \+0\.\d{3}\] ✱ \(p <\.001\) \|/,
    );
    assert.match(md, /\| AttGrad \(α⊙∇α\) \| 30 \| [0-9.]+ → [0-9.]+: ±0\.000 \[±0\.000, ±0\.000\] \|/);
    assert.match(md, /Accuracy on the 30 shared samples labelled alike in both: /);
    assert.match(md, /Not compared:\n\n- occlusion: not run in this run\./);
    assert.doesNotMatch(markdownSummary(summary), /Compared with the baseline/);
  });
});
