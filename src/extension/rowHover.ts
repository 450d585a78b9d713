/**
 * The hover of a marked dataset line, as Markdown: per sample on the line, the prediction (class and score, with what
 * the score is), the gold label, and each explainer's top unit and verdict per paper operator with its Δ. Everything
 * from the user's file (texts, labels, tokens) is escaped, so it reads as text and never as a link or markup. Pure.
 */
import { explainedSymbol, operatorTitle, headWords, type ReportView, type SampleRecord } from '../core/views';
import * as l10n from '@vscode/l10n';
import { formatFixed, formatSigned } from './displayNumbers';
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
export function explainRowLink(path: string, sample: MarkedSample, title = l10n.t('Explain row in panel')): string {
  const args: ExplainRowArgs = { path, ...sample };
  const tip = l10n.t("Open this row in the Polarity Lens panel, with the report's model and settings");
  return `[${title}](command:${EXPLAIN_ROW_COMMAND}?${encodeURIComponent(JSON.stringify([args]))} "${tip}")`;
}

/** What a line's mark says, as the hover's first line. */
export function markSummary(mark: RowMark, multiLabel: boolean): string {
  if (mark.kind === 'skipped')
    return l10n.t('Skipped by the run: {0}', escapeMarkdown(mark.reason ?? l10n.t('bad row')));
  if (mark.kind === 'unjudged') return l10n.t('No explainer could judge this row.');
  if (multiLabel)
    return mark.violating
      ? l10n.t(
          '✗ {0} of {1} judgements (explainer × label tested) violate under at least one operator',
          mark.violating,
          mark.judged,
        )
      : l10n.t('✓ none of {0} judgements (explainer × label tested) violates', mark.judged);
  return mark.violating
    ? l10n.t('✗ {0} of {1} explainers violate under at least one operator', mark.violating, mark.judged)
    : l10n.t('✓ none of {0} explainers violates', mark.judged);
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
      ? l10n.t('row {0} (line {1})', rows[0] + 1, mark.line + 1)
      : l10n.t('{0} rows on line {1} (objects written on one line share it)', rows.length, mark.line + 1);
  const out = [
    l10n.t('**Polarity Lens · {0}** · {1}', title, escapeMarkdown(report.model.name)),
    '',
    markSummary(mark, multiLabel),
  ];
  if (mark.kind === 'skipped') return out.join('\n');
  const shown = records.slice(0, HOVER_SAMPLES);
  for (const record of shown) out.push('', ...sampleSection(report, record, rows.length > 1));
  const more = mark.samples.length - shown.length;
  if (more > 0)
    out.push(
      '',
      more === 1
        ? l10n.t('…and 1 more sample on this line: see it in the report.')
        : l10n.t('…and {0} more samples on this line: see them in the report.', more),
    );
  out.push('', legend(report));
  return out.join('\n');
}

function sampleSection(report: HoverReport, record: HoverRecord, nameRow: boolean): string[] {
  if ('error' in record)
    return [l10n.t('Row {0}: details unavailable ({1}).', record.row + 1, escapeMarkdown(record.error))];
  const { labels } = report.model;
  const words = headWords(report.model.head);
  const multiLabel = report.model.head?.kind === 'multi-label';
  const score = (p: number) => (words.isProbability ? formatFixed(p, 3) : formatSigned(p));
  const name = (s: string) => `**${escapeMarkdown(s)}**`;
  const yHat = record.predicted ?? record.prediction.index;
  const explained = record.prediction;
  const quantity = escapeMarkdown(words.quantity);
  const p = score(explained.probability);
  const prediction = multiLabel
    ? l10n.t('Label tested {0}: σ(z) = {1} ({2})', name(explained.label), p, quantity)
    : yHat === explained.index
      ? l10n.t(
          'Predicted ŷ = {0}, {1} = {2} ({3})',
          name(explained.label),
          escapeMarkdown(explainedSymbol(report)),
          p,
          quantity,
        )
      : l10n.t(
          'Predicted ŷ = {0}; explained class {1}, p({2}) = {3} ({4})',
          name(labels[yHat] ?? String(yHat)),
          name(explained.label),
          escapeMarkdown(explained.label),
          p,
          quantity,
        );
  const gold =
    record.label === null
      ? l10n.t('no gold label')
      : record.correct === null
        ? l10n.t('gold {0} (not a class of the model)', name(record.label))
        : record.correct
          ? l10n.t('gold {0} ✓ correct', name(record.label))
          : l10n.t('gold {0} ✗ wrong', name(record.label));
  const ops = report.settings.operators;
  const table = [
    `| ${l10n.t('explainer')} | ${l10n.t('top unit (w)')} | ${ops.map((op) => escapeMarkdown(operatorTitle(op))).join(' | ')} |`,
    `|---|---|${ops.map(() => ':-:').join('|')}|`,
    ...report.explainers.map((e) => {
      const x = record.explainers[e.id];
      const cells = !x
        ? [l10n.t('not run'), ...ops.map(() => '')]
        : x.error
          ? [l10n.t('failed: {0}', escapeMarkdown(clip(x.error, 80))), ...ops.map(() => '')]
          : [topUnit(x.topText, Object.values(x.verdicts)[0]?.weight), ...ops.map((op) => verdictCell(x, op))];
      return `| ${escapeMarkdown(e.label)} | ${cells.join(' | ')} |`;
    }),
  ];
  return [
    `${nameRow ? l10n.t('Row {0}: ', record.row + 1) : ''}${prediction} · ${gold} · ${
      record.truncated ? l10n.t('{0} units (truncated)', record.units) : l10n.t('{0} units', record.units)
    }`,
    '',
    ...table,
  ];
}

function topUnit(text: string | undefined, weight: number | undefined): string {
  if (text === undefined) return '—';
  return `${escapeMarkdown(clip(text, 30))}${weight === undefined ? '' : ` (${formatSigned(weight)})`}`;
}

function verdictCell(x: SampleRecord['explainers'][string], op: string): string {
  const v = x.verdicts[op as keyof typeof x.verdicts];
  if (!v) return '—';
  return `${v.violates ? '✗' : '✓'} Δ ${formatSigned(v.delta)}${x.byConstruction?.[op as keyof typeof x.verdicts] ? ' †' : ''}`;
}

function legend(report: HoverReport): string {
  const symbol = escapeMarkdown(explainedSymbol(report));
  const quantity = escapeMarkdown(headWords(report.model.head).quantity);
  return l10n.t(
    "Δ: how much {0} ({1}) falls when the operator erases the top unit (positive: the unit supported it). ✗: the sign of the unit's weight w disagrees with Δ's. †: by construction, not independent evidence.",
    symbol,
    quantity,
  );
}
