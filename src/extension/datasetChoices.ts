/**
 * The questions "Run Violation Test on Dataset" asks before it runs: which columns (detected, confirmed when unclear,
 * remembered per file) and which rows. Pure: the quick picks' items and the parsing of answers, testable without VS Code.
 */
import type { ColumnChoice, SampleSpec } from '../core/views';

export const NO_LABEL = '(no label column)';
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
    description: c === guessed ? 'detected' : undefined,
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
  const count = rows === null ? '' : ` (${rows.toLocaleString('en')} rows)`;
  return [
    { label: `First 200 rows`, value: { mode: 'first', n: 200 } },
    { label: `Random sample of 500`, description: `seed ${seed}`, value: { mode: 'random', n: 500, seed } },
    {
      label: `Stratified sample of 500`,
      description: `by label, seed ${seed}`,
      value: { mode: 'stratified', n: 500, seed },
    },
    { label: `All rows${count}`, value: { mode: 'all' } },
    { label: 'Other…', description: 'first, random or stratified, any number of rows', value: 'custom' },
  ];
}

/** "first 1000", "random 300", "stratified 50", "all" → a SampleSpec, or an error for the input box. */
export function parseSelection(text: string, seed: number): SampleSpec | { error: string } {
  const m = /^\s*(first|random|stratified|all)(?:\s+(\d+))?\s*$/i.exec(text);
  if (!m) return { error: 'Write "first N", "random N", "stratified N" or "all".' };
  const mode = m[1].toLowerCase() as SampleSpec['mode'];
  if (mode === 'all') return { mode };
  const n = Number(m[2]);
  if (!m[2] || !Number.isInteger(n) || n < 1) return { error: `Say how many rows, e.g. "${mode} 500".` };
  return mode === 'first' ? { mode, n } : { mode, n, seed };
}

export function describeSelection(s: SampleSpec): string {
  return s.mode === 'all'
    ? 'all rows'
    : s.mode === 'first'
      ? `the first ${s.n} rows`
      : `a ${s.mode} sample of ${s.n} rows (seed ${s.seed ?? 0})`;
}
