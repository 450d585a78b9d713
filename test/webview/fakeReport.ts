/**
 * A seeded, self-consistent fake dataset report (ReportView) of any size for the report webview's tests: every
 * summary number is computed from the generated sample rows (per-operator verdicts, bins, accuracy), and hostile
 * strings sit in the texts, labels, tokens, paths and reasons, so a test can check they stay text.
 */
import {
  DATASET_REPORT_SCHEMA,
  type BinRow,
  type ComparedRatio,
  type ExplainerSummary,
  type MetricInfo,
  type ModelComparison,
  type ReportView,
  type SampleRow,
} from '../../src/core/datasetRun/datasetReport';
import { proportion, RunningMean } from '../../src/core/datasetRun/statistics';
import type { ErasureOperatorName } from '../../src/core/erasure/erasureOperator';
import { seededRandom } from '../../src/core/math/random';

export const XSS_IMG = '<img src=x onerror=window.__pwned=1>';
export const XSS_SCRIPT = '</script><b>x</b>';
export const XSS_COMMENT = '<!-- not a comment --> & "quotes"';

const OPERATORS: ErasureOperatorName[] = ['delete', 'zero-embedding', 'attention-mask'];
const LABELS = ['negative', 'positive'];
const WORDS = [
  'good',
  'bad',
  'service',
  'food',
  'horrible',
  'great',
  'small',
  'portions',
  'but',
  'not',
  'the',
  'was',
  'very',
  'fine',
  'slow',
  'friendly',
];

/** Explainers of the fake report: violation probability per operator, and whether it fails everywhere. */
const EXPLAINERS: { id: string; label: string; signed: boolean; family: string; p: number; fails?: boolean }[] = [
  { id: 'raw-attention', label: 'Raw attention', signed: false, family: 'attention', p: 0.3 },
  { id: 'attention-x-gradient', label: 'AttGrad (α⊙∇α)', signed: true, family: 'attention', p: 0.1 },
  { id: 'integrated-gradients', label: 'Integrated Gradients', signed: true, family: 'gradient', p: 0.08 },
  { id: 'input-x-gradient', label: 'InputGrad (x⊙∇x)', signed: true, family: 'gradient', p: 0.12 },
  { id: 'occlusion', label: 'Leave-one-out occlusion', signed: true, family: 'perturbation', p: 0.03 },
  { id: 'lime', label: `LIME ${XSS_IMG}`, signed: true, family: 'perturbation', p: 0.05 },
  { id: 'rollout', label: 'Attention rollout', signed: false, family: 'attention', p: 0, fails: true },
  { id: 'random', label: 'Random', signed: false, family: 'baseline', p: 0.47 },
];

const METRICS: MetricInfo[] = [
  { id: 'comprehensiveness', label: 'Comprehensiveness', better: 'higher', description: 'ERASER comprehensiveness.' },
  { id: 'sufficiency', label: 'Sufficiency', better: 'lower', description: 'ERASER sufficiency.' },
  { id: 'aopc', label: 'AOPC', better: 'higher', description: 'Area over the perturbation curve.' },
  {
    id: 'spearman-loo',
    label: 'Spearman vs LOO',
    better: 'higher',
    description: 'Rank correlation with leave-one-out.',
  },
  { id: 'kendall-loo', label: 'Kendall vs LOO', better: 'higher', description: 'Kendall τ-b with leave-one-out.' },
  {
    id: 'decision-flip',
    label: 'Decision flip',
    better: 'higher',
    description: 'Erasing the top unit flips the class.',
  },
];

export interface FakeReportOptions {
  rows?: number;
  seed?: number;
  complete?: boolean;
  resumed?: number;
}

function bins(
  rows: SampleRow[],
  value: (r: SampleRow) => number,
  edges: number[],
  label: (from: number, to: number) => string,
  ids: string[],
): BinRow[] {
  const out: BinRow[] = [];
  edges.forEach((from, i) => {
    const to = edges[i + 1] ?? Infinity;
    const inBin = rows.filter((r) => value(r) >= from && value(r) < to);
    if (inBin.length === 0) return;
    const violation: Record<string, number | null> = {};
    ids.forEach((id, k) => {
      const m = new RunningMean();
      for (const r of inBin) m.add(r.violation[k]);
      violation[id] = m.estimate().mean;
    });
    out.push({ label: label(from, to), from, to: Number.isFinite(to) ? to : -1, samples: inBin.length, violation });
  });
  return out;
}

export function fakeReport(options: FakeReportOptions = {}): ReportView {
  const n = options.rows ?? 60;
  const rand = seededRandom(options.seed ?? 1);
  const ids = EXPLAINERS.map((e) => e.id);
  const counts = EXPLAINERS.map(() => OPERATORS.map(() => ({ k: 0, n: 0 })));
  const means = EXPLAINERS.map(() => new RunningMean());
  const sampleRows: SampleRow[] = [];
  let line = 2;
  for (let row = 0; row < n; row++) {
    const units = 1 + Math.floor(rand() * 60);
    const words = Array.from({ length: Math.min(units, 40) }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    const text =
      row === 0
        ? `${XSS_IMG} good food`
        : row === 1
          ? `${XSS_SCRIPT} bad service`
          : row % 97 === 5
            ? `${words.join(' ')} ${XSS_COMMENT}`
            : words.join(' ');
    const label = row % 11 === 3 ? null : row === 7 ? 'neutral' : LABELS[Math.floor(rand() * 2)];
    const prediction = LABELS[Math.floor(rand() * 2)];
    const probability = 0.5 + rand() * 0.5;
    const correct = label === null || !LABELS.includes(label) ? null : label === prediction;
    const violation = EXPLAINERS.map((e, k) => {
      if (e.fails) return null;
      let v = 0;
      OPERATORS.forEach((_, j) => {
        const violates = rand() < e.p;
        counts[k][j].n++;
        if (violates) {
          counts[k][j].k++;
          v++;
        }
      });
      means[k].add(v / OPERATORS.length);
      return v / OPERATORS.length;
    });
    sampleRows.push({ row, line, text, label, prediction, probability, correct, units, violation });
    line += row % 13 === 0 ? 2 : 1;
  }

  const metricMean = (): { n: number; mean: number; lo: number; hi: number } => {
    const mean = rand();
    return { n, mean, lo: mean - 0.02, hi: mean + 0.02 };
  };
  const explainers: ExplainerSummary[] = EXPLAINERS.map((e, k) => ({
    id: e.id,
    label: e.label,
    signed: e.signed,
    family: e.family,
    runs: e.fails ? 0 : n,
    failures: e.fails ? n : k === 3 ? 2 : 0,
    ...(e.fails ? { error: `rollout needs several attention layers ${XSS_SCRIPT}` } : {}),
    violation: e.fails
      ? {}
      : Object.fromEntries(OPERATORS.map((op, j) => [op, proportion(counts[k][j].k, counts[k][j].n)])),
    violationMean: means[k].estimate(),
    tokenLevelRate: e.fails ? { n: 0, mean: null, lo: null, hi: null } : metricMean(),
    weightedRate: e.fails ? { n: 0, mean: null, lo: null, hi: null } : metricMean(),
    metrics: Object.fromEntries(
      METRICS.map((m) => [m.id, e.fails ? { n: 0, mean: null, lo: null, hi: null } : metricMean()]),
    ),
    msPerSample: e.fails ? 0.1 : 1 + k * 3.7,
    polarity: e.fails
      ? [0, 0, 0, 0, 0]
      : [
          Math.floor(rand() * 900),
          Math.floor(rand() * 300),
          e.signed ? Math.floor(rand() * 300) : 0,
          e.signed ? Math.floor(rand() * 900) : 0,
          Math.floor(rand() * 50),
        ],
  }));

  const perSeed = [0, 1, 2].map((seed) => ({
    seed,
    violation: Object.fromEntries(OPERATORS.map((op) => [op, 0.42 + rand() * 0.1])),
  }));
  const seedMeans = perSeed.map((s) => OPERATORS.reduce((a, op) => a + (s.violation[op] ?? 0), 0) / OPERATORS.length);
  const labelled = sampleRows.filter((r) => r.correct !== null);
  const tokens = (): [string, number][] => [
    [XSS_IMG, 9],
    [XSS_SCRIPT, 7],
    ['horrible', 5],
    ['but', 3],
    ['not', 1],
  ];
  const badRows = [
    { line: 4, reason: 'empty text' },
    { line: 9, reason: `unparseable JSON: ${XSS_IMG}` },
  ];

  return {
    schema: DATASET_REPORT_SCHEMA,
    createdAt: '2025-01-02T03:04:05.000Z',
    dataset: {
      path: `data/reviews ${XSS_SCRIPT}.csv`,
      format: 'csv',
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
      rowsRead: n + badRows.length,
      rowsSelected: n,
      badRows,
      badRowCount: badRows.length,
      unmappedLabels: [],
    },
    model: { name: 'sst2-transformer', dir: '/models/sst2-transformer', labels: LABELS, sha256: '0123456789abcdef' },
    settings: {
      explainers: ids,
      operator: 'delete',
      operators: OPERATORS,
      granularity: 'word',
      objective: 'probability',
      igSteps: 20,
      igBaseline: 'zero',
      samples: 300,
      seed: 0,
      attentionLayer: -1,
      attentionHead: null,
      maxTokens: 256,
      randomSeeds: [0, 1, 2],
    },
    samples: n,
    rowsExplained: n,
    complete: options.complete ?? true,
    resumed: options.resumed ?? 0,
    accuracy: labelled.length ? proportion(labelled.filter((r) => r.correct).length, labelled.length) : null,
    metrics: METRICS,
    explainers,
    random: {
      perSeed,
      mean: seedMeans.reduce((a, b) => a + b, 0) / seedMeans.length,
      spread: Math.max(...seedMeans) - Math.min(...seedMeans),
    },
    byLength: bins(
      sampleRows,
      (r) => r.units,
      [1, 6, 11, 21, 41],
      (from, to) => (Number.isFinite(to) ? `${from}–${to - 1} units` : `${from}+ units`),
      ids,
    ),
    byConfidence: bins(
      sampleRows,
      (r) => r.probability,
      [0.5, 0.6, 0.7, 0.8, 0.9],
      (from, to) => `p(ŷ) ${from.toFixed(1)}–${Number.isFinite(to) ? to.toFixed(1) : '1.0'}`,
      ids,
    ),
    violationTokens: {
      byClass: Object.fromEntries(
        LABELS.map((l) => [l, Object.fromEntries(ids.filter((id) => id !== 'rollout').map((id) => [id, tokens()]))]),
      ),
    },
    timing: { seconds: n * 0.05, msPerSample: 50 },
    sampleRows,
  };
}

/** A compared ratio: the baseline's and this run's, the change with its interval (at `confidence`), McNemar's p. */
export function comparedRatio(
  baseline: number,
  current: number,
  interval: [number, number] | null,
  n: number,
  confidence: number,
  p?: number,
): ComparedRatio {
  // No sample judged: nothing measured (null means), as a comparison writes it.
  const estimate = (mean: number) => ({ n, mean: n ? mean : null, lo: null, hi: null });
  return {
    baseline: estimate(baseline),
    current: estimate(current),
    change: { ...estimate(current - baseline), lo: interval?.[0] ?? null, hi: interval?.[1] ?? null, confidence },
    ...(p === undefined ? {} : { mcnemar: { onlyCurrent: 9, onlyBaseline: 2, n, p, pHolm: Math.min(1, 3 * p) } }),
  };
}

/**
 * A comparison of `report` with a baseline (`check --baseline`): its first explainer that ran violates more (the
 * interval excludes 0), its second less, the others alike; the third has no delete verdict on both sides. Hostile
 * strings in the baseline's file, model, reasons and notes.
 */
export function fakeComparison(report: ReportView): ModelComparison {
  const ran = report.explainers.filter((e) => e.runs > 0);
  const n = report.samples;
  const confidence = 1 - 0.05 / ran.length;
  return {
    baseline: {
      file: `baseline ${XSS_SCRIPT}.json`,
      createdAt: '2024-12-01T09:00:00.000Z',
      model: { name: `old-model ${XSS_IMG}`, sha256: 'f'.repeat(64) },
      dataset: report.dataset.path,
      samples: n,
    },
    current: { model: { name: report.model.name, sha256: report.model.sha256 } },
    rows: { shared: n - 2, onlyBaseline: 3, onlyCurrent: 2, changedText: 1 },
    samples: n - 2,
    explainers: ran.map((e, k) => {
      const [b, c, ci] =
        k === 0
          ? ([0.1, 0.3, [0.08, 0.32]] as const)
          : k === 1
            ? ([0.4, 0.2, [-0.35, -0.05]] as const)
            : ([0.2, 0.21, [-0.1, 0.12]] as const);
      const ratio = (shift: number, p?: number) =>
        comparedRatio(b + shift, c + shift, [ci[0], ci[1]], n - 2, confidence, p);
      return {
        id: e.id,
        label: e.label,
        mean: ratio(0),
        operators: {
          delete: k === 2 ? comparedRatio(0, 0, null, 0, confidence) : ratio(0.01, 0.004),
          'zero-embedding': ratio(0.02, 0.5),
          'attention-mask': ratio(-0.01, 1),
        },
      };
    }),
    excluded: [{ id: 'kernel-shap', reason: `it reads --samples, which differs ${XSS_IMG}` }],
    accuracy: comparedRatio(0.8, 0.85, [0.01, 0.09], n - 3, 0.95, 0.03),
    notes: [`The baseline ran on reviews ${XSS_SCRIPT}.csv and this run on another file.`],
  };
}
