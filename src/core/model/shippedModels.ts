import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The default models this project trains and ships under `models/`, with the dataset each was trained on. */
export const SHIPPED_MODELS = [
  { name: 'sst2-bilstm-tanh', dataset: 'sst2' },
  { name: 'sst2-cnn-dot', dataset: 'sst2' },
  { name: 'sst2-transformer', dataset: 'sst2' },
  { name: 'trec-transformer', dataset: 'trec' },
] as const;

/** The project root: the nearest folder above this file whose package.json is Polarity Lens's (works from src/, out/ and dist/). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'polarity-lens')
      return dir;
    if (dirname(dir) === dir) throw new Error(`Cannot find the Polarity Lens folder above ${from}`);
  }
}

/** Resolves a shipped model name to its folder; anything else is taken as a path. */
export function resolveModelDir(nameOrPath: string): string {
  const shipped = SHIPPED_MODELS.find((m) => m.name === nameOrPath);
  return shipped ? join(projectRoot(), 'models', shipped.name) : nameOrPath;
}
