/**
 * Shard scaling on this machine: samples/s of 1, 2 and 4 `check --shard K/P` processes launched together on the same
 * selection (and of one `check --workers 2`), the merge of 100,000 samples (time, peak RSS, file sizes), and from those
 * figures the hours a 500,000-row run takes on N machines of K cores, with the formula printed.
 *
 *   npm run bench:shards [-- --rows N] [--model M] [--explainers a,b] [--merge-samples N] [--skip-merge] [--write-readme]
 *                        [-- CHECK ARGS…]
 *
 * Arguments after a second `--` go to every check process, after the bench's own (e.g. `-- --explainers a,b`).
 * Prints Markdown, figures only; nothing is asserted. --write-readme also puts what it printed in README.md's
 * shard-bench block.
 */
import { spawn } from 'node:child_process';
import { cpSync, createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { projectRoot, readLabelledCsv } from '../src/core';
import { writeReadmeBlock } from './readmeBlock';
import { writeRepeatedCsv } from './repeatedCsv';
import { hoursTable, type Measured } from './scalingArithmetic';

const ROOT = projectRoot(__dirname);
const CLI = join(ROOT, 'dist', 'cli.js');
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');
const PROCESSES = [1, 2, 4];
const RUN_ROWS = 500_000;

interface Finished {
  seconds: number;
  /** Each process's stderr, in launch order. */
  stderr: string[];
}

/** Launches every command at once (node with these arguments) and waits for the last to exit; throws if one fails. */
async function timed(commands: string[][]): Promise<Finished> {
  const started = performance.now();
  const exits = await Promise.all(
    commands.map(
      (args) =>
        new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stderr }));
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  exits.forEach((e, i) => {
    if (e.code !== 0) throw new Error(`node ${commands[i].join(' ')} exited ${e.code}:\n${e.stderr.slice(-2000)}`);
  });
  return { seconds, stderr: exits.map((e) => e.stderr) };
}

/** The shard files in `dir` and their headers' row and cache-hit counts. */
async function shardsIn(dir: string): Promise<{ files: string[]; rows: number; resumed: number; bytes: number }> {
  const files = readdirSync(dir)
    .filter((f) => f.includes('.polarity-lens.shard-'))
    .map((f) => join(dir, f));
  let rows = 0;
  let resumed = 0;
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      const header = JSON.parse(line) as { rows: number; resumed: number };
      rows += header.rows;
      resumed += header.resumed;
      break;
    }
    lines.close();
  }
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  return { files, rows, resumed, bytes };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const n = (x: number) => x.toLocaleString('en');

/** Every line printed, for --write-readme. */
const printed: string[] = [];
const print = (line = '') => {
  console.log(line);
  printed.push(line);
};

interface Setup {
  rows: number;
  test: string;
  work: string;
  cores: number;
  /** The node arguments of a check process on `dataset`, with `more` before the pass-through arguments. */
  check: (dataset: string, more: string[]) => string[];
}

async function main(): Promise<void> {
  const { values, positionals: extra } = parseArgs({
    allowPositionals: true,
    options: {
      rows: { type: 'string', default: '600' },
      model: { type: 'string', default: 'sst2-transformer' },
      /** Forward-only: the clean run and the leave-one-out erasures the test makes anyway (as bench:dataset's). */
      explainers: { type: 'string', default: 'raw-attention,rollout,occlusion,random' },
      'merge-samples': { type: 'string', default: '100000' },
      'skip-merge': { type: 'boolean', default: false },
      'write-readme': { type: 'boolean', default: false },
    },
  });
  const setup: Setup = {
    rows: Number(values.rows),
    test: join(DATA, 'sst2', 'test.csv'),
    work: mkdtempSync(join(tmpdir(), 'polarity-lens-shards-')),
    cores: cpus().length,
    check: (dataset, more) => [
      CLI,
      'check',
      dataset,
      '--model',
      values.model,
      '--explainers',
      values.explainers,
      '--threads',
      '1',
      '--quiet',
      ...more,
      ...extra,
    ],
  };
  print(
    `Measured on ${setup.cores} cores (${cpus()[0].model}), load average ${loadavg()[0].toFixed(2)} at the start; ${values.model}, explainers ${values.explainers}, --threads 1${extra.length ? ` and then ${extra.join(' ')}` : ''}; the first ${n(setup.rows)} rows of SST-2 test. Every process has its own empty sample cache; wall time is from launching the processes to the last exit (model loads included).`,
  );
  try {
    const perProcess = await throughput(setup);
    if (!values['skip-merge']) {
      const merge = await mergeFigures(setup, Number(values['merge-samples']));
      arithmetic({ ...perProcess, ...merge }, setup.cores);
    }
    print(`\nLoad average ${loadavg()[0].toFixed(2)} at the end (other processes on the machine slow every figure).`);
  } finally {
    rmSync(setup.work, { recursive: true, force: true });
  }
  if (values['write-readme']) writeReadmeBlock(ROOT, 'shard-bench', printed.join('\n'));
}

/**
 * The throughput table: P shard processes launched together on the same rows, each merge timed; then one process
 * with 2 workers. Returns the one-process rate and the efficiency at as many processes as this machine has cores.
 */
async function throughput({ rows, test, work, cores, check }: Setup): Promise<{
  perProcess: number;
  efficiency: number;
  measuredAt: number;
}> {
  // One short run first, so the engine's own cache (the model's stored graphs) is filled before any timing.
  await timed([check(test, ['--limit', '1', '--no-cache'])]);
  print('\n| processes | rows | wall s | samples/s | speed-up | efficiency | merge s |');
  print('|---|---:|---:|---:|---:|---:|---:|');
  const rate = new Map<number, number>();
  for (const p of PROCESSES) {
    const dir = join(work, `p${p}`);
    const run = await timed(
      Array.from({ length: p }, (_, i) =>
        check(test, [
          '--limit',
          String(rows),
          '--shard',
          `${i + 1}/${p}`,
          '--shard-file',
          `${dir}/`,
          '--cache-dir',
          join(dir, `cache-${i + 1}`),
        ]),
      ),
    );
    const shards = await shardsIn(dir);
    if (shards.rows !== rows) throw new Error(`${p} shards explained ${shards.rows} rows, not ${rows}`);
    const merge = await timed([[CLI, 'merge', ...shards.files, '--json', join(dir, 'report.json')]]);
    rate.set(p, rows / run.seconds);
    const speedUp = rate.get(p)! / rate.get(1)!;
    print(
      `| ${p} × \`check --shard K/${p}\` | ${n(rows)} | ${run.seconds.toFixed(1)} | ${rate.get(p)!.toFixed(1)} | ${speedUp.toFixed(2)} | ${(speedUp / p).toFixed(2)} | ${merge.seconds.toFixed(1)} |`,
    );
  }
  const workers = await timed([
    check(test, ['--limit', String(rows), '--workers', '2', '--cache-dir', join(work, 'w2')]),
  ]);
  const workersUp = rows / workers.seconds / rate.get(1)!;
  print(
    `| 1 × \`check --workers 2\` | ${n(rows)} | ${workers.seconds.toFixed(1)} | ${(rows / workers.seconds).toFixed(1)} | ${workersUp.toFixed(2)} | ${(workersUp / 2).toFixed(2)} | — |`,
  );
  print(
    "\nspeed-up: samples/s ÷ one process's; efficiency: speed-up ÷ processes (or workers); merge: `merge SHARD… --json`, its own process.",
  );
  if (cores < 4)
    print(
      `This machine has ${cores} core${cores === 1 ? '' : 's'}: 4 processes oversubscribe it, so their efficiency is at most ${(cores / 4).toFixed(2)}.`,
    );
  // The efficiency the arithmetic assumes: as many processes as this machine has cores (the most measured if fewer).
  const measuredAt = Math.max(...PROCESSES.filter((p) => p <= cores));
  return { perProcess: rate.get(1)!, efficiency: rate.get(measuredAt)! / rate.get(1)! / measuredAt, measuredAt };
}

/**
 * The merge of `samples` samples: a CSV repeating the rows above, run as 4 shards whose caches are copies of the
 * 1-process run's, so every sample is a cache hit: this times shard files and the merge, not the model.
 */
async function mergeFigures(
  { rows, test, work, check }: Setup,
  samples: number,
): Promise<{ mergeSeconds: number; mergeSamples: number }> {
  const csv = join(work, 'repeated.csv');
  await writeRepeatedCsv(csv, readLabelledCsv(test).slice(0, rows), samples);
  const dir = join(work, 'merge');
  const run = await timed(
    [1, 2, 3, 4].map((k) => {
      const cache = join(dir, `cache-${k}`);
      cpSync(join(work, 'p1', 'cache-1'), cache, { recursive: true });
      return check(csv, ['--shard', `${k}/4`, '--shard-file', `${dir}/`, '--cache-dir', cache]);
    }),
  );
  const shards = await shardsIn(dir);
  const report = join(dir, 'report.json');
  const merge = await timed([['-r', join(__dirname, 'maxRss.cjs'), CLI, 'merge', ...shards.files, '--json', report]]);
  const peak = /peak-rss-mb (\d+)/.exec(merge.stderr[0])?.[1] ?? '?';
  print(
    `\n**Merge of ${n(shards.rows)} samples** (a ${mb(statSync(csv).size)} CSV repeating the ${n(rows)} rows above, as 4 shards in ${run.seconds.toFixed(0)} s, ${n(shards.resumed)} of the ${n(shards.rows)} samples from the shards' caches, copies of the 1-process run's): 4 shard files of ${mb(shards.bytes)} in all; \`merge --json\` took **${merge.seconds.toFixed(1)} s**, peak RSS ${peak} MB, and wrote a ${mb(statSync(report).size)} report.`,
  );
  return { mergeSeconds: merge.seconds, mergeSamples: shards.rows };
}

/** The hours of a RUN_ROWS-row run on N machines of K cores, the formula and every figure it uses printed. */
function arithmetic(m: Measured & { measuredAt: number }, cores: number): void {
  print(`\n**${n(RUN_ROWS)} rows on N machines of K cores**, in hours:`);
  print(`\n    hours = (${n(RUN_ROWS)} ÷ (N × K × r × e) + m × ${n(RUN_ROWS)} ÷ ${n(m.mergeSamples)}) ÷ 3600\n`);
  print(`- r = ${m.perProcess.toFixed(1)} samples/s: one one-thread process (the first row above, launch to exit)`);
  print(
    `- e = ${m.efficiency.toFixed(2)}: the speed-up of ${m.measuredAt} process${m.measuredAt === 1 ? '' : 'es'} on this machine's ${cores} core${cores === 1 ? '' : 's'} ÷ ${m.measuredAt}, assumed for every core of every machine (K = 16 too, which this machine cannot measure)`,
  );
  print(
    `- m = ${m.mergeSeconds.toFixed(1)} s: the merge of ${n(m.mergeSamples)} samples above, assumed to grow in proportion to the samples; one merge, after the last shard`,
  );
  print(
    '- assumed: the rows split evenly, each core runs one one-thread shard (or worker) from start to end, no queueing and no time to move files\n',
  );
  for (const line of hoursTable(m, RUN_ROWS, [1, 4, 16, 64], [2, 16])) print(line);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
