/**
 * Dataset-mode throughput: samples per second of the violation test (metrics and the Random floor included) on the
 * SST-2 test split for each shipped model, with the forward-only explainers and with all explainers; then the peak
 * memory of a 100,000-row streamed run (SST-2 test rows repeated, so after the first pass they come from the cache:
 * it measures the streaming pipeline, reader → cache → report, not the model).
 *
 *   npm run bench:dataset [-- --models a,b] [--forward-rows N] [--all-rows N] [--stream-rows N] [--threads T] [--workers W] [--skip-stream]
 *
 * Prints figures only; nothing is asserted. Targets from the issue: forward-only ≥ 100 samples/s and all explainers
 * ≥ 20 samples/s on sst2-transformer, peak RSS ≤ 600 MB for the streamed run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EXPLAINERS,
  projectRoot,
  readLabelledCsv,
  resolveModelDir,
  runDataset,
  SHIPPED_MODELS,
  TextClassifier,
} from '../src/core';
import { writeRepeatedCsv } from './repeatedCsv';

const ROOT = projectRoot(__dirname);
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');
/**
 * Explainers that need only forward runs: the clean run and the leave-one-out erasures the test makes anyway. Not
 * AttIN (it reads value vectors from the differentiated graph) nor LIME/Kernel SHAP (hundreds of sampled inputs).
 */
const FORWARD_ONLY = ['raw-attention', 'rollout', 'occlusion', 'random'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: {
        type: 'string',
        default: SHIPPED_MODELS.filter((m) => m.dataset === 'sst2')
          .map((m) => m.name)
          .join(','),
      },
      'forward-rows': { type: 'string', default: '300' },
      'all-rows': { type: 'string', default: '40' },
      'stream-rows': { type: 'string', default: '100000' },
      threads: { type: 'string', default: '0' },
      /** Worker processes for the parallel columns; default: one per CPU core. */
      workers: { type: 'string', default: String(cpus().length) },
      'skip-stream': { type: 'boolean', default: false },
      'stream-only': { type: 'boolean', default: false },
    },
  });
  const test = join(DATA, 'sst2', 'test.csv');
  if (values['stream-only']) return streamed(test, Number(values['stream-rows']), Number(values.threads));
  console.log(
    `forward-only explainers: ${FORWARD_ONLY.join(', ')}; metrics, the three paper operators and Random's 3 seeds always run`,
  );
  const workers = Number(values.workers);
  console.log(
    `| model | forward-only samples/s | forward-only, ${workers} workers | all explainers samples/s | all, ${workers} workers |`,
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const name of values.models.split(',')) {
    const model = await TextClassifier.load(resolveModelDir(name), { threads: Number(values.threads) });
    try {
      await throughput(model, test, FORWARD_ONLY, 5); // warm-up: sessions, gradient graph
      const all = EXPLAINERS.map((e) => e.id);
      const [forwardRows, allRows] = [Number(values['forward-rows']), Number(values['all-rows'])];
      const figures = [
        (await throughput(model, test, FORWARD_ONLY, forwardRows)).toFixed(1),
        (await throughput(model, test, FORWARD_ONLY, forwardRows, workers)).toFixed(1),
        (await throughput(model, test, all, allRows)).toFixed(2),
        (await throughput(model, test, all, allRows, workers)).toFixed(2),
      ];
      console.log(`| ${name} | ${figures.join(' | ')} |`);
    } finally {
      await model.dispose();
    }
  }
  if (values['skip-stream']) return;
  // A fresh process, so its peak memory is the streamed run's alone (not the models loaded above).
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      __filename,
      '--stream-only',
      '--stream-rows',
      values['stream-rows'],
      '--threads',
      values.threads,
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`the streamed run failed (exit ${child.status})`);
}

/** Samples per second over the first `rows` rows, with a fresh (empty) cache; worker start-up included. */
async function throughput(
  model: TextClassifier,
  path: string,
  explainers: string[],
  rows: number,
  workers = 1,
): Promise<number> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'polarity-lens-bench-'));
  try {
    const started = performance.now();
    const run = await runDataset(model, {
      path,
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: rows },
      explain: { explainers },
      cacheDir,
      workers,
      workerScript: join(ROOT, 'dist', 'outcomeWorker.js'),
    });
    run.close();
    return run.report.samples / ((performance.now() - started) / 1000);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function streamed(test: string, rows: number, threads: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'polarity-lens-stream-'));
  try {
    const file = join(dir, 'repeated.csv');
    await writeRepeatedCsv(file, readLabelledCsv(test), rows);
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'), { threads });
    const before = process.memoryUsage().rss;
    const started = performance.now();
    let peak = before;
    const run = await runDataset(model, {
      path: file,
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
      explain: { explainers: FORWARD_ONLY },
      cacheDir: join(dir, 'cache'),
      onProgress: (p) => {
        if (p.done % 1000 === 0) {
          peak = Math.max(peak, process.memoryUsage().rss);
          if (p.done % 10000 === 0) process.stderr.write(`streamed ${p.done}/${p.total} rows\n`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    run.close();
    await model.dispose();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(
      `\nstreamed run: ${run.report.samples.toLocaleString('en')} rows of ${(statSync(file).size / 1e6).toFixed(1)} MB (sst2-transformer, forward-only) in ${seconds.toFixed(0)} s, ${run.report.resumed.toLocaleString('en')} from the cache`,
    );
    console.log(
      `peak RSS ${(Math.max(peak, maxRss) / 1e6).toFixed(0)} MB (process maximum, model included; ${(before / 1e6).toFixed(0)} MB before the run)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
