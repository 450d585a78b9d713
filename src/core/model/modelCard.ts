import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of a model card's "Measured accuracy" table. */
export interface CardAccuracy {
  split: string;
  file: string;
  examples: number;
  accuracy: number;
}

/**
 * Reads the accuracy table the build writes into MODEL_CARD.md (`| split | file | examples | accuracy |`).
 * Returns [] for a folder without a card, so user models need none.
 */
export function readCardAccuracies(modelDir: string): CardAccuracy[] {
  const card = join(modelDir, 'MODEL_CARD.md');
  if (!existsSync(card)) return [];
  const rows: CardAccuracy[] = [];
  for (const m of readFileSync(card, 'utf8').matchAll(
    /^\|\s*(dev|test)\s*\|\s*`?([^|`]+?)`?\s*\|\s*(\d+)\s*\|\s*([01]\.\d+)\s*\|/gm,
  )) {
    rows.push({ split: m[1], file: m[2], examples: Number(m[3]), accuracy: Number(m[4]) });
  }
  return rows;
}
