/**
 * The README's depth table: every layer-reading explainer of the shipped transformer run at each of its attention
 * layers (`check --layer all`) over the first N SST-2 test sentences, the violation mean per layer with its 95% t
 * interval, from the same dataset run the CLI makes.
 *
 *   npm run depth-table [-- --limit 500 --write-readme]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPLAINERS, projectRoot, resolveModelDir, runDataset, TextClassifier } from '../src/core';
import { writeReadmeBlock } from './readmeBlock';

const ROOT = projectRoot(__dirname);
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string', default: '500' },
      model: { type: 'string', default: 'sst2-transformer' },
      'write-readme': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.limit);
  const explainers = EXPLAINERS.filter((e) => (e.reads as readonly string[]).includes('attentionLayer')).map(
    (e) => e.id,
  );
  const model = await TextClassifier.load(resolveModelDir(values.model));
  const cacheDir = mkdtempSync(join(tmpdir(), 'polarity-lens-depth-'));
  let run: Awaited<ReturnType<typeof runDataset>> | undefined;
  try {
    run = await runDataset(model, {
      path: join(DATA, 'sst2', 'test.csv'),
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n },
      explain: { explainers, layerSweep: true, seed: 0 },
      cacheDir,
    });
    const depth = run.report.depth!;
    const f = (x: number | null) => (x === null ? '—' : x.toFixed(3).replace(/^(-?)0/, '$1'));
    const layers = Array.from({ length: depth.layers }, (_, l) => l);
    const table = [
      `| explainer | ${layers.map((l) => `layer ${l}${l === depth.layers - 1 ? ' (last, the default)' : ''}`).join(' | ')} |`,
      `|---|${layers.map(() => '---').join('|')}|`,
      ...depth.explainers.map(
        (e) =>
          `| ${e.label.replace(/\|/g, '\\|')} | ${e.byLayer.map((m) => `${f(m.mean)} [${f(m.lo)}, ${f(m.hi)}]`).join(' | ')} |`,
      ),
      '',
      `${values.model}, the first ${run.report.samples} SST-2 test sentences: violation mean of the paper's three operators [95% t interval] when the explainer reads that attention layer (layer 0 is the first); \`npm run depth-table -- --limit ${n} --write-readme\`.`,
    ].join('\n');
    process.stdout.write(`${table}\n`);
    if (values['write-readme']) writeReadmeBlock(ROOT, 'depth-table', table);
  } finally {
    run?.close();
    await model.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
