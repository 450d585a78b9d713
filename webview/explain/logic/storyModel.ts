/**
 * The compact view's layout decisions, DOM-free so tests pin them: which explainer rows it shows, how the text's
 * units are cut into chunks that fit the panel's width (each chunk one aligned table), and the short names that fit
 * its narrow columns.
 */
import type { ExplainResult, ExplanationRow } from '../../../src/core/explain/explainResult';
import { PAPER_CORE_EXPLAINERS } from '../../../src/core/explainers/paperCore';

export interface StoryRows {
  rows: ExplanationRow[];
  /** Explainers of the result the view leaves out (shown with "all"). */
  hidden: number;
}

/**
 * The rows the compact view shows: the paper's core explainers the result has, in the result's order; every row when
 * `all` is asked for, or when the result has none of the core ones (a user who chose only LIME sees LIME).
 */
export function storyRows(result: ExplainResult, all: boolean): StoryRows {
  const core = result.explanations.filter((e) => PAPER_CORE_EXPLAINERS.includes(e.id));
  const rows = all || core.length === 0 ? result.explanations : core;
  return { rows, hidden: result.explanations.length - rows.length };
}

/**
 * Cuts units into consecutive chunks whose widths (px, each already at least the column's minimum) sum to at most
 * `available`; a unit wider than `available` gets a chunk of its own. Returns [start, end) ranges covering every unit.
 */
export function chunkUnits(widths: readonly number[], available: number): [number, number][] {
  const chunks: [number, number][] = [];
  let start = 0;
  let used = 0;
  widths.forEach((w, i) => {
    if (i > start && used + w > available) {
      chunks.push([start, i]);
      start = i;
      used = 0;
    }
    used += w;
  });
  if (widths.length > start) chunks.push([start, widths.length]);
  return chunks;
}

/** An explainer's name without its parenthetical: "AttGrad (α⊙∇α)" → "AttGrad". */
export function shortLabel(label: string): string {
  const short = label.replace(/\s*\(.*\)\s*$/, '').trim();
  return short || label;
}
