/**
 * The dataset run's cache: one append-only JSONL file per (model files' hash, settings), one line per explained text.
 * A later run, or the same run resumed after Cancel, reads finished texts back instead of explaining them again. Only
 * an index (text hash → byte range) stays in memory, so a 100,000-text cache costs a few MB.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SampleOutcome } from './sampleOutcome';

/** Bump when SampleOutcome's meaning changes, so old cache files are not read as new ones. */
const CACHE_VERSION = 2;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export class SampleCache {
  private readonly index = new Map<string, { offset: number; length: number }>();
  private size = 0;

  private readonly appendFd: number;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.appendFd = openSync(path, 'a');
  }

  /** Opens (creating if needed) the cache for a model hash and the settings that change a text's outcome. */
  static async open(dir: string, modelHash: string, settings: Record<string, unknown>): Promise<SampleCache> {
    mkdirSync(dir, { recursive: true });
    const settingsHash = sha256(JSON.stringify([CACHE_VERSION, settings])).slice(0, 16);
    const path = join(dir, `${modelHash.slice(0, 16)}-${settingsHash}.jsonl`);
    const cache = new SampleCache(path, openSync(path, existsSync(path) ? 'r+' : 'w+'));
    await cache.load();
    return cache;
  }

  private async load(): Promise<void> {
    let offset = 0;
    let lastStart = 0;
    let lastKey: string | undefined;
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      const bytes = Buffer.byteLength(line);
      lastKey = /^\{"k":"([0-9a-f]{64})"/.exec(line)?.[1];
      if (lastKey) this.index.set(lastKey, { offset, length: bytes });
      lastStart = offset;
      offset += bytes + 1;
    }
    // Every put ends with a newline; a last line without one was cut short by a killed run: drop it, so the next
    // append starts on a fresh line.
    if (offset > fstatSync(this.fd).size) {
      if (lastKey) this.index.delete(lastKey);
      ftruncateSync(this.fd, lastStart);
    }
    this.size = fstatSync(this.fd).size;
  }

  get count(): number {
    return this.index.size;
  }

  /** The cached outcome of `text`, if it has every explainer asked for (and `otherLabels` more labels' judgements). */
  get(text: string, explainers: string[], otherLabels = 0): SampleOutcome | undefined {
    const at = this.index.get(sha256(text));
    if (!at) return undefined;
    const buffer = Buffer.alloc(at.length);
    readSync(this.fd, buffer, 0, at.length, at.offset);
    try {
      const outcome = (JSON.parse(buffer.toString('utf8')) as { o: SampleOutcome }).o;
      const judgements = [outcome, ...(outcome.otherLabels ?? [])];
      const complete =
        judgements.length === otherLabels + 1 && judgements.every((j) => explainers.every((id) => id in j.explainers));
      return outcome.text === text && complete ? outcome : undefined;
    } catch {
      return undefined; // a damaged line reads as a miss and is replaced by the next put
    }
  }

  put(outcome: SampleOutcome): void {
    const key = sha256(outcome.text);
    const line = Buffer.from(`${JSON.stringify({ k: key, o: outcome })}\n`);
    // Appended (O_APPEND), never written at a remembered offset: another run on the same file (a second window, a
    // run finishing after Cancel) may have appended meanwhile. Where it landed is read back; get() checks the text,
    // so a wrong guess is a miss, never a wrong outcome.
    writeSync(this.appendFd, line);
    this.size = fstatSync(this.appendFd).size;
    this.index.set(key, { offset: this.size - line.length, length: line.length - 1 });
  }

  close(): void {
    closeSync(this.fd);
    closeSync(this.appendFd);
  }
}
