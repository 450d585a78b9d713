/**
 * The report files `check` and `report` write: the checks made before any work (one report on stdout at most, folders
 * that exist, never over an input), and the writing (`-` is stdout; a file is replaced whole, never half-written).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  changeCase,
  checkThresholds,
  regressionCase,
  jsonReport,
  junitXml,
  markdownSummary,
  reportViewOf,
  samplesCsv,
  writeChunksAtomically,
  type DatasetReport,
  type DatasetRun,
  type JunitCase,
  type RegressionResult,
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
