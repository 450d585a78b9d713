/**
 * The hover of a marked dataset line, as Markdown: per sample on the line, the prediction (class and score, with what
 * the score is), the gold label, and each explainer's top unit and verdict per paper operator with its Δ. Everything
 * from the user's file (texts, labels, tokens) is escaped, so it reads as text and never as a link or markup. Pure.
 */
import { explainedSymbol, operatorTitle, headWords, type ReportView, type SampleRecord } from '../core/views';
import { signed } from './decorationPlan';
import type { MarkedSample, RowMark } from './rowMarks';

/** The command a hover's link and a CodeLens run: opens one sample of the report in the explain panel. */
export const EXPLAIN_ROW_COMMAND = 'polarityLens.explainDatasetRow';

export interface ExplainRowArgs {
  /** The dataset file, so a stale link (another report shown since) is refused instead of opening another row. */
  path: string;
  row: number;
  target?: number;
}

/** A sample's full record, or why it could not be read (the hover then says so). */
export type HoverRecord = SampleRecord | { row: number; error: string };

type HoverReport = Pick<ReportView, 'model' | 'explainers' | 'settings' | 'dataset'>;

/** Hovers list at most this many samples of one line (a multi-label row's labels, a JSON line of many objects). */
export const HOVER_SAMPLES = 4;

/** Markdown-escapes text from the user's file or model, on one line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** A command link (Markdown) that explains one sample in the panel. */
export function explainRowLink(path: string, sample: MarkedSample, title = 'Explain row in panel'): string {
  const args: ExplainRowArgs = { path, ...sample };
  return `[${title}](command:${EXPLAIN_ROW_COMMAND}?${encodeURIComponent(JSON.stringify([args]))} "Open this row in the Polarity Lens panel, with the report's model and settings")`;
}

/** What a line's mark says, as the hover's first line. */
export function markSummary(mark: RowMark, multiLabel: boolean): string {
  if (mark.kind === 'skipped') return `Skipped by the run: ${escapeMarkdown(mark.reason ?? 'bad row')}`;
  const what = multiLabel ? 'judgements (explainer × label tested)' : 'explainers';
  if (mark.kind === 'unjudged') return `No explainer could judge this row.`;
  return mark.violating
    ? `✗ ${mark.violating} of ${mark.judged} ${what} violate under at least one operator`
    : `✓ none of ${mark.judged} ${what} violates`;
}

/**
 * The hover's Markdown for a marked line, given the records of its first samples (in the mark's order; at most
 * HOVER_SAMPLES are shown, and the rest counted).
 */
export function rowHover(report: HoverReport, mark: RowMark, records: HoverRecord[]): string {
  const multiLabel = report.model.head?.kind === 'multi-label';
  const rows = [...new Set(mark.samples.map((s) => s.row))];
  const title =
    rows.length === 1
      ? `row ${rows[0] + 1} (line ${mark.line + 1})`
      : `${rows.length} rows on line ${mark.line + 1} (objects written on one line share it)`;
  const out = [
    `**Polarity Lens · ${title}** · ${escapeMarkdown(report.model.name)}`,
    '',
    markSummary(mark, multiLabel),
  ];
  if (mark.kind === 'skipped') return out.join('\n');
  const shown = records.slice(0, HOVER_SAMPLES);
  for (const record of shown) out.push('', ...sampleSection(report, record, rows.length > 1));
  const more = mark.samples.length - shown.length;
  if (more > 0) out.push('', `…and ${more} more sample${more === 1 ? '' : 's'} on this line: see them in the report.`);
  out.push('', legend(report));
  return out.join('\n');
}

function sampleSection(report: HoverReport, record: HoverRecord, nameRow: boolean): string[] {
  if ('error' in record) return [`Row ${record.row + 1}: details unavailable (${escapeMarkdown(record.error)}).`];
  const { labels } = report.model;
  const words = headWords(report.model.head);
  const multiLabel = report.model.head?.kind === 'multi-label';
  const score = (p: number) => (words.isProbability ? p.toFixed(3) : p.toPrecision(4));
  const name = (s: string) => `**${escapeMarkdown(s)}**`;
  const yHat = record.predicted ?? record.prediction.index;
  const explained = record.prediction;
  const prediction = multiLabel
    ? `Label tested ${name(explained.label)}: σ(z) = ${score(explained.probability)} (${escapeMarkdown(words.quantity)})`
    : yHat === explained.index
      ? `Predicted ŷ = ${name(explained.label)}, ${escapeMarkdown(explainedSymbol(report))} = ${score(explained.probability)} (${escapeMarkdown(words.quantity)})`
      : `Predicted ŷ = ${name(labels[yHat] ?? String(yHat))}; explained class ${name(explained.label)}, p(${escapeMarkdown(explained.label)}) = ${score(explained.probability)} (${escapeMarkdown(words.quantity)})`;
  const gold =
    record.label === null
      ? 'no gold label'
      : `gold ${name(record.label)}${record.correct === null ? ' (not a class of the model)' : record.correct ? ' ✓ correct' : ' ✗ wrong'}`;
  const ops = report.settings.operators;
  const table = [
    `| explainer | top unit (w) | ${ops.map((op) => escapeMarkdown(operatorTitle(op))).join(' | ')} |`,
    `|---|---|${ops.map(() => ':-:').join('|')}|`,
    ...report.explainers.map((e) => {
      const x = record.explainers[e.id];
      const cells = !x
        ? ['not run', ...ops.map(() => '')]
        : x.error
          ? [`failed: ${escapeMarkdown(clip(x.error, 80))}`, ...ops.map(() => '')]
          : [topUnit(x.topText, Object.values(x.verdicts)[0]?.weight), ...ops.map((op) => verdictCell(x, op))];
      return `| ${escapeMarkdown(e.label)} | ${cells.join(' | ')} |`;
    }),
  ];
  return [
    `${nameRow ? `Row ${record.row + 1}: ` : ''}${prediction} · ${gold} · ${record.units} units${record.truncated ? ' (truncated)' : ''}`,
    '',
    ...table,
  ];
}

function topUnit(text: string | undefined, weight: number | undefined): string {
  if (text === undefined) return '—';
  return `${escapeMarkdown(clip(text, 30))}${weight === undefined ? '' : ` (${signed(weight)})`}`;
}

function verdictCell(x: SampleRecord['explainers'][string], op: string): string {
  const v = x.verdicts[op as keyof typeof x.verdicts];
  if (!v) return '—';
  return `${v.violates ? '✗' : '✓'} Δ ${signed(v.delta)}${x.byConstruction?.[op as keyof typeof x.verdicts] ? ' †' : ''}`;
}

function legend(report: HoverReport): string {
  const symbol = escapeMarkdown(explainedSymbol(report));
  const quantity = escapeMarkdown(headWords(report.model.head).quantity);
  return `Δ: how much ${symbol} (${quantity}) falls when the operator erases the top unit (positive: the unit supported it). ✗: the sign of the unit's weight w disagrees with Δ's. †: by construction, not independent evidence.`;
}
