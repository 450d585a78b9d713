/**
 * `polarity-lens report`: renders a saved dataset report (the JSON of `check --json` or of the report panel's export)
 * as the files `check` writes (HTML, Markdown, per-sample CSV, JUnit), without the model or the dataset; the same
 * writers, so the files are those `check` would have written with the run. Thresholds can be judged again.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkThresholds, markdownSummary, parseThreshold, readReportFile, savedRun } from '../core';
import { junitCases, targetProblem, writeReports, writesToStdout } from './reportOutputs';

export const REPORT_HELP = `polarity-lens report <report.json> [--html F] [--markdown F] [--csv F] [--junit F]
                      [--max-violation EXPLAINER=RATIO]...

Reads a saved dataset report (the JSON that check --json or the report panel's Export JSON writes) and writes it as
the self-contained HTML report, the Markdown summary, the per-sample CSV or JUnit XML, as check would have; prints
the Markdown summary. Neither the model nor the dataset is needed.
  --html, --markdown, --csv, --junit
                   write those files (replaced if they exist); \`-\` writes that one to stdout (the summary then goes
                   to stderr)
  --max-violation  judge a threshold again, repeatable, as check does: exit 1 when one is broken (a partial report,
                   from a cancelled run, is not judged: exit 2)`;

export async function reportCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      html: { type: 'string' },
      markdown: { type: 'string' },
      csv: { type: 'string' },
      junit: { type: 'string' },
      'max-violation': { type: 'string', multiple: true, default: [] },
    },
  });
  if (positionals.length !== 1) throw new Error(`expected one report file (.json); got ${positionals.length}.`);
  const path = resolve(positionals[0]);
  const problem = targetProblem(values, { [path]: 'the report read' });
  if (problem) throw new Error(problem);
  const report = await readReportFile(path);
  const thresholds = values['max-violation'].map((t) => parseThreshold(t, report.settings.explainers));
  if (thresholds.length && !report.complete)
    throw new Error(
      `${path} is a partial report (its run was cancelled or stopped early: ${report.samples} samples); thresholds are not judged on part of a dataset.`,
    );
  const run = savedRun(report);
  const results = thresholds.length ? checkThresholds(report, thresholds) : [];
  // With a report on stdout, the summary and the verdicts go to stderr so stdout stays that report alone.
  const say = writesToStdout(values) ? (line: string) => process.stderr.write(`${line}\n`) : out;
  say(markdownSummary(run.report));
  for (const r of results) say(`${r.passed ? 'PASS' : 'FAIL'} ${r.message}`);
  await writeReports(run, values, junitCases(run.report, results, []));
  return results.every((r) => r.passed) ? 0 : 1;
}
