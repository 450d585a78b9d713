/**
 * The report files `check` and `report` write: the checks made before any work (one report on stdout at most, folders
 * that exist, never over an input), and the writing (`-` is stdout; a file is replaced whole, never half-written).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  changeCase,
  checkRegressions,
  checkThresholds,
  compareWithBaseline,
  ComparisonError,
  comparisonPlan,
  regressionCase,
  jsonReport,
  junitXml,
  markdownSummary,
  reportViewOf,
  samplesCsv,
  writeChunksAtomically,
  type BaselineReport,
  type DatasetReport,
  type DatasetRun,
  type JunitCase,
  type ModelComparison,
  type Regression,
  type RegressionResult,
  type Threshold,
  type ThresholdResult,
} from '../core';
import { reportBundle } from '../pages/report/reportBundle';
import { standaloneReportHtml } from '../pages/report/reportHtml';

/** The report files asked for, by flag: a path, or `-` for stdout. */
export interface ReportTargets {
  json?: string;
  csv?: string;
  markdown?: string;
  junit?: string;
  html?: string;
}

const targetsOf = (t: ReportTargets) =>
  [t.json, t.csv, t.markdown, t.junit, t.html].filter((f): f is string => f !== undefined);

/** Whether one of the reports goes to stdout (then the summary goes to stderr). */
export const writesToStdout = (t: ReportTargets): boolean => targetsOf(t).includes('-');

/**
 * Why the targets cannot be written, checked before the work. `inputs` (absolute path → what it is, e.g. "the dataset
 * itself") are the files read, never written over.
 */
export function targetProblem(t: ReportTargets, inputs: Record<string, string>): string | undefined {
  const named = targetsOf(t);
  if (named.filter((f) => f === '-').length > 1) return 'only one report can go to stdout (-).';
  for (const output of named.filter((f) => f !== '-').map((f) => resolve(f))) {
    if (Object.hasOwn(inputs, output)) return `${output} is ${inputs[output]}; write the report somewhere else.`;
    if (!existsSync(dirname(output))) return `the folder of ${output} does not exist.`;
  }
  return undefined;
}

/** Writes every report asked for; JUnit lists `cases` (see junitCases). */
export async function writeReports(
  run: DatasetRun,
  t: ReportTargets,
  cases: (ThresholdResult | JunitCase)[],
): Promise<void> {
  const write = (path: string, chunks: Iterable<string> | AsyncIterable<string>) =>
    path === '-' ? toStdoutStream(chunks) : writeChunksAtomically(resolve(path), chunks, { overwrite: true });
  if (t.json) await write(t.json, jsonReport(run));
  if (t.csv) await write(t.csv, samplesCsv(run));
  if (t.markdown) await write(t.markdown, [markdownSummary(run.report)]);
  if (t.junit) await write(t.junit, [junitXml(run.report, cases)]);
  if (t.html) await write(t.html, [standaloneReportHtml(reportViewOf(run), reportBundle())]);
}

/** Writes a report's chunks to stdout, waiting where the pipe is full. */
async function toStdoutStream(chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks)
    if (!process.stdout.write(chunk)) await new Promise((done) => process.stdout.once('drain', done));
}

/**
 * The JUnit cases: each threshold, or without thresholds every explainer's ratio as a passed case (one that never ran
 * as skipped); and with a baseline each --max-regression, or without gates every explainer's change as a passed case
 * (one with too few samples to judge as skipped).
 */
export function junitCases(
  report: Omit<DatasetReport, 'records'>,
  results: ThresholdResult[],
  rises: RegressionResult[],
): (ThresholdResult | JunitCase)[] {
  const thresholds = results.length
    ? results
    : checkThresholds(
        report,
        report.explainers.map((e) => ({ explainer: e.id, maxRatio: 1 })),
      ).map((r) => (r.ratio === null ? { ...r, skipped: true } : r));
  const changes = rises.length ? rises.map(regressionCase) : (report.comparison?.explainers.map(changeCase) ?? []);
  return [...thresholds, ...changes];
}

/** What a finished run is judged by: --max-violation thresholds, and with --baseline the --max-regression gates. */
export interface RunGates {
  thresholds: Threshold[];
  baseline?: BaselineReport;
  regressions: Regression[];
}

/**
 * The end of `check` and of `merge`: the comparison with the baseline (kept in every report), the summary and the
 * verdicts printed (on stderr when a report goes to stdout), the reports written, and the exit code: 130 when the run
 * was interrupted, 2 (via `usage`) when the dataset could not be read to its end or the baseline shares no sample,
 * else 1 when a threshold or gate failed, else 0.
 */
export async function concludeRun(
  run: DatasetRun,
  targets: ReportTargets,
  gates: RunGates,
  out: (line: string) => void,
  usage: (message: string) => number,
  interrupted = false,
): Promise<number> {
  // The comparison goes into every report; when it cannot be made (no sample shared after all), the reports are
  // still written, without it, and the exit code says so.
  let comparison: ModelComparison | undefined;
  let notCompared: string | undefined;
  if (gates.baseline) {
    try {
      comparison = await compareWithBaseline(gates.baseline, run.report, run.records());
    } catch (e) {
      if (!(e instanceof ComparisonError)) throw e;
      notCompared = e.message;
    }
  }
  const done = comparison ? { ...run, report: { ...run.report, comparison } } : run;
  const results = gates.thresholds.length ? checkThresholds(done.report, gates.thresholds) : [];
  const rises = comparison ? checkRegressions(comparison, gates.regressions) : [];
  // With a report on stdout, the summary and the verdicts go to stderr so stdout stays that report alone.
  const say = writesToStdout(targets) ? (line: string) => process.stderr.write(`${line}\n`) : out;
  say(markdownSummary(done.report));
  for (const r of [...results, ...rises]) say(`${r.passed ? 'PASS' : 'FAIL'} ${r.message}`);
  await writeReports(done, targets, junitCases(done.report, results, rises));
  if (interrupted) return 130;
  // The file could not be read to its end: judging thresholds on part of it would pass a broken dataset.
  if (!run.report.complete) return usage(stoppedReading(run.report, 'the report covers the rows before it'));
  if (notCompared) return usage(notCompared);
  return [...results, ...rises].every((r) => r.passed) ? 0 : 1;
}

/** Where and why a run's dataset could not be read to its end (the last bad row is the one reading stopped at). */
export function stoppedReading(report: Omit<DatasetReport, 'records'>, covers: string): string {
  const stop = report.dataset.badRows.at(-1);
  return `${report.dataset.path} could not be read past line ${stop?.line ?? '?'} (${stop?.reason ?? 'unreadable'}); ${covers}.`;
}

/**
 * Before anything is explained (check) or merged into reports (merge): the baseline can be compared with this run's
 * settings, and every --max-regression names an explainer that is compared (else a ComparisonError, bad input).
 */
export function gatesComparable(
  baseline: BaselineReport,
  header: Omit<DatasetReport, 'records'>,
  gates: { explainer: string }[],
): void {
  const plan = comparisonPlan(baseline, header);
  for (const g of gates) {
    const excluded = plan.excluded.find((e) => e.id === g.explainer);
    if (excluded)
      throw new ComparisonError(
        `--max-regression ${g.explainer}: it cannot be compared with the baseline ${baseline.file}: ${excluded.reason}`,
      );
  }
}
