/**
 * The sentences that explain a number: what a unit's weight claims, what erasing it really did, and why a verdict
 * is ✗ or ✓ (README “The violation test, as implemented”: a violation is w·Δ < 0 for the top unit). DOM-free so tests pin the wording's logic.
 */
import type { Polarity, VerdictRow } from '../../../src/core/explain/explainResult';
import { formatMagnitude, formatSigned } from '../../shared/format';

/** p(ŷ) written with ŷ's name, as the reader knows it: p(negative). */
export function pOf(label: string): string {
  return `p(${label})`;
}

/** A unit's measured polarity, Δ > tol supports, Δ < −tol suppresses (the engine's own tolerance). */
export function polarityOf(delta: number, tolerance: number): Polarity {
  if (delta > tolerance) return 'supports';
  if (delta < -tolerance) return 'suppresses';
  return 'none';
}

export const POLARITY_MARK: Record<Polarity, string> = { supports: '▲', suppresses: '▼', none: '•' };
export const POLARITY_WORD: Record<Polarity, string> = {
  supports: 'supports',
  suppresses: 'suppresses',
  none: 'no effect',
};

/** What a weight claims about its unit: its sign read as support or suppression of ŷ. */
export function claimOf(weight: number): string {
  if (weight > 0) return 'claims support';
  if (weight < 0) return 'claims suppression';
  return 'claims nothing';
}

/** "erasing it (delete) lowers p(negative) by 0.057": Δ = p(ŷ|x) − p(ŷ|x∖i) in words. */
export function effectOf(delta: number, tolerance: number, label: string, operator?: string): string {
  const erasing = operator ? `erasing it (${operator})` : 'erasing it';
  if (Math.abs(delta) <= tolerance) return `${erasing} leaves ${pOf(label)} unchanged`;
  return `${erasing} ${delta > 0 ? 'lowers' : 'raises'} ${pOf(label)} by ${formatMagnitude(delta)}`;
}

export function verdictWord(violates: boolean): string {
  return violates ? 'violates' : 'consistent';
}

/** The sentence a by-construction verdict's title ends with ("" when the verdict is independent evidence). */
export function constructionNote(verdict: Pick<VerdictRow, 'byConstruction'>): string {
  return verdict.byConstruction ? `. † Not independent evidence, by construction: ${verdict.byConstruction}` : '';
}

export function verdictMark(violates: boolean): string {
  return violates ? '✗' : '✓';
}

/**
 * Why the verdict under one operator is what it is:
 * "top unit ‘good’ w=+0.42 claims support; erasing it (delete) raises p(positive) by 0.03 → it suppresses".
 */
export function whySentence(
  verdict: VerdictRow,
  unitText: string | undefined,
  label: string,
  tolerance: number,
): string {
  if (verdict.unit < 0 || unitText === undefined) return 'no top unit: every weight is 0, so nothing is claimed';
  const polarity = polarityOf(verdict.delta, tolerance);
  return (
    `top unit ‘${unitText}’ w=${formatSigned(verdict.weight)} ${claimOf(verdict.weight)}; ` +
    `${effectOf(verdict.delta, tolerance, label, verdict.operator)} → ${polarity === 'none' ? 'no effect' : `it ${polarity}`}`
  );
}

/** The hover and screen-reader text of a unit in an explainer row. */
export function weightLabel(
  unitText: string,
  weight: number,
  explainer: string,
  delta: number | undefined,
  tolerance: number,
  label: string,
  operator: string,
  top: boolean,
): string {
  let s = `${unitText}: weight ${formatSigned(weight)} (${explainer})`;
  if (delta !== undefined)
    s += `, ${effectOf(delta, tolerance, label, operator)}: ${POLARITY_WORD[polarityOf(delta, tolerance)]}`;
  return top ? `${s}; top unit` : s;
}

/** The hover and screen-reader text of a unit in the impact row. */
export function impactLabel(
  unitText: string,
  delta: number,
  tolerance: number,
  label: string,
  operator: string,
): string {
  return `${unitText}: Δ ${formatSigned(delta)}, ${effectOf(delta, tolerance, label, operator)}: ${POLARITY_WORD[polarityOf(delta, tolerance)]}`;
}
