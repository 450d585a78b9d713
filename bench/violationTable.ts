/**
 * The README's violation table: the faithfulness violation ratio of every explainer on the SST-2 test split, for each
 * shipped SST-2 model, per erasure operator (delete = slice_out, zero-embedding = zeros_mask, attention-mask =
 * att_mask) and their mean, with the Random floor as mean ± spread over 3 seeds.
 *
 *   npm run violation-table [-- --limit N] [--models a,b] [--threads T] [--render-only] [--write-readme]
 *                              [--explainers a,b --update]   (re-measure only those rows, keep the others)
 *                              [--explainers a,b --ig-steps M --tag NAME]   (a side experiment, saved under NAME)
 *
 * Writes bench/results/violation-<model>.json per model (so models can run in parallel processes) and prints the
 * Markdown table of the requested models; --render-only skips the runs and renders the saved results; --write-readme
 * replaces the table between the markers in README.md. Everything is seeded (seed 0 for LIME, Kernel SHAP and the
 * first Random draw).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EXPLAINERS,
  explainText,
  PAPER_OPERATORS,
  projectRoot,
  RANDOM_SEEDS,
  readLabelledCsv,
  resolveModelDir,
  sampleOutcome,
  TextClassifier,
} from '../src/core';
import { writeReadmeBlock } from './readmeBlock';

const ROOT = projectRoot(__dirname);
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');

interface Tally {
  /** Violations per operator, and how many texts the explainer ran on. */
  violations: Record<string, number>;
  runs: number;
  error?: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string' },
      models: { type: 'string', default: 'sst2-bilstm-tanh,sst2-cnn-dot,sst2-transformer' },
      threads: { type: 'string', default: '0' },
      explainers: { type: 'string' },
      'ig-steps': { type: 'string', default: '20' },
      tag: { type: 'string' },
      'render-only': { type: 'boolean', default: false },
      // Re-measures only --explainers and keeps every other row of the saved results (an explainer changed).
      update: { type: 'boolean', default: false },
      'write-readme': { type: 'boolean', default: false },
    },
  });
  const names = values.models.split(',');
  const resultFile = (name: string) =>
    join(ROOT, 'bench', 'results', `violation-${name}${values.tag ? `-${values.tag}` : ''}.json`);
  const explainers = values.explainers?.split(',') ?? EXPLAINERS.map((e) => e.id);
  const run = { limit: values.limit, threads: Number(values.threads), explainers, igSteps: Number(values['ig-steps']) };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  if (!values['render-only']) {
    for (const name of names) {
      const fresh = await runModel(name, run);
      const result = values.update
        ? updated(JSON.parse(readFileSync(resultFile(name), 'utf8')) as ModelResult, fresh, explainers)
        : fresh;
      writeFileSync(resultFile(name), `${JSON.stringify(result, null, 2)}\n`);
    }
  }
  const results = Object.fromEntries(
    names.map((n) => [n, JSON.parse(readFileSync(resultFile(n), 'utf8')) as ModelResult]),
  );
  const table = markdown(results);
  process.stdout.write(`${table}\n`);
  if (values['write-readme']) writeReadmeBlock(ROOT, 'violation-table', table);
}

/** `saved` with the rows of `explainers` measured again in `fresh` (same texts; Random's floor is re-measured too). */
function updated(saved: ModelResult, fresh: ModelResult, explainers: string[]): ModelResult {
  if (saved.texts !== fresh.texts)
    throw new Error(`--update needs the same texts: saved ${saved.texts}, now ${fresh.texts}`);
  const rows = { ...saved.explainers };
  for (const id of explainers) rows[id] = fresh.explainers[id];
  return { ...saved, explainers: rows, random: fresh.random };
}

interface ModelResult {
  texts: number;
  /** Integrated Gradients' steps in this run (absent in results saved before it was recorded: 20). */
  igSteps?: number;
  seconds: number;
  explainers: Record<string, Tally>;
  random: number[][];
}

async function runModel(
  name: string,
  { limit, threads, explainers, igSteps }: { limit?: string; threads: number; explainers: string[]; igSteps: number },
): Promise<ModelResult> {
  const rows = readLabelledCsv(join(DATA, 'sst2', 'test.csv'));
  const texts = rows.slice(0, limit ? Number(limit) : rows.length).map((r) => r.text);
  const model = await TextClassifier.load(resolveModelDir(name), { threads });
  const started = performance.now();
  const tallies: Record<string, Tally> = {};
  // Random's floor: violations per seed and operator.
  const random = RANDOM_SEEDS.map(() => PAPER_OPERATORS.map(() => 0));
  for (const [n, text] of texts.entries()) {
    const r = await explainText(model, text, {
      metrics: false,
      seed: 0,
      explainers: [...new Set([...explainers, 'random'])],
      igSteps,
    });
    for (const e of r.explanations) {
      const t = (tallies[e.id] ??= { violations: {}, runs: 0 });
      if (!e.weights) {
        t.error = e.error;
        continue;
      }
      t.runs++;
      for (const v of e.verdicts) t.violations[v.operator] = (t.violations[v.operator] ?? 0) + (v.violates ? 1 : 0);
    }
    // The floor's verdicts as a dataset run computes them (RANDOM_SEEDS' draws against this text's impact rows).
    sampleOutcome(r, 'delete', 0).random.forEach((perOp, k) =>
      perOp.forEach((violates, j) => {
        if (violates) random[k][j]++;
      }),
    );
    if ((n + 1) % 100 === 0)
      process.stderr.write(
        `${name}: ${n + 1}/${texts.length} texts, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
  }
  await model.dispose();
  return { texts: texts.length, igSteps, seconds: (performance.now() - started) / 1000, explainers: tallies, random };
}

const pct = (x: number) => x.toFixed(3).replace(/^0/, '');

function markdown(results: Record<string, ModelResult>): string {
  const names = Object.keys(results);
  const lines = [
    `| explainer | ${names.map((n) => `${n}: delete / zero-emb / att-mask → **mean**`).join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const e of EXPLAINERS.filter((x) => names.some((n) => results[n].explainers[x.id]))) {
    const cells = names.map((n) => {
      const t = results[n].explainers[e.id];
      if (!t || t.runs === 0)
        return t?.error
          ? /single attention/.test(t.error)
            ? 'n/a (single attention layer)'
            : `n/a (${t.error})`
          : 'not run';
      const ratios = PAPER_OPERATORS.map((op) => (t.violations[op] ?? 0) / t.runs);
      const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      return `${ratios.map(pct).join(' / ')} → **${pct(mean)}**`;
    });
    lines.push(`| ${e.label.replace(/\|/g, '\\|')}${e.id === 'random' ? ' (seed 0)' : ''} | ${cells.join(' | ')} |`);
  }
  const floor = names.map((n) => {
    const { texts, random } = results[n];
    const means = random.map((perOp) => perOp.reduce((a, b) => a + b, 0) / perOp.length / texts);
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const spread = Math.max(...means) - Math.min(...means);
    return `**${pct(mean)}** ± ${spread.toFixed(3)} (seeds ${RANDOM_SEEDS.join(', ')}: ${means.map(pct).join(', ')})`;
  });
  lines.push(`| Random floor, 3 seeds (mean of operators) | ${floor.join(' | ')} |`);
  lines.push(
    '',
    `${results[names[0]].texts} SST-2 test sentences per model; lower is better; word granularity; gradients of p(ŷ); IG ${results[names[0]].igSteps ?? 20} steps, zero baseline.`,
  );
  return lines.join('\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
