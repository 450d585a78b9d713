import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleRow } from '../../src/core/datasetRun/datasetReport';
import type { SampleFilters } from '../../src/pages/report/reportProtocol';
import { clampScroll, revealRow, rowsPerPage, virtualWindow } from '../../webview/report/logic/virtualWindow';
import {
  DEFAULT_FILTERS,
  distinctLabels,
  explainerColumn,
  filterSamples,
  sortSamples,
  violationState,
  visibleSamples,
} from '../../webview/report/logic/sampleFilter';
import { fakeReport, XSS_IMG } from './fakeReport';

const report = fakeReport({ rows: 400, seed: 7 });
const rows = report.sampleRows;
const filters = (f: Partial<SampleFilters>): SampleFilters => ({ ...DEFAULT_FILTERS, ...f });
/** The reference: a plain filter over rows, written independently of the implementation's loop. */
const expected = (keep: (r: SampleRow) => boolean): number[] => rows.flatMap((r, i) => (keep(r) ? [i] : []));

describe('sample browser filters', () => {
  it('reads a violation share as violates (any operator), consistent (none) or not run', () => {
    assert.equal(violationState(0), 'consistent');
    assert.equal(violationState(1 / 3), 'violates');
    assert.equal(violationState(1), 'violates');
    assert.equal(violationState(null), 'none');
  });

  it('keeps everything with no filter, in row order', () => {
    assert.deepEqual(
      filterSamples(rows, DEFAULT_FILTERS, 0),
      rows.map((_, i) => i),
    );
  });

  it('filters by gold label (a label or unlabelled), prediction and correctness', () => {
    assert.deepEqual(
      filterSamples(rows, filters({ label: 'positive' }), 0),
      expected((r) => r.label === 'positive'),
    );
    const none = filterSamples(rows, filters({ label: null }), 0);
    assert.ok(none.length > 0);
    assert.deepEqual(
      none,
      expected((r) => r.label === null),
    );
    assert.deepEqual(
      filterSamples(rows, filters({ prediction: 'negative' }), 0),
      expected((r) => r.prediction === 'negative'),
    );
    assert.deepEqual(
      filterSamples(rows, filters({ correctness: 'wrong' }), 0),
      expected((r) => r.correct === false),
    );
    assert.deepEqual(
      filterSamples(rows, filters({ correctness: 'correct' }), 0),
      expected((r) => r.correct === true),
    );
    // Unlabelled rows and a label the model does not know ('neutral') have no correctness.
    assert.deepEqual(
      filterSamples(rows, filters({ correctness: 'unlabelled' }), 0),
      expected((r) => r.correct === null),
    );
    assert.ok(filterSamples(rows, filters({ correctness: 'unlabelled' }), 0).includes(7));
  });

  it('filters by one explainer’s verdict, and an explainer that never ran has no verdicts', () => {
    const col = explainerColumn(report, 'raw-attention');
    assert.equal(col, 0);
    assert.equal(explainerColumn(report, undefined), 0);
    assert.equal(explainerColumn(report, 'nope'), -1);
    assert.deepEqual(
      filterSamples(rows, filters({ violation: 'violates' }), col),
      expected((r) => (r.violation[col] ?? 0) > 0),
    );
    assert.deepEqual(
      filterSamples(rows, filters({ violation: 'consistent' }), col),
      expected((r) => r.violation[col] === 0),
    );
    const rollout = explainerColumn(report, 'rollout');
    assert.deepEqual(filterSamples(rows, filters({ violation: 'violates' }), rollout), []);
    assert.deepEqual(filterSamples(rows, filters({ violation: 'consistent' }), rollout), []);
  });

  it('searches the text case-insensitively, markup included, and combines every filter', () => {
    assert.deepEqual(
      filterSamples(rows, filters({ search: 'GOOD' }), 0),
      expected((r) => r.text.toLowerCase().includes('good')),
    );
    assert.deepEqual(filterSamples(rows, filters({ search: XSS_IMG }), 0), [0]);
    assert.deepEqual(
      filterSamples(rows, filters({ search: '  ' }), 0).length,
      rows.length,
      'blank search is no filter',
    );
    const f = filters({ label: 'positive', prediction: 'positive', violation: 'violates', search: 'food' });
    assert.deepEqual(
      filterSamples(rows, f, 1),
      expected(
        (r) =>
          r.label === 'positive' && r.prediction === 'positive' && (r.violation[1] ?? 0) > 0 && r.text.includes('food'),
      ),
    );
  });

  it('sorts by confidence or by violation, missing violations last both ways, ties by row; by row both ways', () => {
    const all = rows.map((_, i) => i);
    const byConf = sortSamples(rows, all, { key: 'confidence', descending: true }, 0);
    for (let i = 1; i < byConf.length; i++) assert.ok(rows[byConf[i - 1]].probability >= rows[byConf[i]].probability);
    const byConfAsc = sortSamples(rows, all, { key: 'confidence', descending: false }, 0);
    assert.deepEqual(byConfAsc, [...byConf].reverse());
    const byViolation = sortSamples(rows, all, { key: 'violation', descending: true }, 1);
    for (let i = 1; i < byViolation.length; i++) {
      const [a, b] = [rows[byViolation[i - 1]], rows[byViolation[i]]];
      assert.ok(
        a.violation[1]! > b.violation[1]! || (a.violation[1] === b.violation[1] && a.row < b.row),
        `${a.row} before ${b.row}`,
      );
    }
    const rollout = explainerColumn(report, 'rollout');
    assert.deepEqual(
      sortSamples(rows, all, { key: 'violation', descending: true }, rollout),
      all,
      'all missing: row order',
    );
    assert.deepEqual(sortSamples(rows, all, { key: 'row', descending: true }, 0), [...all].reverse());
    assert.deepEqual(
      visibleSamples(report, filters({ explainer: 'lime', violation: 'violates' }), { key: 'row', descending: true }),
      filterSamples(rows, filters({ violation: 'violates' }), 5).reverse(),
    );
  });

  it('lists the gold labels present, unlabelled first', () => {
    assert.deepEqual(distinctLabels(rows), [null, 'negative', 'neutral', 'positive']);
  });

  it('filters and sorts 100,000 rows fast enough for every keystroke', () => {
    const big = fakeReport({ rows: 100_000, seed: 11 });
    const start = process.hrtime.bigint();
    const shown = visibleSamples(
      big,
      filters({ explainer: 'attention-x-gradient', violation: 'violates', search: 'food' }),
      { key: 'confidence', descending: true },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(shown.length > 1000 && shown.length < 100_000);
    assert.ok(ms < 1500, `${ms.toFixed(0)} ms`);
  });
});

describe('virtual list window', () => {
  it('renders only the rows in view plus the overscan, clamped to the list', () => {
    assert.deepEqual(virtualWindow(0, 440, 28, 100_000, 6), { start: 0, end: 22, top: 0, height: 2_800_000 });
    const mid = virtualWindow(28 * 500 + 10, 440, 28, 100_000, 6);
    assert.equal(mid.start, 494);
    assert.equal(mid.end, 500 + 17 + 6);
    assert.equal(mid.top, 494 * 28);
    const end = virtualWindow(1e12, 440, 28, 100_000, 6);
    assert.equal(end.end, 100_000, 'scrolled past the end shows the last row');
    assert.ok(end.end - end.start < 40);
    assert.deepEqual(virtualWindow(0, 440, 28, 0), { start: 0, end: 0, top: 0, height: 0 });
    assert.deepEqual(virtualWindow(300, 440, 28, 5, 2), { start: 0, end: 5, top: 0, height: 140 });
  });

  it('clamps scroll offsets and reveals a row with the least movement', () => {
    assert.equal(clampScroll(-5, 440, 28, 100), 0);
    assert.equal(clampScroll(1e9, 440, 28, 100), 2800 - 440);
    assert.equal(clampScroll(Number.NaN, 440, 28, 100), 0);
    assert.equal(revealRow(10, 0, 440, 28), 0, 'visible: unchanged');
    assert.equal(revealRow(20, 0, 440, 28), 21 * 28 - 440, 'below: its bottom at the viewport’s bottom');
    assert.equal(revealRow(3, 1000, 440, 28), 84, 'above: its top at the viewport’s top');
    assert.equal(rowsPerPage(440, 28), 15);
    assert.equal(rowsPerPage(10, 28), 1);
  });
});
