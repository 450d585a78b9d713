/**
 * The contract of the streaming dataset readers (CSV, TSV, JSONL, JSON arrays, text with one text per line): what the dataset runner, the CLI and
 * the extension ask of them. Implemented in this folder; nothing here reads a file.
 */

export type DatasetFormat = 'csv' | 'tsv' | 'jsonl' | 'json' | 'txt';

/** Which rows of the file are explained. */
export interface SampleSpec {
  /** all rows; the first n; a seeded uniform random sample of n; a seeded sample of n stratified by label. */
  mode: 'all' | 'first' | 'random' | 'stratified';
  /** Required for every mode but 'all'. */
  n?: number;
  /** For 'random' and 'stratified' (default 0). */
  seed?: number;
}

/** The columns to read: text always, label optional (unlabelled datasets still get the violation test). */
export interface ColumnChoice {
  text: string;
  label: string | null;
}

/** A row chosen for explaining. Rows come out in file order whatever the sampling mode. */
export interface SelectedRow {
  /** 0-based index among the file's data rows (header excluded), counting bad rows too; for a .txt file, line − 1. */
  row: number;
  /** 1-based line in the file where the row starts (for JSON arrays: the line of the object's opening brace). */
  line: number;
  text: string;
  /** The label as written (numbers as their decimal string), or null when no label column or an empty label. */
  label: string | null;
}

/** A row that was skipped, and why (shown to the user with its line number). */
export interface BadRow {
  line: number;
  reason: string;
}

/** What a quick look at the top of a file finds: enough to choose columns. */
export interface DatasetPreview {
  format: DatasetFormat;
  /** Column names (CSV/TSV header; for JSON, the keys of the first objects in first-seen order). */
  columns: string[];
  /** The first rows (up to the requested number), as strings. */
  rows: Record<string, string>[];
  /** The detected columns and whether a person should confirm them. */
  guess: ColumnGuess;
}

export interface ColumnGuess {
  /** The best text column; null when nothing looks like text. */
  text: string | null;
  label: string | null;
  /** Every plausible text/label column, best first (what the quick pick offers). */
  textCandidates: string[];
  labelCandidates: string[];
  /** True when the choice is not clear (e.g. two text-like columns and neither named like text): ask the user. */
  ambiguous: boolean;
}

/** Running totals while reading, for progress and the report. */
export interface ReadStats {
  /** Data rows seen so far (good and bad). */
  rowsRead: number;
  badRowCount: number;
  /** The first 1,000 bad rows. */
  badRows: BadRow[];
}

/** Thrown for a file that cannot be read as a dataset at all (binary, wrong format, no usable column). */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
