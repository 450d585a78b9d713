/** Temporary dataset files for the reader tests (deleted after the file's tests), and a reader that collects everything. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { newReadStats, readRows, type ReadOptions } from '../../../src/core/datasetFiles/datasetReader';
import type { BadRow, ColumnChoice, SelectedRow } from '../../../src/core/datasetFiles/datasetTypes';

/** A writer of numbered files in a fresh temp folder removed after the calling test file. */
export function tempFiles(prefix: string): { dir: string; file(name: string, content: string | Buffer): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let fileNo = 0;
  return {
    dir,
    file(name, content) {
      const path = join(dir, `${fileNo++}-${name}`);
      writeFileSync(path, content);
      return path;
    },
  };
}

export const TL: ColumnChoice = { text: 'text', label: 'label' };

/** Every row, bad row and the stats of reading `path`. */
export async function read(path: string, columns: ColumnChoice = TL, options: ReadOptions = {}) {
  const stats = newReadStats();
  const bad: BadRow[] = [];
  const rows: SelectedRow[] = [];
  for await (const row of readRows(path, columns, { ...options, stats, onBadRow: (b) => bad.push(b) })) rows.push(row);
  return { rows, stats, bad };
}
