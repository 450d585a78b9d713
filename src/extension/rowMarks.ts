/**
 * What a dataset file's editor shows after a run, as plain data: one mark per line where an explained row starts
 * (✗ with the share of judgements that violate, or ✓), and one per bad row the report lists (⚠ skipped). Lines come
 * from the report's records, which the reader numbers by where each record starts (a quoted CSV field over several
 * lines included); a JSON array is mapped by the line of each object's opening brace, so several objects written on
 * one line share that line's mark. Kept free of `vscode` so it is tested without an editor.
 */
import * as l10n from '@vscode/l10n';
import type { ReportView } from '../core/views';

/** A data row on a marked line: its 0-based row, and for a multi-label report the label each sample tests. */
export interface MarkedSample {
  row: number;
  target?: number;
}

export interface RowMark {
  /** 0-based editor line (the report's 1-based line − 1). */
  line: number;
  kind: 'violates' | 'consistent' | 'unjudged' | 'skipped';
  /** Shown after the line's text: "✗ 3/6", "✓ 0/6", "no verdict", "⚠ skipped". */
  text: string;
  /**
   * Judgements on the line (one per explainer that ran on each of its samples) and how many violate: the top unit's
   * claimed sign disagrees with the measured change under at least one of the paper's operators.
   */
  judged: number;
  violating: number;
  /** The samples starting on the line, in file order (empty for a skipped row). */
  samples: MarkedSample[];
  /** Why the row was skipped (kind 'skipped'). */
  reason?: string;
}

/** The marks of a report's explained and skipped rows, by line (first line first). */
export function rowMarks(view: {
  sampleRows: ReportView['sampleRows'];
  dataset: Pick<ReportView['dataset'], 'badRows'>;
}): RowMark[] {
  const byLine = new Map<number, RowMark>();
  for (const s of view.sampleRows) {
    const line = s.line - 1;
    let mark = byLine.get(line);
    if (!mark) {
      mark = { line, kind: 'unjudged', text: '', judged: 0, violating: 0, samples: [] };
      byLine.set(line, mark);
    }
    mark.samples.push(s.target === undefined ? { row: s.row } : { row: s.row, target: s.target });
    for (const share of s.violation) {
      if (share === null) continue;
      mark.judged++;
      if (share > 0) mark.violating++;
    }
  }
  for (const mark of byLine.values()) {
    mark.kind = mark.judged === 0 ? 'unjudged' : mark.violating > 0 ? 'violates' : 'consistent';
    mark.text =
      mark.kind === 'unjudged'
        ? l10n.t('no verdict')
        : `${mark.kind === 'violates' ? '✗' : '✓'} ${mark.violating}/${mark.judged}`;
  }
  for (const bad of view.dataset.badRows) {
    const line = bad.line - 1;
    if (!byLine.has(line))
      byLine.set(line, {
        line,
        kind: 'skipped',
        text: '⚠ skipped',
        judged: 0,
        violating: 0,
        samples: [],
        reason: bad.reason,
      });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/** The data rows of a mark, each once (a multi-label row has a sample per label), in file order. */
export function markedRows(mark: RowMark): number[] {
  return [...new Set(mark.samples.map((s) => s.row))];
}
