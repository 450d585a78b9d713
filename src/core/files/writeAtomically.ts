import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file under a temporary name, then renames it into place: a concurrent reader (another process loading
 * the same cache entry) sees the old file or the whole new one, never half of it.
 */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * Writes chunks (a report streamed from the cache, a result file) to a temporary file beside `path`, flushed to disk,
 * then renames it over `path`; refused if `path` exists, unless `overwrite`.
 */
export async function writeChunksAtomically(
  path: string,
  chunks: AsyncIterable<string> | Iterable<string>,
  { overwrite = false } = {},
): Promise<void> {
  if (!overwrite && existsSync(path))
    throw new Error(`${path} already exists; choose another name or allow overwriting.`);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, 'wx');
  try {
    for await (const chunk of chunks) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(temp, { force: true });
    throw e;
  }
}
