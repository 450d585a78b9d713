/**
 * Number formatting for the dataset report, on top of the panel's format.ts: ratios and means with three decimals,
 * their 95% intervals, counts with thousands separators, rates and durations. DOM-free so Node tests pin it.
 */
import { MINUS } from '../../shared/format';

/** A ratio or mean with three decimals (0.235, −0.041); a dash when undefined. */
export function formatFixed(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const s = Math.abs(x).toFixed(digits);
  // −0.000 would claim a sign the rounded value does not have.
  return x < 0 && Number(s) !== 0 ? `${MINUS}${s}` : s;
}

/** A change with its sign: +0.083, −0.050, ±0.000 (no sign the rounded value does not have). */
export function formatSigned(x: number | null | undefined, digits = 3): string {
  const s = formatFixed(x, digits);
  if (s === '—' || s.startsWith(MINUS)) return s;
  return Number(s) === 0 ? `±${s}` : `+${s}`;
}

/** A 95% interval as "0.210–0.262"; empty when either end is undefined. */
export function formatInterval(lo: number | null | undefined, hi: number | null | undefined, digits = 3): string {
  if (lo === null || lo === undefined || hi === null || hi === undefined) return '';
  return `${formatFixed(lo, digits)}–${formatFixed(hi, digits)}`;
}

/** 100000 → "100,000". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** Samples per second: "12.3/s", "0.42/s", "1,250/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '—';
  if (perSecond >= 100) return `${formatCount(perSecond)}/s`;
  return `${perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toPrecision(2)}/s`;
}

/** The engine's duration format, so the report, the CLI and the notification say times alike. */
export { formatDuration } from '../../../src/core/format/duration';

/** "1 sample", "2 samples". */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
