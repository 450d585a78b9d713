/**
 * What the editor shows after an explanation, as plain data: one coloured range per unit, the colour bucket its
 * weight falls in, and the hover text. Kept free of `vscode` so it is tested without an editor.
 */
import * as l10n from '@vscode/l10n';
import type { ExplainResult, ExplanationRow } from '../core/views';
import { formatMagnitude, formatSigned } from './displayNumbers';

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

/** The plan for `explainerId`, or an error when that explainer has no weights for this result. */
export function decorationPlan(
  result: ExplainResult,
  explainerId: string,
  offset: number,
): DecorationPlan | { error: string } {
  const row = result.explanations.find((r) => r.id === explainerId) ?? result.explanations.find((r) => r.weights);
  if (!row || !row.weights)
    return {
      error: row?.error
        ? l10n.t('No explainer produced weights for this text: {0}', row.error)
        : l10n.t('No explainer produced weights for this text.'),
    };
  const weights = row.weights;
  const max = Math.max(...weights.map(Math.abs));
  const label = result.target.label;
  return {
    explainer: row,
    units: result.units.map((unit, i) => {
      const w = weights[i];
      const level = max > 0 && w !== 0 ? Math.max(1, Math.ceil((Math.abs(w) / max) * LEVELS)) : 0;
      const hover = [
        `${row.label}: ${formatSigned(w)} (${row.quantity})`,
        ...result.impacts.map((im) => {
          const d = im.deltas[i];
          const change =
            d > 0
              ? l10n.t('p({0}) falls by {1}', label, formatMagnitude(d))
              : d < 0
                ? l10n.t('p({0}) rises by {1}', label, formatMagnitude(d))
                : l10n.t('p({0}) does not change', label);
          const verdict =
            im.polarity[i] === 'supports'
              ? l10n.t('▲ supports {0}', label)
              : im.polarity[i] === 'suppresses'
                ? l10n.t('▼ suppresses {0}', label)
                : l10n.t('no effect');
          return l10n.t(
            'Erasing it ({0}): {1} → {2} (Δ = {3})',
            im.paperName ?? im.operator,
            change,
            verdict,
            formatSigned(d),
          );
        }),
      ];
      const verdicts = row.verdicts.filter((v) => v.unit === i);
      if (verdicts.length) {
        const each = verdicts.map((v) =>
          v.violates
            ? l10n.t('✗ violates under {0}', operatorName(result, v.operator))
            : l10n.t('✓ consistent under {0}', operatorName(result, v.operator)),
        );
        hover.push(l10n.t('Top unit of {0}: {1}', row.label, each.join(', ')));
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
