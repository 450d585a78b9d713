/**
 * `polarity-lens merge`: the shard files of one run (check --shard K/N on N machines) folded into the report one
 * machine would have written, then judged and written as check does (the same end: concludeRun). Neither the model nor
 * the dataset is needed. Shards that are not one run's, a missing or a repeated shard are bad input (exit 2), named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ComparisonError,
  mergeShards,
  parseRegression,
  parseThreshold,
  readBaselineReport,
  ShardError,
  type BaselineReport,
  type DatasetRun,
} from '../core';
import { concludeRun, gatesComparable, targetProblem } from './reportOutputs';

export const MERGE_HELP = `polarity-lens merge <shard files…> [--json F] [--junit F] [--csv F] [--html F] [--markdown F]
                     [--max-violation EXPLAINER=RATIO]... [--baseline OLD.json [--max-regression EXPLAINER=DELTA]...]

Folds the shard files of one run (check --shard K/N, all N of them, in any order) into the run's report: every number
and every sample as one machine would have reported them (the rows are folded back in file order through the same
tally). Prints the summary and writes the files as check does, with the same --max-violation thresholds (exit 1 when
one is broken) and --baseline / --max-regression comparison and gates. The times are the shards' own (timing.seconds is
their sum). Exits 2, naming the file, when a file is not a shard, is cut short, or is a shard of another run (another
model, other settings, another selection of rows or another N), and when a shard is missing or given twice; and, after
writing the reports, when the dataset could not be read to its end (as check does).
  --json, --junit, --csv, --html, --markdown
                   write those files (replaced if they exist); \`-\` writes that one to stdout (the summary then goes
                   to stderr)
  --max-violation  a threshold, repeatable, as check's
  --baseline, --max-regression
                   compare with an earlier report and gate on the change, as check's`;

export async function mergeCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      junit: { type: 'string' },
      csv: { type: 'string' },
      html: { type: 'string' },
      markdown: { type: 'string' },
      'max-violation': { type: 'string', multiple: true, default: [] },
      baseline: { type: 'string' },
      'max-regression': { type: 'string', multiple: true, default: [] },
    },
  });
  const usage = (message: string) => {
    process.stderr.write(`polarity-lens merge: ${message}\n`);
    return 2;
  };
  if (positionals.length === 0) return usage('expected the shard files (check --shard K/N writes them). See --help.');
  if (values['max-regression'].length && values.baseline === undefined)
    return usage('--max-regression compares with a baseline report: give it with --baseline OLD.json');
  const paths = positionals.map((p) => resolve(p));
  const problem = targetProblem(values, Object.fromEntries(paths.map((p) => [p, 'a shard file read'])));
  if (problem) return usage(problem);
  let baseline: BaselineReport | undefined;
  if (values.baseline !== undefined) {
    try {
      baseline = await readBaselineReport(values.baseline);
    } catch (e) {
      if (e instanceof ComparisonError) return usage(e.message);
      throw e;
    }
  }
  const cacheDir = mkdtempSync(join(tmpdir(), 'polarity-lens-merge-'));
  let run: DatasetRun | undefined;
  try {
    try {
      run = await mergeShards(paths, cacheDir);
    } catch (e) {
      if (e instanceof ShardError) return usage(e.message);
      throw e;
    }
    const ids = run.report.settings.explainers;
    let gates;
    try {
      gates = {
        thresholds: values['max-violation'].map((t) => parseThreshold(t, ids)),
        baseline,
        regressions: values['max-regression'].map((t) => parseRegression(t, ids)),
      };
      if (baseline) gatesComparable(baseline, run.report, gates.regressions);
    } catch (e) {
      return usage((e as Error).message);
    }
    return await concludeRun(run, values, gates, out, usage);
  } finally {
    run?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
