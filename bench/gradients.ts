/**
 * Gradient engine benchmark: for each shipped model, the median time of one forward pass, one forward + backward
 * pass (∂p(ŷ)/∂ word embeddings and every attention map), each fetching what the explainers read (logits and
 * attention maps; plus the gradients), and Integrated Gradients with 20 steps (one batched run),
 * on test sentences one at a time; and the same three quantities by PyTorch eager autograd on the same architecture
 * (training/polarity_models.py, via bench/torch_gradients.py) in the same run, as a ratio.
 *
 *   npm run bench:gradients [-- --sentences N] [--threads T] [--models a,b]
 *
 * Targets (issue #4): forward+backward ≤ 3× forward, and faster than PyTorch eager. Figures only; no assertions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { argmax, projectRoot, readLabelledCsv, resolveModelDir, SHIPPED_MODELS, TextClassifier } from '../src/core';

const ROOT = projectRoot(__dirname);
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');
const PYTHON = '/usr/bin/python3';
const IG_STEPS = 20;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeIt(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f();
  await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return median(times);
}

interface TorchTimes {
  forward_ms: number;
  forward_backward_ms: number;
  ig_ms: number;
  weights: string;
}

function torchTimes(model: string, ids: number[][], threads: number): TorchTimes | string {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `skipped: ${PYTHON} cannot import torch (apt-get install python3-torch, see training/README.md)`;
  const dir = mkdtempSync(join(tmpdir(), 'polarity-bench-'));
  try {
    const request = join(dir, 'request.json');
    writeFileSync(request, JSON.stringify({ model, ids, threads, repeats: 1, ig_steps: IG_STEPS }));
    const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'torch_gradients.py'), request], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) return `failed: ${r.stderr.trim().split('\n').pop()}`;
    return JSON.parse(r.stdout) as TorchTimes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sentences: { type: 'string', default: '100' },
      threads: { type: 'string', default: '1' },
      models: { type: 'string', default: SHIPPED_MODELS.map((m) => m.name).join(',') },
    },
  });
  const count = Number(values.sentences);
  const threads = Number(values.threads);
  const rows: string[][] = [];
  for (const name of values.models.split(',')) {
    const dataset = name.startsWith('trec') ? 'trec' : 'sst2';
    const file = join(DATA, dataset, 'test.csv');
    if (!existsSync(file)) throw new Error(`${file} not found (set POLARITY_LENS_DATA)`);
    const texts = readLabelledCsv(file)
      .slice(0, count)
      .map((r) => r.text);
    // The disk cache is skipped so the build is timed too (reported separately: it happens once per model).
    const model = await TextClassifier.load(resolveModelDir(name), { threads, gradientCacheDir: null });
    const built = performance.now();
    const session = await model.gradients();
    const buildMs = performance.now() - built;
    const encoded = await model.tokenizer.encodeBatch(texts);
    const ids = encoded.map((e) => e.ids);
    const forward: number[] = [];
    const backward: number[] = [];
    const ig: number[] = [];
    for (const row of ids) {
      // The engine's forward pass fetches the attention maps too (the attention explainers read them).
      forward.push(await timeIt(3, () => model.onnx.run({ ids: [row] }, model.onnx.attentionNames)));
      const target = argmax(Array.from((await model.onnx.run({ ids: [row] })).logits[0]));
      backward.push(await timeIt(3, () => session.run({ ids: [row], target: [target], objective: 'probability' })));
      const alphas = Array.from({ length: IG_STEPS }, (_, k) => (k + 0.5) / IG_STEPS);
      ig.push(
        await timeIt(3, () =>
          session.run({
            ids: alphas.map(() => row),
            target: alphas.map(() => target),
            objective: 'probability',
            embeddingScale: alphas.map((a) => row.map(() => a)),
            embeddingGradientOnly: true,
          }),
        ),
      );
    }
    await model.dispose();
    const ours = { forward: median(forward), backward: median(backward), ig: median(ig) };
    const torch = torchTimes(name, ids, threads);
    const ms = (x: number) => x.toFixed(2);
    const vs = (a: number, b: number) => `${(b / a).toFixed(1)}×`;
    rows.push(
      typeof torch === 'string'
        ? [
            name,
            ms(ours.forward),
            ms(ours.backward),
            (ours.backward / ours.forward).toFixed(2),
            ms(ours.ig),
            (buildMs / 1000).toFixed(1),
            torch,
            '',
            '',
            '',
          ]
        : [
            name,
            ms(ours.forward),
            ms(ours.backward),
            (ours.backward / ours.forward).toFixed(2),
            ms(ours.ig),
            (buildMs / 1000).toFixed(1),
            ms(torch.forward_ms),
            `${ms(torch.forward_backward_ms)} (${vs(ours.backward, torch.forward_backward_ms)})`,
            `${ms(torch.ig_ms)} (${vs(ours.ig, torch.ig_ms)})`,
            torch.weights.split(' ')[0],
          ],
    );
    process.stderr.write(`${name} done\n`);
  }
  const header = [
    'model',
    'fwd ms',
    'fwd+bwd ms',
    'bwd/fwd',
    `IG-${IG_STEPS} ms`,
    'build s',
    'torch fwd ms',
    'torch fwd+bwd ms (ours ×faster)',
    `torch IG-${IG_STEPS} ms (ours ×faster)`,
    'torch weights',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  process.stdout.write(
    `${lines.join('\n')}\n\nmedians over ${count} test sentences (each timed 3 times), batch 1 (IG: one batch of ${IG_STEPS}), ${threads} intra-op thread(s) for both engines; build = differentiating the graph + creating its session, once per model.\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
