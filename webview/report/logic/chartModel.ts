/**
 * What the report's charts draw, DOM-free: the default explainers of the line charts, axis ranges and ticks, the
 * polarity confusion matrix and the violation tokens. The SVG components only place what this computes.
 */
import type { ExplainerSummary, ReportView } from '../../../src/core/datasetRun/datasetReport';

/** Explainers the by-length and by-confidence charts always start with when the report has them. */
export const PINNED_CHART_EXPLAINERS = ['raw-attention', 'attention-x-gradient'];
export const DEFAULT_CHART_COUNT = 4;

/**
 * The default pick: the explainers with the most runs (ties in report order), always including raw attention and
 * AttGrad when present, `count` in all, returned in the report's order.
 */
export function defaultChartExplainers(explainers: readonly ExplainerSummary[], count = DEFAULT_CHART_COUNT): string[] {
  const pinned = PINNED_CHART_EXPLAINERS.filter((id) => explainers.some((e) => e.id === id));
  const rest = explainers
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => !pinned.includes(e.id))
    .sort((a, b) => b.e.runs - a.e.runs || a.i - b.i)
    .map(({ e }) => e.id);
  const chosen = new Set([...pinned, ...rest].slice(0, Math.max(count, pinned.length)));
  return explainers.filter((e) => chosen.has(e.id)).map((e) => e.id);
}

/** An axis maximum that reads well: the smallest of 0.1, 0.2, 0.25, 0.5, 1 (times a power of ten) ≥ max. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max - 1e-12) return step * power;
  return 10 * power;
}

/** `count` + 1 evenly spaced ticks from 0 to max. */
export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** Maps [0, max] onto [from, to] (pixels; `to` may be above `from` for a y axis). */
export function linear(max: number, from: number, to: number): (x: number) => number {
  return (x) => from + ((to - from) * Math.min(Math.max(x, 0), max)) / (max || 1);
}

export interface PolarityCell {
  /** The sign the weight claims (w > 0: supports ŷ) and the sign Δ measured (Δ > 0: erasing lowers p(ŷ)). */
  claims: 'supports' | 'suppresses';
  measured: 'supports' | 'suppresses';
  count: number;
  /** Share of the units with a sign on both sides (the four cells). */
  share: number | null;
  violates: boolean;
}

export interface PolarityMatrix {
  cells: PolarityCell[];
  /** Units with w = 0 or |Δ| ≤ tolerance: neither consistent nor violating. */
  zero: number;
  total: number;
  /** Share of signed units whose claim disagrees with Δ (the token-level violation rate over all samples). */
  violating: number | null;
}

/** ExplainerSummary.polarity ([w>0&Δ>0, w>0&Δ<0, w<0&Δ>0, w<0&Δ<0, zero]) as a 2×2 matrix plus the zero count. */
export function polarityMatrix(polarity: readonly number[]): PolarityMatrix {
  const [pp, pn, np, nn, zero] = [0, 1, 2, 3, 4].map((i) => Math.max(0, polarity[i] ?? 0));
  const signed = pp + pn + np + nn;
  const share = (c: number): number | null => (signed > 0 ? c / signed : null);
  const cell = (claims: PolarityCell['claims'], measured: PolarityCell['measured'], count: number): PolarityCell => ({
    claims,
    measured,
    count,
    share: share(count),
    violates: claims !== measured,
  });
  return {
    cells: [
      cell('supports', 'supports', pp),
      cell('supports', 'suppresses', pn),
      cell('suppresses', 'supports', np),
      cell('suppresses', 'suppresses', nn),
    ],
    zero,
    total: signed + zero,
    violating: share(pn + np),
  };
}

/** The predicted classes that have violation tokens, in the model's label order (then any others). */
export function tokenClasses(report: Pick<ReportView, 'violationTokens' | 'model'>): string[] {
  const present = Object.keys(report.violationTokens.byClass);
  return [
    ...report.model.labels.filter((l) => present.includes(l)),
    ...present.filter((l) => !report.model.labels.includes(l)),
  ];
}

/** The tokens that were the violating top unit most often for a class and explainer, most frequent first. */
export function violationTokens(
  report: Pick<ReportView, 'violationTokens'>,
  cls: string | undefined,
  explainer: string | undefined,
): [string, number][] {
  if (cls === undefined || explainer === undefined) return [];
  const byClass = report.violationTokens.byClass;
  const tokens = Object.hasOwn(byClass, cls) && Object.hasOwn(byClass[cls], explainer) ? byClass[cls][explainer] : [];
  return [...tokens].sort((a, b) => b[1] - a[1]);
}

/** Text cut to `max` characters with an ellipsis (chart labels; the full text goes in the mark's title). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

/** Point markers of the line charts, so series differ by shape as well as colour. */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'] as const;
export type MarkerShape = (typeof MARKERS)[number];

/** Line dash patterns, one per series (cycling), the third way series differ. */
export const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 3', '10 4'];

/** An SVG path for a marker of radius r centred on (x, y). */
export function markerPath(shape: MarkerShape, x: number, y: number, r: number): string {
  const p = (dx: number, dy: number): string => `${round(x + dx)} ${round(y + dy)}`;
  switch (shape) {
    case 'square':
      return `M${p(-r, -r)}L${p(r, -r)}L${p(r, r)}L${p(-r, r)}Z`;
    case 'triangle':
      return `M${p(0, -r * 1.2)}L${p(r * 1.1, r * 0.8)}L${p(-r * 1.1, r * 0.8)}Z`;
    case 'triangle-down':
      return `M${p(0, r * 1.2)}L${p(r * 1.1, -r * 0.8)}L${p(-r * 1.1, -r * 0.8)}Z`;
    case 'diamond':
      return `M${p(0, -r * 1.3)}L${p(r * 1.3, 0)}L${p(0, r * 1.3)}L${p(-r * 1.3, 0)}Z`;
    case 'cross': {
      const t = r * 0.45;
      return `M${p(-t, -r)}L${p(t, -r)}L${p(t, -t)}L${p(r, -t)}L${p(r, t)}L${p(t, t)}L${p(t, r)}L${p(-t, r)}L${p(-t, t)}L${p(-r, t)}L${p(-r, -t)}L${p(-t, -t)}Z`;
    }
    default:
      return `M${p(-r, 0)}A${r} ${r} 0 1 0 ${p(r, 0)}A${r} ${r} 0 1 0 ${p(-r, 0)}Z`;
  }
}

const round = (v: number): number => Math.round(v * 100) / 100;
