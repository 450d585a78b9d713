/**
 * `polarity-lens check`: the violation test over a dataset file, headless, as a CI gate. Progress goes to stderr, the
 * summary table to stdout, reports to the files asked for; with --baseline, the comparison with an earlier report too.
 * The exit code is 1 when a --max-violation or --max-regression threshold is broken, 2 for bad input (a baseline that
 * cannot be compared included), 130 when interrupted (the partial report is still written). With --shard K/N it
 * explains its share of the selection and writes a shard file instead of the reports (polarity-lens merge).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  columnsNeedConfirming,
  ComparisonError,
  countSharedRows,
  datasetTarget,
  DatasetError,
  DEFAULT_MEASURES,
  defaultCacheDir,
  detectFormat,
  EXPLAINERS,
  formatDuration,
  MAX_WORKERS,
  MEASURE_IDS,
  MEASURES,
  parseMeasures,
  parseRegression,
  parseThreshold,
  previewDataset,
  readBaselineReport,
  resolveModelDir,
  runDataset,
  selectRows,
  TextClassifier,
  type BaselineReport,
  type ColumnChoice,
  type DatasetProgress,
  type DatasetRun,
  type MeasureId,
  type SampleSpec,
  type Shard,
  writeChunksAtomically,
} from '../core';
import { DEFAULT_EXPLAIN_MODEL } from './explainCommand';
import { concludeRun, gatesComparable, stoppedReading, targetProblem } from './reportOutputs';
import { SHARD_HELP, shardFromFlag } from './shardOption';
import { ENGINE_FLAGS, ENGINE_HELP, engineOptions, type EngineOptions } from './engineOptions';

/** `--measure`'s help: each measure with what it computes and costs, the default marked. */
const MEASURE_HELP = [
  `  --measure        what to compute per sample, comma-separated (default ${DEFAULT_MEASURES.join(',')}, what the`,
  `                   summary shows first; all: everything); the reports say what was not computed:`,
  ...MEASURES.flatMap((m) => wrapHelp(`${m.id}: ${m.description}`)),
].join('\n');

/** `text` as help lines indented under a flag, at most 118 characters wide. */
function wrapHelp(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 98) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].map((l) => `${' '.repeat(19)}${l}`);
}

export const CHECK_HELP = `polarity-lens check <dataset.csv|.tsv|.jsonl|.json|.txt> [--model NAME|DIR] [--explainers a,b] [--limit N]
                     [--sample first|random|stratified] [--seed S] [--text-column C] [--label-column C] [--target CLASS]
                     [--measure ${MEASURE_IDS.join(',')}|all]
                     [--max-violation EXPLAINER=RATIO]... [--baseline OLD.json [--max-regression EXPLAINER=DELTA]...]
                     [--json F] [--junit F] [--csv F] [--html F] [--markdown F]
                     [--shard K/N|auto|auto/N [--shard-file F]]

Runs the faithfulness violation test over every selected row of the dataset (the same engine as explain), prints
each explainer's violation ratio per erasure operator with 95% intervals next to the Random floor, and exits 1 when
an explainer's mean violation ratio (over delete, zero-embedding and attention-mask) is above its --max-violation.
With --baseline, compares this run with an earlier report (e.g. of the model before retraining) on the samples both
explained, and exits 1 when a --max-regression says the violation ratio rose too far.
  --model          a shipped model name or a model folder; default ${DEFAULT_EXPLAIN_MODEL}
  --limit          explain N rows (default: all); --sample picks them: first (default), random or stratified by label
  --text-column, --label-column
                   the columns to read (default: detected by name and content; --label-column none for no labels)
  --target         explain every sample for this class (name or index) instead of its prediction ŷ: every Δ and
                   verdict is then about p(CLASS); accuracy, the per-class tables and the confusion matrix still use ŷ
${MEASURE_HELP}
  --max-violation  a threshold, repeatable: e.g. --max-violation attention-x-gradient=0.25
  --baseline       a JSON report written by check --json (any model, same dataset): prints per explainer and operator
                   the baseline's violation ratio, this run's and the change (this run − baseline) on the samples both
                   explained (paired by row and text) with a paired 95% interval, Bonferroni-adjusted over the
                   explainers (✱: it excludes 0), and the change in accuracy; the reports keep the comparison. Exits 2
                   when the baseline is not such a report, shares no sample, or measured something else (another
                   --granularity or --target); an explainer that reads a setting that differs is left out, with why
  --max-regression a gate on the comparison, repeatable: e.g. --max-regression attention-x-gradient=0.05 fails (exit 1)
                   when the mean violation ratio rose by more than 0.05 beyond noise, i.e. when the lower end of the
                   change's interval is above 0.05 (0: any rise the samples show); needs --baseline
  --json, --junit, --csv, --html, --markdown
                   write the full JSON report, JUnit XML, the per-sample CSV, the self-contained HTML report or the
                   Markdown summary to these files (replaced if they exist); \`-\` writes that one to stdout (the
                   summary then goes to stderr)
  --quiet          no progress on stderr (outside a terminal it is printed every 10 s or 10% at most)
  --cache-dir      where finished samples are cached, so a rerun resumes (default ${join(defaultCacheDir(), 'dataset-runs')});
                   --no-cache to use none
  --workers        explain in N processes of one thread each (default 1; auto: one per CPU core): faster on several
                   cores; the report is the same
${SHARD_HELP}
${ENGINE_HELP}`;

export async function checkCommand(argv: string[], out: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseCheckArgs(argv);
  } catch (e) {
    process.stderr.write(`polarity-lens check: ${(e as Error).message}. See --help.\n`);
    return 2;
  }
  return check(parsed, out);
}

function parseCheckArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: DEFAULT_EXPLAIN_MODEL },
      ...ENGINE_FLAGS,
      limit: { type: 'string' },
      sample: { type: 'string', default: 'first' },
      'text-column': { type: 'string' },
      'label-column': { type: 'string' },
      target: { type: 'string' },
      measure: { type: 'string' },
      'max-violation': { type: 'string', multiple: true, default: [] },
      baseline: { type: 'string' },
      'max-regression': { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
      junit: { type: 'string' },
      csv: { type: 'string' },
      html: { type: 'string' },
      markdown: { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      workers: { type: 'string', default: '1' },
      quiet: { type: 'boolean', default: false },
      shard: { type: 'string' },
      'shard-file': { type: 'string' },
    },
  });
}

async function check(
  { values, positionals }: ReturnType<typeof parseCheckArgs>,
  out: (line: string) => void,
): Promise<number> {
  const usage = (message: string) => {
    process.stderr.write(`polarity-lens check: ${message}\n`);
    return 2;
  };
  if (positionals.length !== 1) return usage(`expected one dataset file; got ${positionals.length}. See --help.`);
  const path = resolve(positionals[0]);
  let explain: EngineOptions;
  let load: ReturnType<typeof engineOptions>['load'];
  let thresholds;
  let regressions;
  let selection: SampleSpec;
  let shard: Shard | undefined;
  let measure: MeasureId[];
  try {
    measure = values.measure === undefined ? [...DEFAULT_MEASURES] : parseMeasures(values.measure);
    ({ load, ...explain } = engineOptions(values));
    const chosen = explain.explainers ?? EXPLAINERS.map((e) => e.id);
    thresholds = values['max-violation'].map((t) => parseThreshold(t, chosen));
    if (values['max-regression'].length && values.baseline === undefined)
      throw new Error('--max-regression compares with a baseline report: give it with --baseline OLD.json');
    regressions = values['max-regression'].map((t) => parseRegression(t, chosen));
    selection = sampleSpec(values.sample, values.limit, explain.seed);
    if (values.shard !== undefined) {
      const asked = [
        ...(['json', 'junit', 'csv', 'html', 'markdown', 'baseline'] as const).filter((f) => values[f] !== undefined),
        ...(values['max-violation'].length ? ['max-violation'] : []),
      ];
      if (asked.length)
        throw new Error(
          `with --shard, check writes a shard file; the reports and the gates (--${asked.join(', --')}) are polarity-lens merge's, once every shard is done`,
        );
      const choice = shardFromFlag(values.shard);
      shard = choice.shard;
      if (!values.quiet) process.stderr.write(`shard ${shard.index}/${shard.count} (${choice.from})\n`);
    } else if (values['shard-file'] !== undefined) throw new Error('--shard-file goes with --shard K/N');
  } catch (e) {
    return usage((e as Error).message);
  }
  const workers = values.workers === 'auto' ? 0 : Number(values.workers);
  if (values.workers !== 'auto' && !(/^\d+$/.test(values.workers) && workers >= 1 && workers <= MAX_WORKERS))
    return usage(`--workers must be auto or a whole number from 1 to ${MAX_WORKERS}.`);

  // Checked before an hour of explaining, not after; and the dataset is never an output.
  const shardFile = shard ? shardFilePath(path, shard, values['shard-file']) : undefined;
  // Shards start at once on a fresh volume: the shard file's folder is made, as the cache's is.
  if (shardFile) mkdirSync(dirname(shardFile), { recursive: true });
  const problem = targetProblem(shardFile ? { json: shardFile } : values, { [path]: 'the dataset itself' });
  if (problem) return usage(problem);
  let columns: ColumnChoice;
  try {
    columns = await chooseColumns(path, values['text-column'], values['label-column']);
  } catch (e) {
    return usage((e as Error).message);
  }
  let baseline: BaselineReport | undefined;
  if (values.baseline !== undefined) {
    try {
      baseline = await readBaselineReport(values.baseline);
      // A baseline of another dataset (or another selection of it) is refused before anything is explained.
      const shared = await countSharedRows(
        baseline,
        selectRows(path, columns, selection, { format: detectFormat(path) }),
      );
      if (shared === 0)
        throw new ComparisonError(
          `no selected row of ${path} is in the baseline ${values.baseline} with the same index and text (its ${baseline.rows.size} rows are from ${baseline.summary.dataset.path}): compare runs on the same dataset`,
        );
    } catch (e) {
      if (e instanceof ComparisonError || e instanceof DatasetError) return usage(e.message);
      throw e;
    }
  }
  let model: TextClassifier;
  try {
    model = await TextClassifier.load(resolveModelDir(values.model), load);
  } catch (e) {
    return usage((e as Error).message);
  }
  try {
    datasetTarget(model, values.target);
  } catch (e) {
    await model.dispose();
    return usage((e as Error).message);
  }
  const tempCache = values['no-cache'] ? mkdtempSync(join(tmpdir(), 'polarity-lens-check-')) : undefined;
  const controller = new AbortController();
  const interrupt = () => {
    process.stderr.write(
      shard
        ? '\ninterrupted: stopping; the finished samples stay in the cache, and the same command resumes from them (Ctrl+C again to quit now)\n'
        : '\ninterrupted: finishing the report with the samples done so far (Ctrl+C again to quit now)\n',
    );
    controller.abort();
    process.once('SIGINT', () => {
      if (tempCache) rmSync(tempCache, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupt);
  try {
    let run;
    try {
      run = await runDataset(model, {
        // The CLI's bundle sits beside the worker's (dist/cli.js, dist/outcomeWorker.js).
        path,
        columns,
        selection,
        explain: values.target === undefined ? explain : { ...explain, target: values.target },
        measure,
        maxTokens: load.maxTokens,
        workers,
        workerScript: join(__dirname, 'outcomeWorker.js'),
        signal: controller.signal,
        cacheDir: tempCache ?? resolve(values['cache-dir'] ?? join(defaultCacheDir(), 'dataset-runs')),
        onProgress: values.quiet ? undefined : progressLine(),
        onStart: baseline ? (header) => gatesComparable(baseline, header, regressions) : undefined,
        shard,
      });
    } catch (e) {
      if (e instanceof DatasetError || e instanceof ComparisonError) return usage(e.message);
      throw e;
    }
    try {
      if (!values.quiet) process.stderr.write('\n');
      if (shard) return await writeShard(run, shard, shardFile!, out, usage, controller.signal.aborted);
      const gates = { thresholds, baseline, regressions };
      return await concludeRun(run, values, gates, out, usage, controller.signal.aborted);
    } finally {
      run.close();
    }
  } finally {
    process.removeListener('SIGINT', interrupt);
    await model.dispose();
    if (tempCache) rmSync(tempCache, { recursive: true, force: true });
  }
}

/** `--shard-file`: a file, or a folder for the default name; default that name in the current folder. */
function shardFilePath(dataset: string, shard: Shard, given: string | undefined): string {
  const name = `${basename(dataset, extname(dataset))}.polarity-lens.shard-${shard.index}-of-${shard.count}.jsonl`;
  if (given === undefined) return resolve(name);
  const isFolder = (() => {
    try {
      return statSync(given).isDirectory();
    } catch {
      return given.endsWith('/');
    }
  })();
  return isFolder ? resolve(given, name) : resolve(given);
}

/**
 * A shard run's end: its shard file written whole (replacing one from an earlier run), and a line saying what is in
 * it. Interrupted, nothing is written (a shard file is always a whole shard): the cache holds the finished samples.
 */
async function writeShard(
  run: DatasetRun,
  shard: Shard,
  file: string,
  out: (line: string) => void,
  usage: (message: string) => number,
  interrupted: boolean,
): Promise<number> {
  if (interrupted || !run.shardFile) {
    process.stderr.write(`shard ${shard.index}/${shard.count} not written; run the same command again to resume.\n`);
    return 130;
  }
  await writeChunksAtomically(file, run.shardFile(), { overwrite: true });
  const { report } = run;
  out(
    `shard ${shard.index}/${shard.count}: ${report.rowsExplained ?? report.samples} rows explained (${report.resumed} from cache) of the ${report.dataset.rowsSelected} selected, written to ${file}`,
  );
  return report.complete
    ? 0
    : usage(stoppedReading(report, 'the shard covers the rows before it, as every shard does'));
}

function sampleSpec(mode: string | undefined, limit: string | undefined, seed: number): SampleSpec {
  if (limit === undefined) {
    if (mode && mode !== 'first') throw new Error(`--sample ${mode} needs --limit N (how many rows to draw).`);
    return { mode: 'all' };
  }
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1) throw new Error('--limit must be a positive whole number.');
  if (mode !== 'first' && mode !== 'random' && mode !== 'stratified')
    throw new Error('--sample must be first, random or stratified.');
  return mode === 'first' ? { mode, n } : { mode, n, seed };
}

async function chooseColumns(path: string, text: string | undefined, label: string | undefined): Promise<ColumnChoice> {
  const preview = await previewDataset(path);
  const known = (c: string) => {
    if (!preview.columns.includes(c))
      throw new Error(`${path} has no column "${c}"; its columns are: ${preview.columns.join(', ')}`);
    return c;
  };
  const guess = preview.guess;
  const textColumn = text !== undefined ? known(text) : guess.text;
  if (textColumn === null || (text === undefined && columnsNeedConfirming(guess))) {
    throw new Error(
      `cannot tell which column holds the text in ${path} (candidates: ${guess.textCandidates.join(', ') || 'none'}); name it with --text-column.`,
    );
  }
  const labelColumn = label === 'none' ? null : label !== undefined ? known(label) : guess.label;
  return { text: textColumn, label: labelColumn };
}

/**
 * One stderr line: rewritten in place on a terminal (every 250 ms); in a CI log, a line every 10 s or every 10% of
 * the rows at most, and the last one.
 */
function progressLine(): (p: DatasetProgress) => void {
  const terminal = process.stderr.isTTY;
  let last = 0;
  let lastShare = -1;
  return (p) => {
    const now = Date.now();
    const share = p.total ? Math.floor((10 * p.done) / p.total) : -1;
    const due = terminal ? now - last >= 250 : now - last >= 10_000 || share > lastShare;
    if (!due && p.done !== p.total) return;
    last = now;
    lastShare = share;
    const eta = p.etaSeconds === null ? '' : `, ETA ${formatDuration(p.etaSeconds)}`;
    const line = `explained ${p.done}${p.total === null ? '' : `/${p.total}`} rows (${p.resumed} from cache), ${p.perSecond.toFixed(1)} samples/s${eta}${p.badRows ? `, ${p.badRows} bad row${p.badRows === 1 ? '' : 's'} skipped` : ''}`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
  };
}
