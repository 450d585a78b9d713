/**
 * The report's files: the full JSON (records streamed from the cache), a per-sample CSV, a Markdown summary, and the
 * self-contained HTML page (rendered by the front end's bundle, passed in). Every file is written to a temporary
 * name next to its target and renamed into place (files/writeAtomically.ts), so a reader never sees half a report; the dataset is never opened
 * for writing, and an existing file is replaced only when the caller says so.
 */
import { differentiatesLogit, headWords } from '../explain/headWords';
import { stringify } from 'csv-stringify/sync';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { PAPER_OPERATORS } from '../erasure/operators';
import type {
  ClassBreakdown,
  ClassRow,
  ComparedRatio,
  DatasetReport,
  MeanEstimate,
  ModelComparison,
  PairedDifference,
  Proportion,
  SampleRecord,
} from './datasetReport';
import { changeShown, pairDiffers } from './datasetReport';
import type { DatasetRun } from './runDataset';
import { explainedSymbol, noAccuracyReason, sampleWords } from './sampleWords';
import { measured, notMeasuredNote } from './measures';

export type { ReportFormat } from './datasetReport';
import type { ReportFormat } from './datasetReport';

const SUFFIX: Record<ReportFormat, string> = {
  json: 'report.json',
  csv: 'samples.csv',
  html: 'report.html',
  md: 'summary.md',
};

/** `reviews.csv` → `reviews.polarity-lens.report.json` (etc.) in the dataset's folder. */
export function defaultReportPath(datasetPath: string, format: ReportFormat): string {
  const base = basename(datasetPath, extname(datasetPath));
  return join(dirname(datasetPath), `${base}.polarity-lens.${SUFFIX[format]}`);
}

/** The first of `path`, `name-2.ext`, `name-3.ext`… that does not exist. */
export function freePath(path: string): string {
  if (!existsSync(path)) return path;
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  for (let i = 2; ; i++) if (!existsSync(`${stem}-${i}${ext}`)) return `${stem}-${i}${ext}`;
}

/** The full report as JSON: the summary, then every record (read back one at a time). */
export async function* jsonReport(run: DatasetRun): AsyncGenerator<string> {
  const head = JSON.stringify(run.report, null, 2);
  yield `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "records": [`;
  let first = true;
  for await (const record of run.records()) {
    yield `${first ? '\n' : ',\n'}    ${JSON.stringify(record)}`;
    first = false;
  }
  yield '\n  ]\n}\n';
}

/**
 * One CSV line per sample: the prediction, and per explainer its top unit and verdict per paper operator. A run that
 * explained one class for every sample (`--target`) has both the prediction ŷ and the class explained; `probability`
 * is always the class explained's.
 */
export async function* samplesCsv(run: DatasetRun): AsyncGenerator<string> {
  const ids = run.report.settings.explainers;
  const labels = run.report.settings.target === undefined ? undefined : run.report.model.labels;
  yield stringify([
    [
      'row',
      'line',
      'text',
      'label',
      ...(labels ? ['prediction', 'explained_class'] : [sampleWords(run.report).explainedCsv]),
      'probability',
      'correct',
      'units',
      ...ids.flatMap((id) => [
        `${id}:top_unit`,
        ...PAPER_OPERATORS.map((op) => `${id}:violates_${op}`),
        `${id}:violation_mean`,
      ]),
    ],
  ]);
  for await (const r of run.records()) yield stringify([csvRow(r, ids, labels)]);
}

/** Text a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe (OWASP). */
const cellText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function csvRow(r: SampleRecord, ids: string[], labels?: string[]): (string | number)[] {
  const flag = (b: boolean | undefined) => (b === undefined ? '' : b ? 1 : 0);
  return [
    r.row,
    r.line,
    cellText(r.text),
    cellText(r.label ?? ''),
    ...(labels ? [cellText(labels[r.predicted ?? r.prediction.index])] : []),
    cellText(r.prediction.label),
    r.prediction.probability.toFixed(6),
    r.correct === null ? '' : r.correct ? 1 : 0,
    r.units,
    ...ids.flatMap((id) => {
      const e = r.explainers[id];
      if (!e || e.error) return ['', ...PAPER_OPERATORS.map(() => ''), ''];
      return [
        cellText(e.topText ?? ''),
        ...PAPER_OPERATORS.map((op) => flag(e.verdicts[op]?.violates)),
        e.violationMean === null ? '' : e.violationMean.toFixed(4),
      ];
    }),
  ];
}

const fixed = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits));
const interval = (e: Proportion | MeanEstimate) => {
  const value = 'ratio' in e ? e.ratio : e.mean;
  return e.lo === null || e.hi === null ? fixed(value) : `${fixed(value)} [${fixed(e.lo)}, ${fixed(e.hi)}]`;
};
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The summary as Markdown: what a pull request comment or a CI log shows. */
export function markdownSummary(report: Omit<DatasetReport, 'records'>): string {
  const ops = report.settings.operators;
  const words = headWords(report.model.head);
  const sample = sampleWords(report);
  const tokenLevel = measured(report.settings, 'token-level');
  const missing = notMeasuredNote(report.settings);
  const lines = [
    `# Polarity Lens violation test: ${cell(basename(report.dataset.path))}`,
    '',
    `Model **${cell(report.model.name)}** · ${sample.samples(String)}${report.complete ? '' : ' (partial: the run was cancelled)'} · ${report.settings.granularity} units · gradients of ${differentiatesLogit(report.settings.objective, words) ? 'the logit z(ŷ)' : `${words.symbol}, the ${words.quantity}`} · selection: ${selectionText(report)}`,
    report.accuracy
      ? `${sample.accuracyName} on ${report.accuracy.n} ${sample.accuracyUnit}s: ${interval(report.accuracy)}`
      : `Accuracy not measured: ${noAccuracyReason(report)}.`,
    report.dataset.badRowCount
      ? `${report.dataset.badRowCount} bad rows skipped (see the JSON report for their lines).`
      : '',
    report.dataset.unmappedLabels.length
      ? `Labels that name no class of the model (their rows count as unlabelled): ${report.dataset.unmappedLabels.map(cell).join(', ')}; the model's classes: ${report.model.labels.map(cell).join(', ')}.`
      : '',
    '',
    `Violation ratio = share of samples where the top unit's weight sign disagrees with the sign of the real change in ${explainedSymbol(report)} (${words.quantity}) when it is erased (lower is better); [95% interval${sample.multiLabel ? `; ${sample.clusterNote}` : ''}].`,
    '',
    `| explainer | ${ops.map((op) => `violation: ${op}`).join(' | ')} | mean of operators | held-out mean | ${tokenLevel ? `token-level rate (${report.settings.operator}) | ` : ''}runs |`,
    `|---|${ops.map(() => '---:').join('|')}|---:|---:|${tokenLevel ? '---:|' : ''}---:|`,
    ...report.explainers.map(
      (e) =>
        `| ${cell(e.label)} | ${ops.map((op) => (e.violation[op] ? `${interval(e.violation[op])}${e.byConstruction?.[op] ? ' †' : ''}` : '—')).join(' | ')} | ${interval(e.violationMean)} | ${e.byConstruction && e.heldOutMean ? interval(e.heldOutMean) : '='} | ${tokenLevel ? `${fixed(e.tokenLevelRate.mean)} | ` : ''}${e.runs}${e.failures ? ` (${e.failures} failed${e.error ? `: ${cell(e.error)}` : ''})` : ''} |`,
    ),
    ...(measured(report.settings, 'random-floor')
      ? [
          `| Random floor (${report.settings.randomSeeds.length} seeds) | ${ops.map((op) => fixed(mean(report.random.perSeed.flatMap((s) => s.violation[op] ?? [])))).join(' | ')} | ${fixed(report.random.mean)} ± ${fixed(report.random.spread)} | |${tokenLevel ? ' |' : ''} |`,
        ]
      : []),
    ...constructionNotes(report),
    ...(missing ? ['', missing] : []),
    '',
    report.metrics.length
      ? `Other metrics under ${report.settings.operator} (mean over samples):`
      : 'Time per explainer (mean over samples):',
    '',
    `| explainer | ${report.metrics.map((m) => `${cell(m.label)} (${m.better} is better) | `).join('')}ms/sample |`,
    `|---|${report.metrics.map(() => '---:|').join('')}---:|`,
    ...report.explainers.map(
      (e) =>
        `| ${cell(e.label)} | ${report.metrics.map((m) => `${fixed(e.metrics[m.id]?.mean ?? null)} | `).join('')}${e.msPerSample.toFixed(1)} |`,
    ),
    '',
    ...(report.comparison ? comparisonSection(report, report.comparison) : []),
    ...(report.depth ? depthSection(report.depth) : []),
    ...(report.pairs?.length ? pairSection(report, report.pairs) : []),
    ...(report.classes ? classSections(report, report.classes) : []),
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}

/** What each † means: the explainer, the operator and why its verdict there is by construction. */
function constructionNotes(report: Omit<DatasetReport, 'records'>): string[] {
  const notes = report.explainers.flatMap((e) =>
    Object.entries(e.byConstruction ?? {}).map(([op, why]) => `- † ${cell(e.label)} under ${op}: ${cell(why)}.`),
  );
  return notes.length
    ? [
        '',
        'Not independent evidence, by construction (†): exact where the reason says so, favoured where the explainer was fitted to the operator. The held-out mean leaves these operators out (= where there are none), so it covers fewer operators than the mean:',
        '',
        ...notes,
      ]
    : [];
}

/** `--layer all`: each layer-reading explainer's violation mean per layer, first layer first. */
function depthSection(depth: NonNullable<DatasetReport['depth']>): string[] {
  const layers = Array.from({ length: depth.layers }, (_, l) => l);
  return [
    "Violation by layer (`--layer all`): each explainer that reads one attention layer, run at every layer; violation mean of the paper's operators [95% interval]; layer 0 is the first.",
    '',
    `| explainer | ${layers.map((l) => `layer ${l}`).join(' | ')} |`,
    `|---|${layers.map(() => '---:').join('|')}|`,
    ...depth.explainers.map((e) => `| ${cell(e.label)} | ${e.byLayer.map(interval).join(' | ')} |`),
    '',
  ];
}

/** A change with its sign, decided after rounding (±0.000, never −0.000). */
const signed = (x: number | null) => {
  if (x === null) return '—';
  const digits = Math.abs(x).toFixed(3);
  return `${Number(digits) === 0 ? '±' : x > 0 ? '+' : '-'}${digits}`;
};
const shortHash = (sha: string) => sha.slice(0, 12);

/** "0.213 → 0.307: +0.093 [+0.012, +0.175] ✱ (p .041)": both sides, the change with its interval, McNemar's p. */
function changeCell(r: ComparedRatio | undefined): string {
  if (!r || r.change.mean === null) return '—';
  const { lo, hi } = r.change;
  const ci = lo === null || hi === null ? '' : ` [${signed(lo)}, ${signed(hi)}]`;
  const p = r.mcnemar ? ` (p ${r.mcnemar.pHolm < 0.001 ? '<.001' : r.mcnemar.pHolm.toFixed(3)})` : '';
  return `${fixed(r.baseline.mean)} → ${fixed(r.current.mean)}: ${signed(r.change.mean)}${ci}${changeShown(r) ? ' ✱' : ''}${p}`;
}

/** `check --baseline`: this run next to the baseline report, per explainer and operator, on the shared samples. */
function comparisonSection(report: Omit<DatasetReport, 'records'>, c: ModelComparison): string[] {
  const ops = report.settings.operators.filter((op) => c.explainers.some((e) => e.operators[op]));
  const confidence = c.explainers[0]?.mean.change.confidence ?? 0.95;
  const level = `${Number((confidence * 100).toPrecision(4))}%`;
  const n = c.explainers.length;
  const accuracy = c.accuracy;
  return [
    `## Compared with the baseline: ${cell(c.baseline.model.name)} → ${cell(c.current.model.name)}`,
    '',
    `Baseline \`${cell(basename(c.baseline.file))}\` (${c.baseline.createdAt}): model **${cell(c.baseline.model.name)}** (sha256 ${shortHash(c.baseline.model.sha256)}…) on ${cell(basename(c.baseline.dataset))}; this run: model **${cell(c.current.model.name)}** (sha256 ${shortHash(c.current.model.sha256)}…). Rows paired by index and text: ${c.rows.shared} shared, ${c.rows.onlyBaseline} only in the baseline, ${c.rows.onlyCurrent} only in this run${c.rows.changedText ? ` (${c.rows.changedText} of them with the same index but another text)` : ''}.`,
    '',
    `Violation ratio on the shared samples, baseline → this run: change = this run − baseline (positive: more violations, worse) [paired t interval, Bonferroni-adjusted over the ${n} explainers compared (each at ${level}) so that each column holds together at 95%; ✱ excludes 0]. Per operator: the share of samples whose top unit violates, with the exact McNemar p Holm-adjusted over the ${n} explainers; mean: each sample's share over the operators marked † on neither side; —: no sample judged on both sides outside †.`,
    '',
    `| explainer | shared | mean of operators | ${ops.map((op) => `violation: ${op}`).join(' | ')} |`,
    `|---|---:|---:|${ops.map(() => '---:').join('|')}|`,
    ...c.explainers.map(
      (e) =>
        `| ${cell(e.label)} | ${e.mean.change.n} | ${changeCell(e.mean)} | ${ops.map((op) => changeCell(e.operators[op])).join(' | ')} |`,
    ),
    '',
    accuracy
      ? `Accuracy on the ${accuracy.change.n} shared samples labelled alike in both: ${changeCell(accuracy)} (positive: better; 95% paired t interval${accuracy.mcnemar ? ', exact McNemar p' : ''}).`
      : 'Accuracy not compared: no shared sample is labelled in both.',
    ...(c.excluded.length
      ? ['', 'Not compared:', '', ...c.excluded.map((e) => `- ${cell(e.id)}: ${cell(e.reason)}.`)]
      : []),
    ...(c.notes.length ? ['', ...c.notes.map((note) => `- ${cell(note)}`)] : []),
    '',
  ];
}

/** Every pair of explainers, folded (a long list on a run of every explainer): the paired difference and McNemar. */
function pairSection(report: Omit<DatasetReport, 'records'>, pairs: PairedDifference[]): string[] {
  const ops = report.settings.operators;
  const label = (id: string) => cell(report.explainers.find((e) => e.id === id)?.label ?? id);
  const p = (x: { pHolm: number } | undefined) => (x ? (x.pHolm < 0.001 ? '<.001' : x.pHolm.toFixed(3)) : '—');
  return [
    `<details><summary>Paired differences: ${pairs.length} pairs of explainers, ${pairs.filter(pairDiffers).length} whose 95% interval excludes 0</summary>`,
    '',
    `A − B = mean over the samples both ran on of A's violation share minus B's over the operators marked † for neither (negative: A violates less) [paired t interval, Bonferroni-adjusted so that all ${pairs.length} hold together at 95%; ✱ excludes 0]. McNemar: exact test on the top-unit verdicts per operator (not under †), p Holm-adjusted over all ${pairs.length} pairs.`,
    '',
    `| A | B | A − B | McNemar p (Holm): ${ops.join(' / ')} |`,
    '|---|---|---:|---:|',
    ...pairs.map(
      (x) =>
        `| ${label(x.a)} | ${label(x.b)} | ${interval(x.difference)}${pairDiffers(x) ? ' ✱' : ''} | ${ops.map((op) => p(x.mcnemar[op])).join(' / ')} |`,
    ),
    '',
    '</details>',
    '',
  ];
}

/** The report per class: a table per grouping (classes as columns) and the confusion matrix. */
function classSections(report: Omit<DatasetReport, 'records'>, classes: ClassBreakdown): string[] {
  const target = classes.target === null ? undefined : report.model.labels[classes.target];
  const table = (title: string, rows: ClassRow[], share: string): string[] =>
    rows.length === 0
      ? []
      : [
          title,
          '',
          `| | ${rows.map((r) => cell(r.label)).join(' | ')} |`,
          `|---|${rows.map(() => '---:').join('|')}|`,
          `| samples | ${rows.map((r) => r.samples).join(' | ')} |`,
          `| ${share} | ${rows.map((r) => (r.accuracy ? interval(r.accuracy) : '—')).join(' | ')} |`,
          ...report.explainers.map(
            (e) =>
              `| ${cell(e.label)} | ${rows.map((r) => (r.violation[e.id] ? interval(r.violation[e.id]!) : '—')).join(' | ')} |`,
          ),
          '',
        ];
  const { confusion } = classes;
  return [
    '## By class',
    '',
    target === undefined
      ? "Each sample is explained for its own prediction ŷ. Per class: accuracy and each explainer's violation mean over the paper's operators [95% interval]."
      : `Every sample is explained for the class **${cell(target)}** (every Δ is a change in p(${cell(target)})), whatever the model predicts. Per class: accuracy and each explainer's violation mean over the paper's operators [95% interval].`,
    '',
    ...table('By predicted class ŷ:', classes.byPredicted, 'precision (gold = ŷ)'),
    ...table('By gold label:', classes.byGold, 'recall (ŷ = gold)'),
    ...(confusion
      ? [
          'Confusion matrix (rows: gold label, columns: predicted class ŷ):',
          '',
          `| gold \\ ŷ | ${report.model.labels.map(cell).join(' | ')} |`,
          `|---|${report.model.labels.map(() => '---:').join('|')}|`,
          ...confusion.map((row, g) => `| ${cell(report.model.labels[g])} | ${row.join(' | ')} |`),
          '',
        ]
      : []),
  ];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function selectionText(report: Omit<DatasetReport, 'records'>): string {
  const s = report.dataset.selection;
  return s.mode === 'all'
    ? 'all rows'
    : s.mode === 'first'
      ? `first ${s.n} rows`
      : `${s.mode} sample of ${s.n} (seed ${s.seed ?? 0})`;
}
