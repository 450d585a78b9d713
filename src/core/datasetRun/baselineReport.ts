/**
 * A saved dataset report read back as the baseline of a comparison (`check --baseline OLD.json`): its summary whole,
 * and of each record only what pairing and the verdicts need (the row, a hash of the text, the gold label and per
 * explainer a few bits), so the report of a 100,000-row run, over a gigabyte of JSON, is read in bounded memory.
 * Streamed with @streamparser/json: JSON.parse cannot even hold a string that long. Anything that is not such a report
 * is refused with a ComparisonError that says what the file is instead.
 */
import { JSONParser } from '@streamparser/json';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { PAPER_OPERATORS } from '../erasure/operators';
import { DATASET_REPORT_SCHEMA, READABLE_REPORT_SCHEMAS, type DatasetReport } from './datasetReport';
import type { JudgedExplainer } from './pairedDifferences';

/** The baseline cannot be read or cannot be compared with this run: bad input (the CLI's exit 2), with why. */
export class ComparisonError extends Error {}

/** One judgement of a baseline row (a multi-label row has one per label). */
export interface BaselineJudgement {
  /** The class the judgement explains (its name: two models may order their classes differently). */
  explained: string;
  gold: string | null;
  correct: boolean | null;
  /** Per explainer (BaselineReport.explainers' index), its verdicts as verdictCode packs them; 0: it did not run. */
  verdicts: Uint16Array;
}

export interface BaselineRow {
  textKey: string;
  judgements: BaselineJudgement[];
}

export interface BaselineReport {
  /** The file as given. */
  file: string;
  summary: Omit<DatasetReport, 'records'>;
  /** By data row. */
  rows: Map<number, BaselineRow>;
  /** Explainer ids in the order of every judgement's `verdicts`. */
  explainers: string[];
}

/** What a row is paired on besides its index: its text, hashed so that long texts cost 44 characters each. */
export function textKey(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

// Per paper operator j, three bits from 1 + 3j: judged, violates, † (by construction); bit 0: the explainer ran.
const RAN = 1;
const bit = (op: number, which: 0 | 1 | 2) => 1 << (1 + 3 * op + which);

/** An explainer's outcome on one sample as a small number; 0 when it did not run or failed there. */
export function verdictCode(e: JudgedExplainer | undefined): number {
  if (!e || e.error !== undefined) return 0;
  let code = RAN;
  PAPER_OPERATORS.forEach((op, j) => {
    const v = e.verdicts[op];
    if (v === undefined) return;
    code |= bit(j, 0);
    if (v.violates) code |= bit(j, 1);
    if (e.byConstruction?.[op] !== undefined) code |= bit(j, 2);
  });
  return code;
}

/** verdictCode read back, as much of an explainer's outcome as a paired comparison reads. */
export function judgedExplainer(code: number | undefined): JudgedExplainer | undefined {
  if (!code) return undefined;
  const verdicts: JudgedExplainer['verdicts'] = {};
  const byConstruction: Partial<Record<ErasureOperatorName, string>> = {};
  PAPER_OPERATORS.forEach((op, j) => {
    if (!(code & bit(j, 0))) return;
    verdicts[op] = { violates: (code & bit(j, 1)) !== 0 };
    if (code & bit(j, 2)) byConstruction[op] = 'by construction in the baseline';
  });
  return Object.keys(byConstruction).length ? { verdicts, byConstruction } : { verdicts };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** What is wrong with a report's "schema" for this version, if anything. */
function schemaProblem(schema: unknown): string | undefined {
  if (typeof schema !== 'string') return 'is JSON but not a Polarity Lens dataset report (it has no "schema")';
  if (READABLE_REPORT_SCHEMAS.includes(schema)) return undefined;
  return schema.startsWith(DATASET_REPORT_SCHEMA.replace(/@.*$/, '@'))
    ? `is a report of schema ${schema}; this version of polarity-lens compares reports of schema ${READABLE_REPORT_SCHEMAS.join(' or ')} (rerun the baseline with this version of polarity-lens, or compare with the version that wrote it)`
    : `is a "${schema}" file, not a dataset report (${DATASET_REPORT_SCHEMA})`;
}

/** What is wrong with the summary, as far as a comparison reads it, if anything. */
function summaryProblem(x: unknown): string | undefined {
  if (!isObject(x))
    return `is JSON but not a dataset report (its top level is ${Array.isArray(x) ? 'an array' : typeof x}, not an object)`;
  const wrongSchema = schemaProblem(x.schema);
  if (wrongSchema) return wrongSchema;
  const model = x.model;
  if (
    !isObject(model) ||
    typeof model.name !== 'string' ||
    typeof model.sha256 !== 'string' ||
    !isStringArray(model.labels)
  )
    return 'is an incomplete dataset report: its "model" (name, sha256, labels) is missing or malformed';
  const s = x.settings;
  if (!isObject(s) || !isStringArray(s.explainers) || !isStringArray(s.operators) || typeof s.granularity !== 'string')
    return 'is an incomplete dataset report: its "settings" (explainers, operators, granularity) are missing or malformed';
  if (!isObject(x.dataset) || typeof x.dataset.path !== 'string')
    return 'is an incomplete dataset report: its "dataset" is missing or malformed';
  if (typeof x.createdAt !== 'string' || typeof x.samples !== 'number' || !Array.isArray(x.explainers))
    return 'is an incomplete dataset report: "createdAt", "samples" or "explainers" is missing';
  if (!Array.isArray(x.records))
    return 'has no per-sample "records" (a summary is not enough to pair samples): give the JSON report `check --json` wrote';
  return undefined;
}

/** Reads one record into its row's entry, or says what is wrong with it. */
class RecordReader {
  readonly rows = new Map<number, BaselineRow>();
  private readonly ids = new Map<string, number>();
  count = 0;

  explainers(): string[] {
    return [...this.ids.keys()];
  }

  add(x: unknown): string | undefined {
    const n = ++this.count;
    const where = `record ${n}`;
    if (!isObject(x)) return `${where} is not an object`;
    const { row, text, prediction, explainers } = x;
    if (typeof row !== 'number' || !Number.isInteger(row) || row < 0) return `${where} has no row index`;
    if (typeof text !== 'string') return `${where} (row ${row}) has no text`;
    if (!isObject(prediction) || typeof prediction.label !== 'string') return `${where} (row ${row}) has no prediction`;
    if (!isObject(explainers)) return `${where} (row ${row}) has no explainers`;
    const label = x.label ?? null;
    const correct = x.correct ?? null;
    if (label !== null && typeof label !== 'string') return `${where} (row ${row}) has a gold label that is not text`;
    if (correct !== null && typeof correct !== 'boolean')
      return `${where} (row ${row}) has a "correct" that is not true or false`;
    for (const id of Object.keys(explainers)) if (!this.ids.has(id)) this.ids.set(id, this.ids.size);
    const verdicts = new Uint16Array(this.ids.size);
    for (const [id, e] of Object.entries(explainers)) {
      const problem = explainerProblem(e);
      if (problem) return `${where} (row ${row}): explainer ${id} ${problem}`;
      verdicts[this.ids.get(id)!] = verdictCode(e as JudgedExplainer);
    }
    const key = textKey(text);
    let entry = this.rows.get(row);
    if (!entry) this.rows.set(row, (entry = { textKey: key, judgements: [] }));
    else if (entry.textKey !== key) return `${where}: row ${row} appears twice with different texts`;
    const explained = prediction.label;
    if (entry.judgements.some((j) => j.explained === explained))
      return `${where}: row ${row} appears twice for the class "${explained}"`;
    entry.judgements.push({ explained, gold: label, correct, verdicts });
    return undefined;
  }
}

function explainerProblem(e: unknown): string | undefined {
  if (!isObject(e)) return 'is not an object';
  if (e.error !== undefined) return typeof e.error === 'string' ? undefined : 'has an error that is not text';
  if (!isObject(e.verdicts)) return 'has no verdicts';
  for (const op of PAPER_OPERATORS) {
    const v = e.verdicts[op];
    if (v !== undefined && !(isObject(v) && typeof v.violates === 'boolean'))
      return `has a ${op} verdict without "violates"`;
  }
  if (e.byConstruction !== undefined && !isObject(e.byConstruction)) return 'has a malformed "byConstruction"';
  return undefined;
}

/**
 * Reads a report JSON written by `check --json` (or the report's Export JSON). Throws ComparisonError, naming the file
 * and what it is instead, for a file that cannot be read, is not JSON, is another schema or is malformed.
 */
export async function readBaselineReport(file: string): Promise<BaselineReport> {
  const fail = (what: string) => new ComparisonError(`--baseline ${file} ${what}.`);
  // The summary, its schema as soon as it is read, and each element of "records" as it completes; an element is taken
  // out of its array once read, so the summary that arrives last has an empty "records".
  const parser = new JSONParser({ paths: ['$', '$.schema', '$.records.*'] });
  const records = new RecordReader();
  let summary: unknown;
  let schema: unknown;
  let problem: string | undefined;
  let parseError: Error | undefined;
  let bytes = 0;
  parser.onValue = ({ value, key, parent, stack }) => {
    if (stack.length === 0) summary = value;
    else if (stack.length === 1) {
      if (key === 'schema') schema = value;
    } else if (Array.isArray(parent)) {
      parent.pop();
      problem ??= records.add(value);
    }
  };
  parser.onError = (e) => (parseError ??= e);
  try {
    for await (const chunk of createReadStream(file)) {
      bytes += (chunk as Buffer).length;
      parser.write(chunk as Buffer);
      // A bad record is named once the schema says the file is a report of this version (else the schema is named).
      if (parseError || (problem && schema !== undefined)) break;
    }
  } catch (e) {
    throw fail(`cannot be read: ${(e as Error).message}`);
  }
  if (bytes === 0) throw fail('is empty: give the JSON report `check --json` wrote');
  const wrongSchema = schema === undefined ? undefined : schemaProblem(schema);
  if (wrongSchema) throw fail(wrongSchema);
  if (problem) throw fail(`is not a dataset report this version can read: ${problem}`);
  if (parseError)
    throw fail(
      `is not JSON${records.count ? ` after its record ${records.count}` : ''} (${parseError.message}): give the JSON report \`check --json\` wrote`,
    );
  if (summary === undefined && !parser.isEnded) {
    try {
      parser.end();
    } catch {
      // the file ends inside its JSON: said below
    }
  }
  if (summary === undefined) throw fail('ends before its JSON does (truncated?)');
  const wrong = summaryProblem(summary);
  if (wrong) throw fail(wrong);
  return {
    file,
    summary: summary as Omit<DatasetReport, 'records'>,
    rows: records.rows,
    explainers: records.explainers(),
  };
}
