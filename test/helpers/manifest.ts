/** package.json as written (with its %key% placeholders) and as VS Code shows it in English (package.nls.json filled in). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

export const MANIFEST_TEXT = readFileSync(join(ROOT, 'package.json'), 'utf8');
export const NLS = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Every %key% placeholder in package.json, in order of appearance. */
export const placeholders = (): string[] => [...MANIFEST_TEXT.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);

/** package.json with each "%key%" string replaced by its English text (a missing key stays a placeholder). */
export function localizedManifest<T = Record<string, unknown>>(): T {
  return JSON.parse(MANIFEST_TEXT, (_key, value: unknown) =>
    typeof value === 'string' && /^%[^%]+%$/.test(value) ? (NLS[value.slice(1, -1)] ?? value) : value,
  ) as T;
}
