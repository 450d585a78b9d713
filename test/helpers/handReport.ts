/**
 * Hand-made dataset reports for the comparison's tests: every sample's verdicts are given, so what a comparison of two
 * such reports must say is known by counting. Only what a comparison reads is filled in with care; the rest is valid
 * but plain.
 */
import { writeFileSync } from 'node:fs';
import {
  DATASET_REPORT_SCHEMA,
  type DatasetReport,
  type ExplainerSummary,
  type SampleExplainer,
  type SampleRecord,
} from '../../src/core/datasetRun/datasetReport';
import type { ErasureOperatorName } from '../../src/core/erasure/erasureOperator';
import { PAPER_OPERATORS } from '../../src/core/erasure/operators';
import { explainerById } from '../../src/core/explainers/registry';
import { outcomeSettings, settingDefault } from '../../src/core/settings/engineSettings';

/** Per paper operator (delete, zero-embedding, attention-mask): whether the top unit violates. */
export type Verdicts = [boolean, boolean, boolean];

export interface HandSample {
  row: number;
  text: string;
  /** Gold label and whether ŷ matched it (null: unlabelled). */
  label?: string | null;
  correct?: boolean | null;
  /** The class explained (ŷ), by name. */
  explained?: string;
  /** Per explainer: its verdicts, or 'error' where it failed on this sample. */
  explainers: Record<string, Verdicts | 'error'>;
  /** Per explainer, the operators whose verdict is by construction (†). */
  byConstruction?: Record<string, ErasureOperatorName[]>;
}

function explainerOutcome(verdicts: Verdicts | 'error', construction: ErasureOperatorName[] = []): SampleExplainer {
  const rest = {
    tokenLevelRate: null,
    weightedRate: null,
    metrics: {},
    polarity: [0, 0, 0, 0, 0] as SampleExplainer['polarity'],
    ms: 1,
  };
  if (verdicts === 'error') return { error: 'failed here', verdicts: {}, violationMean: null, ...rest };
  return {
    topText: 'word',
    verdicts: Object.fromEntries(
      PAPER_OPERATORS.map((op, i) => [
        op,
        { unit: 0, weight: 1, delta: verdicts[i] ? -0.1 : 0.1, violates: verdicts[i] },
      ]),
    ),
    violationMean: verdicts.filter(Boolean).length / 3,
    ...(construction.length
      ? { byConstruction: Object.fromEntries(construction.map((op) => [op, 'by construction here'])) }
      : {}),
    ...rest,
  };
}

export interface HandReportOptions {
  model?: string;
  sha256?: string;
  labels?: string[];
  explainers: string[];
  samples: HandSample[];
  /** Settings that differ from the defaults (e.g. { igSteps: 50 }, { granularity: 'token' }). */
  settings?: Partial<DatasetReport['settings']>;
  head?: DatasetReport['model']['head'];
  dataset?: string;
}

export function handReport(o: HandReportOptions): DatasetReport {
  const labels = o.labels ?? ['negative', 'positive'];
  const defaults = outcomeSettings({
    operator: 'delete',
    granularity: 'word',
    objective: 'probability',
    igSteps: settingDefault('igSteps') as number,
    igBaseline: 'zero',
    samples: settingDefault('samples') as number,
    seed: 0,
    attentionLayer: -1,
    maxTokens: 256,
  });
  const records: SampleRecord[] = o.samples.map((s) => {
    const explained = s.explained ?? labels[1];
    return {
      row: s.row,
      line: s.row + 2,
      text: s.text,
      label: s.label ?? null,
      labelIndex: s.label ? labels.indexOf(s.label) : null,
      prediction: { index: labels.indexOf(explained), label: explained, probability: 0.9 },
      correct: s.correct ?? null,
      units: s.text.split(' ').length,
      truncated: false,
      explainers: Object.fromEntries(
        Object.entries(s.explainers).map(([id, v]) => [id, explainerOutcome(v, s.byConstruction?.[id])]),
      ),
      random: [],
      ms: 1,
    };
  });
  const summary = (id: string): ExplainerSummary => {
    const info = explainerById(id);
    const none = { n: 0, mean: null, lo: null, hi: null };
    return {
      id,
      label: info.label,
      signed: info.signed,
      family: info.family,
      runs: records.length,
      failures: 0,
      violation: {},
      violationMean: none,
      tokenLevelRate: none,
      weightedRate: none,
      metrics: {},
      msPerSample: 1,
      polarity: [0, 0, 0, 0, 0],
    };
  };
  return {
    schema: DATASET_REPORT_SCHEMA,
    createdAt: '2025-06-01T10:00:00.000Z',
    dataset: {
      path: o.dataset ?? '/data/reviews.csv',
      format: 'csv',
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
      rowsRead: records.length,
      rowsSelected: records.length,
      badRows: [],
      badRowCount: 0,
      unmappedLabels: [],
    },
    model: {
      name: o.model ?? 'model-a',
      dir: `/models/${o.model ?? 'model-a'}`,
      labels,
      sha256: o.sha256 ?? 'a'.repeat(64),
      ...(o.head ? { head: o.head } : {}),
    },
    settings: {
      explainers: o.explainers,
      operators: [...PAPER_OPERATORS],
      randomSeeds: [0, 1, 2],
      ...defaults,
      ...o.settings,
    },
    samples: records.length,
    rowsExplained: records.length,
    complete: true,
    resumed: 0,
    accuracy: null,
    metrics: [],
    explainers: o.explainers.map(summary),
    random: { perSeed: [], mean: null, spread: null },
    byLength: [],
    byConfidence: [],
    violationTokens: { byClass: {} },
    timing: { seconds: 1, msPerSample: 1 },
    records,
  };
}

/** Writes a report as `check --json` would (the records last), for readBaselineReport. */
export function writeReport(path: string, report: unknown): string {
  writeFileSync(path, JSON.stringify(report, null, 2));
  return path;
}

/** A report's records as the run gives them: an async stream. */
export async function* streamed(records: SampleRecord[]): AsyncGenerator<SampleRecord> {
  for (const r of records) yield await Promise.resolve(r);
}
