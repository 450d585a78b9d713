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
  PairedTally,
  sampleOutcome,
  TextClassifier,
  type SampleExplainer,
} from '../src/core';
import { writeReadmeBlock } from './readmeBlock';

const ROOT = projectRoot(__dirname);
const DATA = process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data');

interface Tally {
  /** Violations per operator, and how many texts the explainer ran on. */
  violations: Record<string, number>;
  runs: number;
  error?: string;
  /**
   * Per text, in file order, the verdicts under the paper's operators as one character: the digit Σ 2^j over the
   * operators j it violates under, or '-' where it did not run (absent in results saved before pairs were kept).
   */
  verdicts?: string;
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
  const marks = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await constructionMarks(n)] as const)));
  const table = markdown(results, marks);
  const pairs = pairsMarkdown(results, marks);
  process.stdout.write(`${table}\n\n${pairs}\n`);
  if (values['write-readme']) {
    writeReadmeBlock(ROOT, 'violation-table', table);
    writeReadmeBlock(ROOT, 'violation-pairs', pairs);
  }
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
      randomFloor: RANDOM_SEEDS,
      seed: 0,
      explainers: [...new Set([...explainers, 'random'])],
      igSteps,
    });
    for (const e of r.explanations) {
      const t = (tallies[e.id] ??= { violations: {}, runs: 0, verdicts: '' });
      if (!e.weights) {
        t.error = e.error;
        t.verdicts += '-';
        continue;
      }
      t.runs++;
      for (const v of e.verdicts) t.violations[v.operator] = (t.violations[v.operator] ?? 0) + (v.violates ? 1 : 0);
      t.verdicts += verdictDigit(e.verdicts);
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

/** A text's verdicts under the paper's operators as one character (see Tally.verdicts). */
function verdictDigit(verdicts: { operator: string; violates: boolean }[]): string {
  return String(
    PAPER_OPERATORS.reduce((bits, op, j) => bits | (verdicts.find((v) => v.operator === op)?.violates ? 1 << j : 0), 0),
  );
}

const pct = (x: number) => x.toFixed(3).replace(/^0/, '');
const signed = (x: number) => (x < 0 ? '−' : '+') + pct(Math.abs(x));

/** The comparisons the paper draws and the README discusses, as A − B on the same sentences. */
const PAIRS: [string, string][] = [
  ['attention-x-gradient', 'raw-attention'],
  ['attention-x-input-norm', 'raw-attention'],
  ['attention-x-gradient', 'attention-x-input-norm'],
  ['input-x-gradient', 'attention-x-gradient'],
  ['integrated-gradients', 'input-x-gradient'],
  ['partial-lrp', 'attention-x-gradient'],
  ['partial-lrp', 'raw-attention'],
  ['conservative-lrp', 'input-x-gradient'],
  ['transformer-attribution', 'generic-attention'],
  ['transformer-attribution', 'integrated-gradients'],
  ['kernel-shap', 'integrated-gradients'],
  ['lime', 'occlusion'],
  ['raw-attention', 'random'],
];

/** A text's verdicts as the dataset report's outcome, for PairedTally (only the fields it reads). */
function outcomeOf(digit: string, marked: Partial<Record<string, string>> = {}): SampleExplainer | undefined {
  if (digit === '-') return undefined;
  const bits = Number(digit);
  const verdicts = Object.fromEntries(
    PAPER_OPERATORS.map((op, j) => [op, { unit: 0, weight: 0, delta: 0, violates: (bits & (1 << j)) !== 0 }]),
  );
  const violated = PAPER_OPERATORS.filter((_, j) => bits & (1 << j)).length;
  return {
    verdicts,
    violationMean: violated / PAPER_OPERATORS.length,
    tokenLevelRate: null,
    weightedRate: null,
    metrics: {},
    polarity: [0, 0, 0, 0, 0],
    ms: 0,
    ...(Object.keys(marked).length ? { byConstruction: marked } : {}),
  };
}

/**
 * The paper's comparisons per model: A − B, the mean over sentences of A's violation share (of the three operators)
 * minus B's, with the paired t 95% interval the dataset report uses (PairedTally); ✱ where it excludes 0.
 */
function pairsMarkdown(results: Record<string, ModelResult>, marks: Record<string, Marks>): string {
  const names = Object.keys(results);
  const label = (id: string) => EXPLAINERS.find((e) => e.id === id)!.label.replace(/\|/g, '\\|');
  const lines = [
    `| A − B (violation share, mean of operators) | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const [a, b] of PAIRS) {
    const cells = names.map((n) => {
      const [va, vb] = [a, b].map((id) => results[n].explainers[id]?.verdicts);
      if (!va || !vb)
        return results[n].explainers[a]?.runs === 0 || results[n].explainers[b]?.runs === 0 ? 'n/a' : 'not measured';
      const tally = new PairedTally([a, b], PAPER_OPERATORS, false);
      for (let i = 0; i < va.length; i++)
        tally.addRow([{ [a]: outcomeOf(va[i], marks[n]?.[a]), [b]: outcomeOf(vb[i], marks[n]?.[b]) }]);
      // Every cell of this table is one comparison of the family the intervals hold over together.
      const [pair] = tally.build(PAIRS.length * names.length);
      const { mean, lo, hi, n: count } = pair.difference;
      if (mean === null || lo === null || hi === null || count === 0) return 'n/a';
      const differs = lo > 0 || hi < 0;
      const p = pair.mcnemar.delete;
      return `${signed(mean)} [${signed(lo)}, ${signed(hi)}]${differs ? ' ✱' : ''}${p ? ` · McNemar p(delete) ${p.p < 0.001 ? '<.001' : pct(p.p)}` : ''}`;
    });
    lines.push(`| ${label(a)} − ${label(b)} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    `Paired over the same ${results[names[0]].texts} sentences: the mean difference of the two explainers' per-sentence violation shares over the operators marked † for neither, with a paired t interval Bonferroni-adjusted so that all ${PAIRS.length * names.length} cells hold together at 95%; ✱ marks an interval that excludes 0 (the two differ), and negative means A violates less. McNemar p(delete): the exact test on the top-unit verdicts under delete alone (not given where either is † under delete), for this one comparison, not adjusted. Regenerated with the violation table (\`npm run violation-table -- --write-readme\`).`,
  );
  return lines.join('\n');
}

/** Explainer id → operator → why its verdict there is by construction on this model (Explainer.byConstruction). */
type Marks = Record<string, Partial<Record<string, string>>>;

/** The marks, read off one explanation of the first test sentence with every explainer (they depend on the model only). */
async function constructionMarks(name: string): Promise<Marks> {
  const [first] = readLabelledCsv(join(DATA, 'sst2', 'test.csv'));
  const model = await TextClassifier.load(resolveModelDir(name));
  try {
    const r = await explainText(model, first.text, { metrics: false, seed: 0 });
    return Object.fromEntries(
      r.explanations.map((e) => [
        e.id,
        Object.fromEntries(e.verdicts.filter((v) => v.byConstruction).map((v) => [v.operator, v.byConstruction!])),
      ]),
    );
  } finally {
    await model.dispose();
  }
}

function markdown(results: Record<string, ModelResult>, marks: Record<string, Marks>): string {
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
      const marked = PAPER_OPERATORS.map((op) => marks[n]?.[e.id]?.[op] !== undefined);
      const held = ratios.filter((_, j) => !marked[j]);
      const heldOut = held.length ? held.reduce((a, b) => a + b, 0) / held.length : null;
      const cells = ratios.map((r, j) => `${pct(r)}${marked[j] ? '†' : ''}`).join(' / ');
      return `${cells} → **${pct(mean)}**${marked.some(Boolean) ? ` (held-out ${heldOut === null ? '—' : pct(heldOut)})` : ''}`;
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
  const notes = [
    ...new Set(
      names.flatMap((n) =>
        Object.entries(marks[n] ?? {}).flatMap(([id, byOp]) =>
          Object.entries(byOp).map(
            ([op, why]) => `${EXPLAINERS.find((x) => x.id === id)?.label ?? id} under ${op}: ${why}`,
          ),
        ),
      ),
    ),
  ];
  lines.push(
    '',
    `${results[names[0]].texts} SST-2 test sentences per model; lower is better; word granularity; gradients of p(ŷ); IG ${results[names[0]].igSteps ?? 20} steps, zero baseline.`,
    ...(notes.length
      ? [
          '',
          `† not independent evidence, by construction (the held-out mean leaves these operators out, so it covers fewer operators than the mean): ${notes.join('; ')}.`,
        ]
      : []),
  );
  return lines.join('\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
