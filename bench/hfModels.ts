/**
 * A Hugging Face-sized classifier, side by side with Captum (issue 14's targets): the same weights (written by
 * ../shared/tools/peer-bench/make_user_model.sh, timed in Captum by its bench.py), the same SST-2 test sentences,
 * 2 threads, median ms per sentence after warm-up, ours first and Captum right after, so the ratio is measured in one run.
 *
 *   CAPTUM_SRC=/path/to/captum-source npm run bench:hf [-- --sizes base,small --n 20 --write-readme]
 *
 * Sizes: base = DistilBERT-base (6 layers × 12 heads × 768, 67M parameters); small = 4 layers × 4 heads × 128.
 * Without CAPTUM_SRC (Captum's package folder, see the peer bench's README) only our figures are printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { explainText, projectRoot, readLabelledCsv, TextClassifier } from '../src/core';
import { writeReadmeBlock } from './readmeBlock';
import { PAPER_CORE_EXPLAINERS } from '../src/core/explainers/paperCore';

const ROOT = projectRoot(__dirname);
const PEER = join(ROOT, '..', 'shared', 'tools', 'peer-bench');
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');
const PAPER = [...PAPER_CORE_EXPLAINERS];
const SIZES: Record<string, { layers: number; heads: number; hidden: number; label: string }> = {
  base: { layers: 6, heads: 12, hidden: 768, label: 'DistilBERT-base size (67M)' },
  small: { layers: 4, heads: 4, hidden: 128, label: '4 layers × 4 heads × 128' },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Ours {
  prediction: number;
  impact: number;
  violationTest: number;
  ig20: number;
  attGrad: number;
  all18: number;
  cold: number;
  peakMb: number;
  rssFirst: number;
  rssLater: number;
}

/**
 * Peak RSS (MB) of `explain` with all 18 explainers in a process of its own: the first time with an empty cache (it
 * builds and stores the graphs), then again (a warm load, as every later run and the panel's inference process).
 */
function explainPeakRss(dir: string, text: string): { first: number; later: number } {
  const cache = mkdtempSync(join(tmpdir(), 'pl-hf-cache-'));
  const once = () => {
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        join(__dirname, 'maxRss.cjs'),
        join(ROOT, 'dist', 'cli.js'),
        'explain',
        text,
        '--model',
        dir,
        '--format',
        'json',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', POLARITY_LENS_CACHE_DIR: cache, OMP_NUM_THREADS: '2' },
        maxBuffer: 1 << 28,
      },
    );
    const peak = /peak-rss-mb (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !peak) throw new Error(`explain failed: ${r.stderr.slice(-2000)}`);
    return Number(peak[1]);
  };
  try {
    return { first: once(), later: once() };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** Our figures: per sentence, the parts' arrival times of one explanation with the paper's six explainers, then all 18. */
async function ours(dir: string, texts: string[], warmup: number): Promise<Ours> {
  const cold = spawnSync(
    process.execPath,
    [
      '-e',
      `
    const t0 = Date.now(); const { spawn } = require('child_process');
    const p = spawn(process.execPath, [${JSON.stringify(join(ROOT, 'dist', 'cli.js'))}, 'explain', ${JSON.stringify(texts[0])}, '--model', ${JSON.stringify(dir)}, '--format', 'jsonl', '--explainers', 'raw-attention']);
    let first = null; p.stdout.on('data', () => { if (first === null) first = Date.now() - t0; });
    p.on('close', () => console.log(first));`,
    ],
    { encoding: 'utf8', env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' } },
  );
  const model = await TextClassifier.load(dir, { threads: 2 });
  const m: Record<keyof Omit<Ours, 'cold' | 'peakMb' | 'rssFirst' | 'rssLater'>, number[]> = {
    prediction: [],
    impact: [],
    violationTest: [],
    ig20: [],
    attGrad: [],
    all18: [],
  };
  try {
    for (const [i, text] of texts.entries()) {
      const t0 = performance.now();
      let prediction = 0;
      let impact = 0;
      let violationTest = 0;
      const r = await explainText(model, text, {
        explainers: PAPER,
        metrics: false,
        operator: 'delete',
        onPart: (p) => {
          if (p.part === 'prediction') prediction = performance.now() - t0;
          if (p.part === 'impact' && p.impact.operator === 'delete') impact = performance.now() - t0 - prediction;
          // The test's answer: the six explainers' verdicts under the three operators (the other rows stream after).
          if (p.part === 'explanation' && p.pending.length === 0) violationTest = performance.now() - t0;
        },
      });
      const t1 = performance.now();
      await explainText(model, text, {});
      const all18 = performance.now() - t1;
      if (i < warmup) continue;
      m.prediction.push(prediction);
      m.impact.push(impact);
      m.violationTest.push(violationTest);
      m.ig20.push(r.explanations.find((e) => e.id === 'integrated-gradients')!.runtimeMs);
      m.attGrad.push(r.explanations.find((e) => e.id === 'attention-x-gradient')!.runtimeMs);
      m.all18.push(all18);
    }
  } finally {
    await model.dispose();
  }
  return {
    prediction: median(m.prediction),
    impact: median(m.impact),
    violationTest: median(m.violationTest),
    ig20: median(m.ig20),
    attGrad: median(m.attGrad),
    all18: median(m.all18),
    cold: Number(cold.stdout.trim()),
    peakMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
    ...(({ first, later }) => ({ rssFirst: first, rssLater: later }))(explainPeakRss(dir, texts[warmup])),
  };
}

/** Captum's medians (ms) from the peer bench, or undefined without CAPTUM_SRC. */
function captum(size: (typeof SIZES)[string], n: number): Record<string, number> | undefined {
  const src = process.env.CAPTUM_SRC;
  if (!src) return undefined;
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(PEER, 'bench.py'),
      '--arch',
      'transformer',
      '--layers',
      String(size.layers),
      '--heads',
      String(size.heads),
      '--hidden',
      String(size.hidden),
      '--n',
      String(n),
      '--threads',
      '2',
      '--methods',
      'forward,ig20,attgrad,faithfulness',
      '--csv',
      join(DATA, 'sst2', 'test.csv'),
    ],
    { encoding: 'utf8', env: { ...process.env, PYTHONPATH: src }, maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`Captum's bench failed: ${r.stderr.slice(-2000)}`);
  const json = JSON.parse(r.stdout) as { methods: Record<string, { median_ms: number }> };
  return Object.fromEntries(Object.entries(json.methods).map(([k, v]) => [k, v.median_ms]));
}

function modelFolder(size: string, spec: (typeof SIZES)[string]): string {
  const dir = join(mkdtempSync(join(tmpdir(), `pl-hf-${size}-`)), 'model');
  const r = spawnSync(
    'bash',
    [
      join(PEER, 'make_user_model.sh'),
      dir,
      join(ROOT, 'models', 'sst2-transformer', 'tokenizer.json'),
      String(spec.layers),
      String(spec.heads),
      String(spec.hidden),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0 || !existsSync(join(dir, 'model.onnx')))
    throw new Error(`make_user_model.sh failed: ${r.stderr.slice(-2000)}`);
  return dir;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'base,small' },
      n: { type: 'string', default: '20' },
      'write-readme': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.n);
  const warmup = 3;
  const texts = readLabelledCsv(join(DATA, 'sst2', 'test.csv'))
    .slice(0, n + warmup)
    .map((r) => r.text);
  const lines = [
    '| workload | model | ours (ms) | Captum (ms) | ours ÷ Captum | target |',
    '|---|---|---:|---:|---:|---|',
  ];
  const fmt = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (a: number, b: number | undefined) => (b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
  for (const size of values.sizes.split(',')) {
    const spec = SIZES[size];
    if (!spec) throw new Error(`unknown size ${size} (base, small)`);
    const dir = modelFolder(size, spec);
    const o = await ours(dir, texts, warmup);
    const modelMb = Math.round(statSync(join(dir, 'model.onnx')).size / 1e6);
    const c = captum(spec, n);
    lines.push(
      `| prediction + attention | ${spec.label} | ${fmt(o.prediction)} | ${fmt(c?.forward)} | ${ratio(o.prediction, c?.forward)} | ≤ 100 ms (67M) |`,
      `| impact row, delete (leave-one-out) | ${spec.label} | ${fmt(o.impact)} | | | ≤ 400 ms (67M) |`,
      `| α⊙∇α (one backward) | ${spec.label} | ${fmt(o.attGrad)} | ${fmt(c?.attgrad)} | ${ratio(o.attGrad, c?.attgrad)} | |`,
      `| IG, 20 steps | ${spec.label} | ${fmt(o.ig20)} | ${fmt(c?.ig20)} | ${ratio(o.ig20, c?.ig20)} | |`,
      `| violation test, 6 explainers × 3 operators: request to the last verdict | ${spec.label} | ${fmt(o.violationTest)} | ${fmt(c?.faithfulness)} | ${ratio(o.violationTest, c?.faithfulness)} | ≤ 0.5× (≥ 2× faster) |`,
      `| all 18 explainers with metrics | ${spec.label} | ${fmt(o.all18)} | | | ≤ 2,500 ms (67M) |`,
      `| cold: process start to the first part | ${spec.label} | ${fmt(o.cold)} | | | ≤ 2,000 ms (67M) |`,
      `| peak RSS (MB), \`explain\` with all 18, first run (builds the graphs) | ${spec.label} | ${o.rssFirst} | | | ≤ 2 × ${modelMb} + 300 = ${2 * modelMb + 300} MB |`,
      `| peak RSS (MB), \`explain\` with all 18, later runs | ${spec.label} | ${o.rssLater} | | | ≤ ${2 * modelMb + 300} MB |`,
    );
    process.stderr.write(`${size}: peak RSS of this process so far ${o.peakMb.toFixed(0)} MB\n`);
  }
  lines.push(
    '',
    `Median over ${n} SST-2 test sentences after ${warmup} warm-up ones, 2 threads, on this 2-core machine; ours first, Captum 0.8 on PyTorch right after (same weights); absolute times move by up to 1.5× between runs, the ratios less.`,
  );
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  if (values['write-readme']) writeReadmeBlock(ROOT, 'hf-bench', table);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
