/**
 * The panel's colour scales. Signed weights use a diverging blue ↔ orange scale (orange: claims to support ŷ, blue:
 * claims to suppress it), which stays distinguishable under protanopia, deuteranopia and tritanopia, unlike red ↔
 * green. Unsigned weights use the sequential half of it, 0 → orange: an unsigned explainer always claims support,
 * which is exactly what the violation test holds it to. Each theme has its own endpoints, chosen so text stays
 * readable (WCAG AA, 4.5:1) on every tint (dark themes switch to white text on strong tints);
 * test/webview/colorScale.test.ts checks both properties.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Palette {
  /** The theme's default editor background and text colour the endpoints were checked against. */
  background: string;
  foreground: string;
  /** Full-strength tints: w = +max|w| and w = −max|w|. */
  positive: string;
  negative: string;
  /** Text colour on strong tints (intensity ≥ STRONG_FROM), where the theme's own text would lose contrast; none: keep it. */
  strongText?: string;
  /** The attention map's full-strength cell: no text sits on it, so it can be brighter than `positive`. */
  heat: string;
}

export const PALETTES: Record<ThemeKind, Palette> = {
  light: { background: '#ffffff', foreground: '#3b3b3b', positive: '#f5a05a', negative: '#7eb3f5', heat: '#e86f0c' },
  dark: {
    background: '#1f1f1f',
    foreground: '#cccccc',
    positive: '#b35900',
    negative: '#2f6fd0',
    strongText: '#ffffff',
    heat: '#ff9d3d',
  },
  'high-contrast': {
    background: '#000000',
    foreground: '#ffffff',
    positive: '#b35900',
    negative: '#2f6fd0',
    strongText: '#ffffff',
    heat: '#ffa040',
  },
  'high-contrast-light': {
    background: '#ffffff',
    foreground: '#292929',
    positive: '#f39a4c',
    negative: '#79aef5',
    heat: '#c85a00',
  },
};

/** The theme VS Code declares through the body's classes (checked most specific first). */
export function themeKind(classNames: Iterable<string>): ThemeKind {
  const set = new Set(classNames);
  if (set.has('vscode-high-contrast-light')) return 'high-contrast-light';
  if (set.has('vscode-high-contrast')) return 'high-contrast';
  if (set.has('vscode-dark')) return 'dark';
  return 'light';
}

/** The normaliser of a row: its largest |value| (0 when there is none or all are zero or non-finite). */
export function maxAbs(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

export type Tone = 'positive' | 'negative' | 'none';

/** From this intensity on, a tint counts as strong and dark themes switch its text to Palette.strongText. */
export const STRONG_FROM = 0.6;

/** How a value is drawn: which end of the scale, how strongly (|v| / scale, in [0, 1]), and whether that is strong. */
export interface Tint {
  tone: Tone;
  intensity: number;
  strong: boolean;
}

export function tint(value: number, scale: number): Tint {
  if (!Number.isFinite(value) || value === 0 || !(scale > 0)) return { tone: 'none', intensity: 0, strong: false };
  const intensity = Math.min(1, Math.abs(value) / scale);
  return { tone: value > 0 ? 'positive' : 'negative', intensity, strong: intensity >= STRONG_FROM };
}

/** The tint as an opaque colour over the palette's background (what the reader sees behind a unit's text). */
export function tintColor(palette: Palette, t: Tint): string {
  if (t.tone === 'none') return palette.background;
  return toHex(
    blend(
      parseHex(palette.background),
      parseHex(t.tone === 'positive' ? palette.positive : palette.negative),
      t.intensity,
    ),
  );
}

/** The text colour drawn on a tint. */
export function textColor(palette: Palette, t: Tint): string {
  return t.strong && palette.strongText ? palette.strongText : palette.foreground;
}

// ---- colour arithmetic (sRGB in [0, 1]) ----

export type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`Not a #rrggbb colour: ${hex}`);
  const n = parseInt(m[1], 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

export function toHex(rgb: Rgb): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.min(1, Math.max(0, c)) * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

export function blend(under: Rgb, over: Rgb, alpha: number): Rgb {
  return [0, 1, 2].map((i) => under[i] * (1 - alpha) + over[i] * alpha) as Rgb;
}

const toLinear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c: number): number => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

/** WCAG relative luminance. */
export function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map(toLinear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export type Deficiency = 'protanopia' | 'deuteranopia' | 'tritanopia';

/** Machado, Oliveira & Fernandes (2009), severity 1, applied in linear RGB. */
const CVD: Record<Deficiency, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

/** What a viewer with the given colour vision deficiency sees. */
export function simulateCvd(rgb: Rgb, deficiency: Deficiency): Rgb {
  const lin = rgb.map(toLinear);
  return CVD[deficiency].map((row) =>
    fromLinear(Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]))),
  ) as Rgb;
}

/** CIE76 colour difference in L*a*b* (D65); about 2.3 is just noticeable, over 20 is plainly different. */
export function deltaE(a: Rgb, b: Rgb): number {
  const [l1, a1, b1] = toLab(a);
  const [l2, a2, b2] = toLab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

function toLab(rgb: Rgb): [number, number, number] {
  const [r, g, b] = rgb.map(toLinear);
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
