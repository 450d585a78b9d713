/**
 * Number formatting for the panel. DOM-free so Node tests pin it. Display strings use the typographic minus (U+2212);
 * data-* attributes keep the raw number (String(x)) so tests and tools read exact values.
 */

export const MINUS = '\u2212';

/** Three significant digits, trailing zeros dropped; tiny or huge magnitudes in exponent form (4.29e−6). */
export function formatMagnitude(x: number): string {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return Number.isNaN(a) ? 'NaN' : '∞';
  if (a === 0) return '0';
  if (a < 1e-3 || a >= 1e5) {
    const [mantissa, exponent] = a.toExponential(2).split('e');
    return `${trimZeros(mantissa)}e${exponent.replace('+', '').replace('-', MINUS)}`;
  }
  // toPrecision(3) never gives an exponent in [1e-3, 1e5) except for ≥ 1000, where a fixed integer reads better.
  return a >= 1000 ? Math.round(a).toString() : trimZeros(a.toPrecision(3));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A signed number with an explicit sign: +0.42, −0.031, 0. */
export function formatSigned(x: number): string {
  if (x === 0 || Number.isNaN(x)) return formatMagnitude(x);
  return (x > 0 ? '+' : MINUS) + formatMagnitude(x);
}

/** An unsigned number (negatives still get a minus). */
export function formatNumber(x: number): string {
  return (x < 0 ? MINUS : '') + formatMagnitude(x);
}

/**
 * A probability with three decimals (0.946), but never rounded onto 1 or 0 when it is not: 0.99989 reads
 * 0.9999 rather than 1.000, which would claim certainty the model does not have.
 */
export function formatProbability(p: number): string {
  for (let digits = 3; digits <= 8; digits++) {
    const s = p.toFixed(digits);
    const rounded = Number(s);
    if ((rounded !== 1 || p === 1) && (rounded !== 0 || p === 0)) return s;
  }
  return p.toExponential(2);
}

/** A share in [0, 1] as a whole percentage ("15%"); a dash when undefined. */
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${Math.round(x * 100)}%`;
}

/**
 * The violation mean over the paper's three operators is k/3: shown as the fraction it is (0, 1/3, 2/3, 1);
 * anything else (another operator count) with two decimals.
 */
export function formatViolationMean(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  for (let k = 0; k <= 3; k++) {
    if (Math.abs(x - k / 3) < 1e-9) return k === 0 ? '0' : k === 3 ? '1' : `${k}/3`;
  }
  return x.toFixed(2);
}

/** Wall time of one explainer: 0.2 ms, 139 ms, 1.3 s. */
export function formatRuntime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
