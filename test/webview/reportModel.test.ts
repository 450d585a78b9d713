import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExplainerSummary } from '../../src/core/datasetRun/datasetReport';
import {
  defaultChartExplainers,
  linear,
  markerPath,
  MARKERS,
  niceMax,
  polarityMatrix,
  ticks,
  tokenClasses,
  violationTokens,
} from '../../webview/report/logic/chartModel';
import {
  chartExplainers,
  isReportHostMessage,
  isReportView,
  isStandaloneData,
  normaliseView,
} from '../../webview/report/logic/reportModel';
import { fakeComparison, fakeReport, XSS_IMG } from './fakeReport';

const report = fakeReport({ rows: 80, seed: 5 });
const summary = (id: string, runs: number): ExplainerSummary => ({ ...report.explainers[0], id, label: id, runs });

describe('report charts model', () => {
  it('picks the 4 explainers with the most runs by default, always with raw attention and AttGrad, in report order', () => {
    const list = [
      summary('lime', 90),
      summary('raw-attention', 10),
      summary('occlusion', 100),
      summary('attention-x-gradient', 5),
      summary('kernel-shap', 95),
      summary('ig', 50),
    ];
    assert.deepEqual(defaultChartExplainers(list), [
      'raw-attention',
      'occlusion',
      'attention-x-gradient',
      'kernel-shap',
    ]);
    assert.deepEqual(
      defaultChartExplainers(list.filter((e) => !e.id.startsWith('raw') && !e.id.startsWith('attention'))),
      ['lime', 'occlusion', 'kernel-shap', 'ig'],
    );
    assert.deepEqual(defaultChartExplainers([summary('a', 1), summary('b', 1)]), ['a', 'b']);
    // The fake report: every explainer but rollout ran on every sample; ties go in report order.
    assert.deepEqual(defaultChartExplainers(report.explainers), [
      'raw-attention',
      'attention-x-gradient',
      'integrated-gradients',
      'input-x-gradient',
    ]);
  });

  it('chooses readable axis maxima and ticks, and maps values linearly', () => {
    assert.equal(niceMax(0.47), 0.5);
    assert.equal(niceMax(0.18), 0.2);
    assert.equal(niceMax(0.21), 0.25);
    assert.equal(niceMax(1), 1);
    assert.equal(niceMax(0), 1);
    assert.deepEqual(
      ticks(0.5, 5).map((t) => Number(t.toFixed(2))),
      [0, 0.1, 0.2, 0.3, 0.4, 0.5],
    );
    const y = linear(0.5, 200, 0);
    assert.equal(y(0), 200);
    assert.equal(y(0.25), 100);
    assert.equal(y(2), 0, 'clamped to the axis');
  });

  it('turns the polarity counts into the 2×2 matrix, violations off the diagonal, zeros apart', () => {
    const m = polarityMatrix([50, 10, 20, 20, 7]);
    assert.deepEqual(
      m.cells.map((c) => [c.claims, c.measured, c.count, c.violates]),
      [
        ['supports', 'supports', 50, false],
        ['supports', 'suppresses', 10, true],
        ['suppresses', 'supports', 20, true],
        ['suppresses', 'suppresses', 20, false],
      ],
    );
    assert.equal(m.cells[0].share, 0.5);
    assert.equal(m.zero, 7);
    assert.equal(m.total, 107);
    assert.equal(m.violating, 0.3);
    assert.equal(polarityMatrix([0, 0, 0, 0, 4]).violating, null);
  });

  it('lists the violation tokens per class and explainer, most frequent first', () => {
    assert.deepEqual(tokenClasses(report), ['negative', 'positive']);
    assert.deepEqual(violationTokens(report, 'positive', 'lime')[0], [XSS_IMG, 9]);
    assert.deepEqual(violationTokens(report, 'positive', 'rollout'), []);
    assert.deepEqual(violationTokens(report, undefined, 'lime'), []);
  });

  it('draws a closed path for every marker shape', () => {
    for (const shape of MARKERS) assert.match(markerPath(shape, 10, 10, 4), /^M[\d. ]+.*Z$/, shape);
  });
});

describe('report view state', () => {
  it('accepts a report and the host’s messages, and rejects anything else', () => {
    assert.ok(isReportView(report));
    assert.equal(isReportView({ ...report, schema: 'other' }), false);
    assert.ok(isReportHostMessage({ type: 'report', report }));
    assert.ok(
      isReportHostMessage({ type: 'progress', done: 3, total: null, perSecond: 1.5, etaSeconds: null, label: 'x' }),
    );
    assert.equal(
      isReportHostMessage({ type: 'progress', done: '3', total: 4, perSecond: 1, etaSeconds: 1, label: 'x' }),
      false,
    );
    assert.ok(isReportHostMessage({ type: 'finished', cancelled: true, message: 'Stopped.' }));
    assert.equal(isReportHostMessage({ type: 'finished', cancelled: 'yes' }), false);
    assert.equal(isReportHostMessage({ type: 'show' }), false);
    assert.ok(isStandaloneData({ report }));
    assert.equal(isStandaloneData({ report: {} }), false);
  });

  it('accepts a comparison with a baseline and rejects a report whose comparison is malformed', () => {
    const comparison = fakeComparison(report);
    assert.ok(isReportView({ ...report, comparison }));
    const [first, ...rest] = comparison.explainers;
    const broken = [
      { ...comparison, rows: { ...comparison.rows, shared: '28' } },
      {
        ...comparison,
        explainers: [
          { ...first, mean: { ...first.mean, change: { ...first.mean.change, confidence: undefined } } },
          ...rest,
        ],
      },
      { ...comparison, explainers: [{ ...first, operators: { delete: 0.2 } }, ...rest] },
      { ...comparison, baseline: { ...comparison.baseline, model: 'old' } },
      { ...comparison, notes: [1] },
      'compared',
    ];
    for (const c of broken)
      assert.equal(isReportView({ ...report, comparison: c }), false, JSON.stringify(c).slice(0, 80));
  });

  it('keeps valid saved choices and drops what this report lacks', () => {
    const view = normaliseView(
      {
        sort: { column: 'metric:aopc', descending: true },
        filters: {
          label: null,
          prediction: 'positive',
          correctness: 'wrong',
          explainer: 'lime',
          violation: 'violates',
          search: 'food',
        },
        sampleSort: { key: 'confidence', descending: true },
        chartExplainers: ['lime', 'gone', 'occlusion'],
        polarityExplainer: 'occlusion',
        tokenClass: 'negative',
        tokenExplainer: 'lime',
        sampleScroll: 280,
        pageScroll: 1200,
      },
      report,
    );
    assert.deepEqual(view, {
      sort: { column: 'metric:aopc', descending: true },
      filters: {
        label: null,
        prediction: 'positive',
        correctness: 'wrong',
        explainer: 'lime',
        violation: 'violates',
        search: 'food',
      },
      sampleSort: { key: 'confidence', descending: true },
      chartExplainers: ['lime', 'occlusion'],
      polarityExplainer: 'occlusion',
      tokenClass: 'negative',
      tokenExplainer: 'lime',
      sampleScroll: 280,
      pageScroll: 1200,
    });
    const stale = normaliseView(
      {
        filters: {
          label: 'spam',
          prediction: 'spam',
          correctness: 'maybe' as never,
          explainer: 'gone',
          violation: 'any',
          search: '',
        },
        chartExplainers: ['gone'],
        tokenClass: 'spam',
        sampleScroll: -4,
      },
      report,
    );
    assert.deepEqual(stale.filters, { correctness: 'any', violation: 'any', search: '' });
    assert.equal(stale.chartExplainers, undefined);
    assert.deepEqual(chartExplainers(stale, report), defaultChartExplainers(report.explainers));
    assert.equal(stale.tokenClass, undefined);
    assert.equal(stale.sampleScroll, 0);
    assert.deepEqual(normaliseView(undefined, report).sort, { column: 'violationMean', descending: false });
  });
});
