import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { LabelledText } from '../src/core';

/**
 * Writes a text,label CSV of `rows` rows repeating `source`'s rows in turn: a large dataset whose repeats come from the
 * cache, so a bench measures the pipeline around the model (reader, cache, shard files, merge), not the model.
 */
export async function writeRepeatedCsv(file: string, source: LabelledText[], rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('text,label\n');
  for (let i = 0; i < rows; i++) {
    const r = source[i % source.length];
    if (!out.write(stringify([[r.text, r.label]])))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}
