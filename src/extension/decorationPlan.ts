/**
 * What the editor shows after an explanation, as plain data: one coloured range per unit, the colour bucket its
 * weight falls in, and the hover text. Kept free of `vscode` so it is tested without an editor.
 */
import type { ExplainResult, ExplanationRow } from '../core/views';

/** Intensity levels per sign; more would be indistinguishable as background tints. */
export const LEVELS = 4;

export type Tint = 'positive' | 'negative' | 'unsigned';

export interface UnitDecoration {
  /** Document offsets [start, end). */
  start: number;
  end: number;
  tint: Tint;
  /** 1..LEVELS, by |w| / max |w| of the row; 0 for a zero weight (no tint). */
  level: number;
  top: boolean;
  /** Hover lines: plain text (the caller escapes nothing because it renders them as text). */
  hover: string[];
}

export interface DecorationPlan {
  explainer: ExplanationRow;
  units: UnitDecoration[];
}

/** A signed number as the editor's hovers print it: 3 significant digits, a real minus sign. */
export const signed = (x: number) => (x > 0 ? '+' : x < 0 ? '−' : '') + Math.abs(x).toPrecision(3);

/** The plan for `explainerId`, or an error when that explainer has no weights for this result. */
export function decorationPlan(
  result: ExplainResult,
  explainerId: string,
  offset: number,
): DecorationPlan | { error: string } {
  const row = result.explanations.find((r) => r.id === explainerId) ?? result.explanations.find((r) => r.weights);
  if (!row || !row.weights)
    return { error: `No explainer produced weights for this text${row?.error ? `: ${row.error}` : '.'}` };
  const weights = row.weights;
  const max = Math.max(...weights.map(Math.abs));
  const label = result.target.label;
  return {
    explainer: row,
    units: result.units.map((unit, i) => {
      const w = weights[i];
      const level = max > 0 && w !== 0 ? Math.max(1, Math.ceil((Math.abs(w) / max) * LEVELS)) : 0;
      const hover = [
        `${row.label}: ${signed(w)} (${row.quantity})`,
        ...result.impacts.map((im) => {
          const d = im.deltas[i];
          const change =
            d > 0
              ? `falls by ${Math.abs(d).toPrecision(3)}`
              : d < 0
                ? `rises by ${Math.abs(d).toPrecision(3)}`
                : 'does not change';
          const verdict =
            im.polarity[i] === 'supports'
              ? `▲ supports ${label}`
              : im.polarity[i] === 'suppresses'
                ? `▼ suppresses ${label}`
                : 'no effect';
          return `Erasing it (${im.paperName ?? im.operator}): p(${label}) ${change} → ${verdict} (Δ = ${signed(d)})`;
        }),
      ];
      const verdicts = row.verdicts.filter((v) => v.unit === i);
      if (verdicts.length) {
        hover.push(
          `Top unit of ${row.label}: ${verdicts.map((v) => `${v.violates ? '✗ violates' : '✓ consistent'} under ${operatorName(result, v.operator)}`).join(', ')}`,
        );
      }
      return {
        start: offset + unit.start,
        end: offset + unit.end,
        tint: row.signed ? (w >= 0 ? 'positive' : 'negative') : 'unsigned',
        level,
        top: verdicts.length > 0,
        hover,
      };
    }),
  };
}

function operatorName(result: ExplainResult, operator: string): string {
  return result.impacts.find((i) => i.operator === operator)?.paperName ?? operator;
}
