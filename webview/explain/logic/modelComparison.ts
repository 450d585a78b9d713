/**
 * What differs between two models' explanations of the same text: the prediction, and per explainer both ran, the top
 * unit and the verdict under each operator both measured. Units are matched by their place in the text (character
 * offsets), not by index, since two tokenizers can cut the same text differently. DOM-free so tests pin it.
 */
import type { ExplainResult, ExplanationRow, VerdictRow } from '../../../src/core/explain/explainResult';

export interface VerdictChange {
  operator: string;
  /** The baseline's verdict and this model's: true violates. */
  before: boolean;
  after: boolean;
}

export interface RowComparison {
  id: string;
  label: string;
  /** The top unit's text in each (undefined: no top unit, or the explainer did not run). */
  topBefore?: string;
  topAfter?: string;
  /** The top units cover different characters of the text. */
  topMoved: boolean;
  changes: VerdictChange[];
}

export interface ModelComparison {
  predictionChanged: boolean;
  rows: RowComparison[];
  /** Every verdict that differs, over all rows. */
  changedVerdicts: number;
  /** Verdicts compared (an operator both measured, an explainer both ran). */
  comparedVerdicts: number;
}

function topSpan(result: ExplainResult, row: ExplanationRow): { text: string; start: number; end: number } | undefined {
  const unit = row.verdicts.find((v) => v.unit >= 0)?.unit;
  return unit === undefined ? undefined : result.units[unit];
}

const verdictOf = (row: ExplanationRow, operator: string): VerdictRow | undefined =>
  row.verdicts.find((v) => v.operator === operator);

/** `after` compared with `before` (the panel's main model), explainer by explainer in `after`'s order. */
export function compareExplanations(before: ExplainResult, after: ExplainResult): ModelComparison {
  const rows: RowComparison[] = [];
  let changedVerdicts = 0;
  let comparedVerdicts = 0;
  for (const b of after.explanations) {
    const a = before.explanations.find((e) => e.id === b.id);
    if (!a || a.weights === null || b.weights === null) continue;
    const topA = topSpan(before, a);
    const topB = topSpan(after, b);
    const changes: VerdictChange[] = [];
    for (const vb of b.verdicts) {
      const va = verdictOf(a, vb.operator);
      if (!va) continue;
      comparedVerdicts++;
      if (va.violates !== vb.violates) changes.push({ operator: vb.operator, before: va.violates, after: vb.violates });
    }
    changedVerdicts += changes.length;
    rows.push({
      id: b.id,
      label: b.label,
      topBefore: topA?.text,
      topAfter: topB?.text,
      topMoved: topA?.start !== topB?.start || topA?.end !== topB?.end,
      changes,
    });
  }
  return {
    predictionChanged: before.prediction.label !== after.prediction.label,
    rows,
    changedVerdicts,
    comparedVerdicts,
  };
}

/** The baseline's verdict for one explainer and operator, for marking a cell that differs (undefined: not compared). */
export function baselineVerdict(baseline: ExplainResult, explainer: string, operator: string): boolean | undefined {
  const row = baseline.explanations.find((e) => e.id === explainer);
  if (!row || row.weights === null) return undefined;
  return verdictOf(row, operator)?.violates;
}
