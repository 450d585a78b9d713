import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExplainerSummary } from '../../src/core/datasetRun/datasetReport';
import { ariaSort } from '../../webview/shared/sortOrder';
import {
  bestPerColumn,
  nextSort,
  randomFloor,
  sortExplainers,
  summaryCell,
  summaryColumns,
  validSummarySort,
} from '../../webview/report/logic/reportSummary';
import {
  formatCount,
  formatDuration,
  formatFixed,
  formatInterval,
  formatSigned,
  formatRate,
} from '../../webview/report/logic/reportFormat';
import { fakeReport } from './fakeReport';

const report = fakeReport({ rows: 120, seed: 3 });
const columns = summaryColumns(report);
const ids = (list: ExplainerSummary[]): string[] => list.map((e) => e.id);

describe('report summary table', () => {
  it('has a column per paper operator, the mean, both rates, every metric, time and failures, each saying its direction', () => {
    assert.deepEqual(
      columns.map((c) => c.id),
      [
        'explainer',
        'operator:delete',
        'operator:zero-embedding',
        'operator:attention-mask',
        'violationMean',
        'heldOutMean',
        'tokenLevelRate',
        'weightedRate',
        ...report.metrics.map((m) => `metric:${m.id}`),
        'msPerSample',
        'failures',
      ],
    );
    assert.equal(columns.find((c) => c.id === 'operator:delete')?.label, 'delete (slice_out)');
    assert.equal(columns.find((c) => c.id === 'operator:attention-mask')?.label, 'attention-mask (att_mask)');
    assert.equal(columns.find((c) => c.id === 'metric:sufficiency')?.better, 'lower');
    assert.equal(columns.find((c) => c.id === 'metric:aopc')?.better, 'higher');
    for (const c of columns.filter((x) => x.better)) assert.match(c.unit, /(lower|higher) is better/, c.id);
    // The held-out mean is the explainer's own where it has one, else its mean (nothing is by construction).
    const e = report.explainers[0];
    assert.equal(summaryCell({ ...e, heldOutMean: undefined }, 'heldOutMean').value, e.violationMean.mean);
    const heldOut = { n: 9, mean: 0.123, lo: 0.1, hi: 0.2 };
    assert.equal(summaryCell({ ...e, heldOutMean: heldOut }, 'heldOutMean').value, 0.123);
  });

  it('reads each cell from the report: proportions with k of n and Wilson bounds, means with their interval', () => {
    const e = report.explainers.find((x) => x.id === 'attention-x-gradient')!;
    assert.deepEqual(summaryCell(e, 'operator:delete'), {
      value: e.violation.delete!.ratio,
      lo: e.violation.delete!.lo,
      hi: e.violation.delete!.hi,
      k: e.violation.delete!.k,
      n: e.violation.delete!.n,
    });
    assert.equal(summaryCell(e, 'violationMean').value, e.violationMean.mean);
    assert.equal(summaryCell(e, 'metric:aopc').value, e.metrics.aopc.mean);
    assert.equal(summaryCell(e, 'failures').value, e.failures);
    const failed = report.explainers.find((x) => x.id === 'rollout')!;
    assert.equal(summaryCell(failed, 'operator:delete').value, null);
    assert.equal(summaryCell(failed, 'violationMean').value, null);
  });

  it('sorts by any column both ways, names case-insensitively, with explainers lacking a value last either way', () => {
    const asc = sortExplainers(report.explainers, { column: 'violationMean', descending: false });
    const values = asc.map((e) => e.violationMean.mean);
    assert.equal(asc.at(-1)!.id, 'rollout');
    const defined = values.filter((v): v is number => v !== null);
    assert.deepEqual(
      defined,
      [...defined].sort((a, b) => a - b),
    );
    const desc = sortExplainers(report.explainers, { column: 'violationMean', descending: true });
    assert.equal(desc.at(-1)!.id, 'rollout', 'missing values stay last when descending too');
    assert.deepEqual(
      desc.slice(0, -1).map((e) => e.violationMean.mean),
      [...defined].sort((a, b) => b - a),
    );
    assert.deepEqual(ids(sortExplainers(report.explainers, { column: 'explainer', descending: false })).slice(0, 3), [
      'rollout',
      'attention-x-gradient',
      'input-x-gradient',
    ]);
    // A tie keeps the report's order.
    const tied = sortExplainers(report.explainers, { column: 'failures', descending: false });
    assert.deepEqual(ids(tied).slice(0, 3), ['raw-attention', 'attention-x-gradient', 'integrated-gradients']);
  });

  it('marks the best per column by its direction, ties all marked, never Random, nobody when all are equal', () => {
    const best = bestPerColumn(report.explainers, columns);
    const ranked = report.explainers.filter((e) => e.id !== 'random' && e.runs > 0);
    const minOf = (f: (e: ExplainerSummary) => number | null): string[] => {
      const vs = ranked.map((e) => f(e)).filter((v): v is number => v !== null);
      const m = Math.min(...vs);
      return ranked.filter((e) => f(e) === m).map((e) => e.id);
    };
    assert.deepEqual(
      [...best.get('violationMean')!],
      minOf((e) => e.violationMean.mean),
    );
    assert.deepEqual(
      [...best.get('operator:delete')!],
      minOf((e) => e.violation.delete!.ratio),
    );
    const aopcMax = Math.max(...ranked.map((e) => e.metrics.aopc.mean!));
    assert.deepEqual(
      [...best.get('metric:aopc')!],
      ranked.filter((e) => e.metrics.aopc.mean === aopcMax).map((e) => e.id),
    );
    assert.ok(![...best.values()].some((s) => s.has('random')), 'Random is the floor, not a contender');
    assert.ok(![...best.values()].some((s) => s.has('rollout')), 'an explainer that never ran is not ranked');
    // Failures: every ranked explainer has 0 except input-x-gradient (2), so the zeros tie.
    assert.deepEqual(
      [...best.get('failures')!].sort(),
      ranked
        .filter((e) => e.failures === 0)
        .map((e) => e.id)
        .sort(),
    );
    const equal = report.explainers.map((e) => ({ ...e, msPerSample: 5 }));
    assert.equal(bestPerColumn(equal, columns).has('msPerSample'), false);
  });

  it('starts a new column best first and flips on a second activation; aria-sort says which', () => {
    const col = (id: string) => columns.find((c) => c.id === id)!;
    assert.deepEqual(nextSort({ column: 'violationMean', descending: false }, col('metric:aopc')), {
      column: 'metric:aopc',
      descending: true,
    });
    assert.deepEqual(nextSort({ column: 'metric:aopc', descending: true }, col('operator:delete')), {
      column: 'operator:delete',
      descending: false,
    });
    assert.deepEqual(nextSort({ column: 'operator:delete', descending: false }, col('operator:delete')), {
      column: 'operator:delete',
      descending: true,
    });
    assert.deepEqual(nextSort({ column: 'operator:delete', descending: false }, col('explainer')), {
      column: 'explainer',
      descending: false,
    });
    assert.equal(ariaSort({ column: 'failures', descending: true }, 'failures'), 'descending');
    assert.equal(ariaSort({ column: 'failures', descending: true }, 'explainer'), 'none');
  });

  it('keeps a saved sort only for a column this report has', () => {
    assert.deepEqual(validSummarySort({ column: 'metric:aopc', descending: true }, report), {
      column: 'metric:aopc',
      descending: true,
    });
    assert.deepEqual(validSummarySort({ column: 'metric:nope', descending: true }, report), {
      column: 'violationMean',
      descending: false,
    });
    assert.deepEqual(validSummarySort({ column: 'operator:mask-token', descending: false }, report), {
      column: 'violationMean',
      descending: false,
    });
    assert.deepEqual(validSummarySort(undefined, report), { column: 'violationMean', descending: false });
  });

  it('computes the Random floor per operator (mean over seeds) and keeps the report’s mean ± spread', () => {
    const floor = randomFloor(report);
    const seeds = report.random.perSeed;
    assert.ok(
      Math.abs(floor.perOperator.delete! - seeds.reduce((a, s) => a + s.violation.delete!, 0) / seeds.length) < 1e-12,
    );
    assert.equal(floor.mean, report.random.mean);
    assert.equal(floor.spread, report.random.spread);
    assert.equal(floor.seeds.length, 3);
    assert.ok(Math.abs(floor.seeds.reduce((a, s) => a + s.mean!, 0) / 3 - report.random.mean!) < 1e-12);
  });
});

describe('report number formatting', () => {
  it('prints ratios, intervals, counts, rates and durations', () => {
    assert.equal(formatFixed(0.2354), '0.235');
    assert.equal(formatFixed(-0.04149), '−0.041');
    assert.equal(formatFixed(-0.0001), '0.000', 'no minus on a value that rounds to zero');
    assert.equal(formatFixed(null), '—');
    assert.equal(formatSigned(0.0833), '+0.083');
    assert.equal(formatSigned(-0.05), '−0.050');
    assert.equal(formatSigned(0.0001), '±0.000', 'no sign on a change that rounds to zero');
    assert.equal(formatSigned(-0.0004), '±0.000');
    assert.equal(formatSigned(null), '—');
    assert.equal(formatInterval(0.21, 0.262), '0.210–0.262');
    assert.equal(formatInterval(null, 0.3), '');
    assert.equal(formatCount(100000), '100,000');
    assert.equal(formatRate(12.345), '12.3/s');
    assert.equal(formatRate(0.4219), '0.42/s');
    assert.equal(formatRate(1250), '1,250/s');
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(310), '5 min 10 s');
    assert.equal(formatDuration(3900), '1 h 5 min');
    assert.equal(formatDuration(null), '—');
  });
});
