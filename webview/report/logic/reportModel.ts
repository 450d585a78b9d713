/**
 * Shape checks for what reaches the report webview from outside (the host, saved state, the exported page's JSON
 * island), and saved view choices made valid for the report on screen.
 */
import { READABLE_REPORT_SCHEMAS, ModelComparison, ReportView } from '../../../src/core/datasetRun/datasetReport';
import type {
  ReportHostMessage,
  ReportSavedState,
  ReportViewState,
  SampleFilters,
  SampleSort,
  StandaloneReportData,
} from '../../../src/pages/report/reportProtocol';
import { isObject } from '../../shared/isObject';
import { defaultChartExplainers } from './chartModel';
import { validSummarySort } from './reportSummary';
import { DEFAULT_FILTERS, DEFAULT_SAMPLE_SORT, distinctLabels } from './sampleFilter';

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const isNumberOrNull = (x: unknown) => x === null || isNumber(x);
const isString = (x: unknown): x is string => typeof x === 'string';
const isEstimate = (x: unknown) =>
  isObject(x) && isNumber(x.n) && isNumberOrNull(x.mean) && isNumberOrNull(x.lo) && isNumberOrNull(x.hi);
const isComparedRatio = (x: unknown) =>
  isObject(x) &&
  isEstimate(x.baseline) &&
  isEstimate(x.current) &&
  isEstimate(x.change) &&
  isNumber((x.change as Record<string, unknown>).confidence) &&
  (x.mcnemar === undefined ||
    (isObject(x.mcnemar) &&
      [x.mcnemar.onlyCurrent, x.mcnemar.onlyBaseline, x.mcnemar.n, x.mcnemar.p, x.mcnemar.pHolm].every(isNumber)));
const isModel = (x: unknown) => isObject(x) && isString(x.name) && isString(x.sha256);

/** A comparison with a baseline (`check --baseline`) as the comparison section draws it. */
export function isModelComparison(x: unknown): x is ModelComparison {
  return (
    isObject(x) &&
    isObject(x.baseline) &&
    isString(x.baseline.file) &&
    isString(x.baseline.createdAt) &&
    isModel(x.baseline.model) &&
    isObject(x.current) &&
    isModel(x.current.model) &&
    isObject(x.rows) &&
    [x.rows.shared, x.rows.onlyBaseline, x.rows.onlyCurrent, x.rows.changedText].every(isNumber) &&
    Array.isArray(x.explainers) &&
    x.explainers.every(
      (e) =>
        isObject(e) &&
        isString(e.id) &&
        isString(e.label) &&
        isComparedRatio(e.mean) &&
        isObject(e.operators) &&
        Object.values(e.operators).every(isComparedRatio),
    ) &&
    Array.isArray(x.excluded) &&
    x.excluded.every((e) => isObject(e) && isString(e.id) && isString(e.reason)) &&
    (x.accuracy === null || isComparedRatio(x.accuracy)) &&
    Array.isArray(x.notes) &&
    x.notes.every(isString)
  );
}

/** Enough of a report to draw; anything else is rejected rather than half drawn. */
export function isReportView(x: unknown): x is ReportView {
  return (
    isObject(x) &&
    typeof x.schema === 'string' &&
    READABLE_REPORT_SCHEMAS.includes(x.schema) &&
    isObject(x.dataset) &&
    isObject(x.model) &&
    isObject(x.settings) &&
    Array.isArray(x.settings.operators) &&
    Array.isArray(x.explainers) &&
    Array.isArray(x.metrics) &&
    Array.isArray(x.sampleRows) &&
    Array.isArray(x.byLength) &&
    Array.isArray(x.byConfidence) &&
    isObject(x.random) &&
    isObject(x.violationTokens) &&
    (x.comparison === undefined || isModelComparison(x.comparison))
  );
}

export function isReportHostMessage(x: unknown): x is ReportHostMessage {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'report':
      return isReportView(x.report);
    case 'progress':
      return (
        isNumber(x.done) &&
        (x.total === null || isNumber(x.total)) &&
        isNumber(x.perSecond) &&
        (x.etaSeconds === null || isNumber(x.etaSeconds)) &&
        typeof x.label === 'string'
      );
    case 'finished':
      return typeof x.cancelled === 'boolean' && (x.message === undefined || typeof x.message === 'string');
    default:
      return false;
  }
}

export function isSavedState(x: unknown): x is ReportSavedState {
  return isObject(x) && isObject(x.view);
}

export function isStandaloneData(x: unknown): x is StandaloneReportData {
  return isObject(x) && isReportView(x.report) && (x.view === undefined || isObject(x.view));
}

/** What identifies a report for a restored panel's host. */
export function reportIdentity(report: ReportView): NonNullable<ReportSavedState['report']> {
  return { createdAt: report.createdAt, datasetPath: report.dataset.path, model: report.model.name };
}

const has = (list: readonly string[], x: unknown): x is string => typeof x === 'string' && list.includes(x);

function validFilters(
  f: Partial<SampleFilters> | undefined,
  report: ReportView,
  explainerIds: string[],
): SampleFilters {
  const out: SampleFilters = { ...DEFAULT_FILTERS };
  if (!f) return out;
  if (f.label === null || (typeof f.label === 'string' && distinctLabels(report.sampleRows).includes(f.label)))
    out.label = f.label;
  if (has(report.model.labels, f.prediction)) out.prediction = f.prediction;
  if (has(['any', 'correct', 'wrong', 'unlabelled'], f.correctness)) out.correctness = f.correctness;
  if (has(explainerIds, f.explainer)) out.explainer = f.explainer;
  if (has(['any', 'violates', 'consistent'], f.violation)) out.violation = f.violation;
  if (typeof f.search === 'string') out.search = f.search;
  return out;
}

function validSampleSort(s: Partial<SampleSort> | undefined): SampleSort {
  if (!s || !has(['row', 'confidence', 'violation'], s.key) || typeof s.descending !== 'boolean')
    return { ...DEFAULT_SAMPLE_SORT };
  return { key: s.key, descending: s.descending };
}

/** Saved or embedded view choices made valid for this report: unknown explainers, classes and columns fall back. */
export function normaliseView(view: Partial<ReportViewState> | undefined, report: ReportView): ReportViewState {
  const ids = report.explainers.map((e) => e.id);
  const chart = Array.isArray(view?.chartExplainers) ? view.chartExplainers.filter((id) => has(ids, id)) : [];
  const out: ReportViewState = {
    sort: validSummarySort(view?.sort, report),
    filters: validFilters(view?.filters, report, ids),
    sampleSort: validSampleSort(view?.sampleSort),
    sampleScroll: isNumber(view?.sampleScroll) ? Math.max(0, view.sampleScroll) : 0,
    pageScroll: isNumber(view?.pageScroll) ? Math.max(0, view.pageScroll) : 0,
  };
  if (chart.length > 0) out.chartExplainers = chart;
  if (has(ids, view?.polarityExplainer)) out.polarityExplainer = view.polarityExplainer;
  if (has(ids, view?.tokenExplainer)) out.tokenExplainer = view.tokenExplainer;
  if (typeof view?.tokenClass === 'string' && Object.hasOwn(report.violationTokens.byClass, view.tokenClass))
    out.tokenClass = view.tokenClass;
  return out;
}

/** The chart explainers in effect: the reader's pick, else the default. */
export function chartExplainers(view: ReportViewState, report: ReportView): string[] {
  return view.chartExplainers ?? defaultChartExplainers(report.explainers);
}
