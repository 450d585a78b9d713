/**
 * Numbers the extension host shows (status bar, hovers, notifications, quick picks), written as VS Code's display
 * language writes them: Intl.NumberFormat, so German reads 0,873 and 1.000 where English reads 0.873 and 1,000. The
 * language is set once at activation (vscode.env.language); until then, and in tests, English. Kept free of `vscode`
 * so the pure modules that format numbers stay testable without it.
 */

let locale = 'en';
const formats = new Map<string, Intl.NumberFormat>();

/** Uses `language` (a BCP 47 tag such as "de" or "pt-br") for every number formatted from now on; unknown tags: English. */
export function setNumberLanguage(language: string): void {
  let supported: string[] = [];
  try {
    supported = Intl.NumberFormat.supportedLocalesOf(language);
  } catch {
    supported = []; // not a well-formed tag
  }
  locale = supported[0] ?? 'en';
  formats.clear();
}

function format(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

/** A count with the language's grouping: 12,345 (en), 12.345 (de). */
export function formatCount(n: number): string {
  return format({ maximumFractionDigits: 0 }).format(n);
}

/** Exactly `digits` decimals: a probability (0.873), an accuracy, a rate (4.2 samples/s). */
export function formatFixed(x: number, digits: number): string {
  return format({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

/**
 * Three significant digits without a sign, in scientific notation where a fixed one would need more than six
 * decimals or four integer digits (1.20E-7 rather than 0.000000120), as toPrecision(3) switches.
 */
export function formatMagnitude(x: number): string {
  const a = Math.abs(x);
  const scientific = a !== 0 && Number.isFinite(a) && (a < 1e-6 || a >= 1e4);
  return format({
    minimumSignificantDigits: 3,
    maximumSignificantDigits: 3,
    ...(scientific ? { notation: 'scientific' as const } : {}),
  }).format(a);
}

/** A signed weight or change with its sign written out: +0.123, −0.0456 (U+2212, as the panel writes it), 0.00. */
export function formatSigned(x: number): string {
  return (x > 0 ? '+' : x < 0 ? '\u2212' : '') + formatMagnitude(x);
}
