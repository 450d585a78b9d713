import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const digests = new Map<string, Promise<string>>();

/**
 * SHA-256 of the files (each file's name, then its contents), streamed: model files are hundreds of MB, and holding
 * one only to hash it would raise the process's peak memory. Remembered per file state (path, size, modification
 * time), so the loader, the gradient cache and a dataset run hash a model once per process.
 */
export function hashFiles(paths: string[]): Promise<string> {
  const state = paths
    .map((p) => {
      const st = statSync(p);
      return `${p}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
  let digest = digests.get(state);
  if (!digest) {
    digest = (async () => {
      const hash = createHash('sha256');
      for (const path of paths) {
        hash.update(`${path.split(/[\\/]/).pop()}\0`);
        for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      }
      return hash.digest('hex');
    })();
    digests.set(state, digest);
    digest.catch(() => digests.delete(state));
  }
  return digest;
}
