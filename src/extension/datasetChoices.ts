/**
 * The questions "Run Violation Test on Dataset" asks before it runs: which columns (detected, confirmed when unclear,
 * remembered per file) and which rows. Pure: the quick picks' items and the parsing of answers, testable without VS Code.
 */
import * as l10n from '@vscode/l10n';
import type { ColumnChoice, SampleSpec } from '../core/views';
import { formatCount } from './displayNumbers';

/** The label question's "none" item (a function: translations are loaded at activation, after modules load). */
export const noLabel = (): string => l10n.t('(no label column)');
export const columnsKey = (path: string) => `polarityLens.datasetColumns:${path}`;
export const SELECTION_KEY = 'polarityLens.datasetSelection';
/** Remembered columns are reused only while the file still has them. */
export function rememberedColumns(saved: unknown, columns: string[]): ColumnChoice | undefined {
  const c = saved as Partial<ColumnChoice> | undefined;
  if (!c || typeof c.text !== 'string' || !columns.includes(c.text)) return undefined;
  if (c.label !== null && (typeof c.label !== 'string' || !columns.includes(c.label))) return undefined;
  return { text: c.text, label: c.label };
}

export interface ColumnItem {
  label: string;
  description?: string;
  detail?: string;
  value: string;
}

/** Text-column candidates first (the guess on top), then every other column; each with a sample value. */
export function columnItems(
  columns: string[],
  preferred: string[],
  sample: Record<string, string>[],
  guessed: string | null,
): ColumnItem[] {
  const ordered = [...preferred, ...columns.filter((c) => !preferred.includes(c))];
  return ordered.map((c) => ({
    label: c,
    description: c === guessed ? l10n.t('detected') : undefined,
    detail: sample
      .map((r) => r[c])
      .find((v) => v !== undefined && v !== '')
      ?.slice(0, 120),
    value: c,
  }));
}

export interface SelectionItem {
  label: string;
  description?: string;
  value: SampleSpec | 'custom';
}

export function selectionItems(rows: number | null, seed: number): SelectionItem[] {
  return [
    { label: l10n.t('First {0} rows', formatCount(200)), value: { mode: 'first', n: 200 } },
    {
      label: l10n.t('Random sample of {0}', formatCount(500)),
      description: l10n.t('seed {0}', seed),
      value: { mode: 'random', n: 500, seed },
    },
    {
      label: l10n.t('Stratified sample of {0}', formatCount(500)),
      description: l10n.t('by label, seed {0}', seed),
      value: { mode: 'stratified', n: 500, seed },
    },
    {
      label: rows === null ? l10n.t('All rows') : l10n.t('All rows ({0} rows)', formatCount(rows)),
      value: { mode: 'all' },
    },
    {
      label: l10n.t('Other…'),
      description: l10n.t('first, random or stratified, any number of rows'),
      value: 'custom',
    },
  ];
}

/** "first 1000", "random 300", "stratified 50", "all" → a SampleSpec, or an error for the input box. */
export function parseSelection(text: string, seed: number): SampleSpec | { error: string } {
  const m = /^\s*(first|random|stratified|all)(?:\s+(\d+))?\s*$/i.exec(text);
  // The keywords stay English: they are what the user types.
  if (!m) return { error: l10n.t('Write "first N", "random N", "stratified N" or "all".') };
  const mode = m[1].toLowerCase() as SampleSpec['mode'];
  if (mode === 'all') return { mode };
  const n = Number(m[2]);
  if (!m[2] || !Number.isInteger(n) || n < 1) return { error: l10n.t('Say how many rows, e.g. "{0} 500".', mode) };
  return mode === 'first' ? { mode, n } : { mode, n, seed };
}

export function describeSelection(s: SampleSpec): string {
  const n = formatCount(s.n ?? 0);
  return s.mode === 'all'
    ? l10n.t('all rows')
    : s.mode === 'first'
      ? l10n.t('the first {0} rows', n)
      : s.mode === 'random'
        ? l10n.t('a random sample of {0} rows (seed {1})', n, s.seed ?? 0)
        : l10n.t('a stratified sample of {0} rows (seed {1})', n, s.seed ?? 0);
}
