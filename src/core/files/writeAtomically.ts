import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file under a temporary name, then renames it into place: a concurrent reader (another process loading
 * the same cache entry) sees the old file or the whole new one, never half of it.
 */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}
