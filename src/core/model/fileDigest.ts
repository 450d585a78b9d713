import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const digests = new Map<string, string>();

/**
 * SHA-256 of the files' contents, read in 8 MB chunks (a base-size model is hundreds of MB: holding it only to hash
 * it would raise the process's peak memory), remembered per file state (path, size, modification time).
 */
export function filesDigest(paths: string[]): string {
  const state = paths.map((p) => {
    const st = statSync(p);
    return `${p}:${st.size}:${st.mtimeMs}`;
  }).join('|');
  let digest = digests.get(state);
  if (!digest) {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(8 << 20);
    for (const p of paths) {
      const fd = openSync(p, 'r');
      try {
        for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
      } finally {
        closeSync(fd);
      }
    }
    digest = hash.digest('hex');
    digests.set(state, digest);
  }
  return digest;
}
