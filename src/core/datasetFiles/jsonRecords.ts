/**
 * Streams the raw records of line files (JSONL and plain-text datasets: one record per line) and JSON-array files (one
 * per element), as bytes with the 1-based line where each starts, in bounded memory: a record over MAX_RECORD_BYTES is dropped as it streams and
 * reported as a bad row, and reading goes on after it (the next newline, or the element's closing bracket, is still
 * found). node:readline would buffer an endless line whole, hence the small splitter here.
 *
 * A JSON array is split into elements by a byte scanner that only tracks strings and bracket depth; each element is
 * then parsed by JSON.parse in the reader. The line of an element is the line of its first byte (an object's
 * opening brace).
 */
import { createReadStream } from 'node:fs';
import { addAbortSignal } from 'node:stream';
import { DatasetError } from './datasetTypes';
import { MAX_RECORD_BYTES, STOPPED, TOO_LONG } from './limits';

export type JsonEvent =
  | { kind: 'item'; line: number; bytes: Buffer }
  | { kind: 'bad'; line: number; reason: string }
  /** Nothing can be read past this point (a truncated array); nothing follows this event. */
  | { kind: 'stop'; line: number; reason: string };

export interface JsonReadOptions {
  start?: number;
  signal?: AbortSignal;
}

const LF = 0x0a;
const CR = 0x0d;

async function* chunks(path: string, options: JsonReadOptions): AsyncGenerator<Buffer> {
  if (options.signal?.aborted) return;
  const file = createReadStream(path, { start: options.start ?? 0, highWaterMark: 256 * 1024 });
  if (options.signal) addAbortSignal(options.signal, file);
  try {
    for await (const chunk of file) {
      if (options.signal?.aborted) return;
      yield chunk as Buffer;
    }
  } catch (err) {
    if (!options.signal?.aborted) throw err;
  } finally {
    file.destroy();
  }
}

/** Collects one record's bytes across chunks, giving up (but still counting) past MAX_RECORD_BYTES. */
class Collector {
  private parts: Buffer[] = [];
  private size = 0;
  add(part: Buffer): void {
    this.size += part.length;
    if (this.size > MAX_RECORD_BYTES) this.parts = [];
    else if (part.length > 0) this.parts.push(part);
  }
  get overlong(): boolean {
    return this.size > MAX_RECORD_BYTES;
  }
  take(): Buffer {
    const out = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    return out;
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  return true;
}

/** JSONL and plain text: every non-blank line; a trailing CR (CRLF files) is dropped. */
export async function* lineRecords(path: string, options: JsonReadOptions = {}): AsyncGenerator<JsonEvent> {
  let line = 1;
  const current = new Collector();
  const finish = (): JsonEvent | null => {
    if (current.overlong) {
      current.take();
      return { kind: 'bad', line, reason: TOO_LONG };
    }
    let bytes = current.take();
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return isBlank(bytes) ? null : { kind: 'item', line, bytes };
  };
  for await (const chunk of chunks(path, options)) {
    let from = 0;
    for (let nl = chunk.indexOf(LF, from); nl !== -1; nl = chunk.indexOf(LF, from)) {
      current.add(chunk.subarray(from, nl));
      const ev = finish();
      if (ev) yield ev;
      line++;
      from = nl + 1;
    }
    current.add(chunk.subarray(from));
  }
  if (options.signal?.aborted) return;
  const ev = finish();
  if (ev) yield ev;
}

const WS = new Set([0x20, 0x09, LF, CR]);
const NOT_ARRAY =
  'a .json dataset must be one top-level array of objects, like [{"text": "…", "label": "…"}, …] ' +
  '(for one object per line, name the file .jsonl)';

type Phase = 'before' | 'between' | 'element' | 'after';

/** JSON array: every element of the top-level array. */
export async function* jsonArrayRecords(path: string, options: JsonReadOptions = {}): AsyncGenerator<JsonEvent> {
  let line = 1;
  let phase: Phase = 'before';
  let depth = 0; // bracket depth inside the current element
  let inString = false;
  let escaped = false;
  let startLine = 0;
  const current = new Collector();
  const done = (): JsonEvent => {
    phase = 'between';
    if (current.overlong) {
      current.take();
      return { kind: 'bad', line: startLine, reason: TOO_LONG };
    }
    return { kind: 'item', line: startLine, bytes: current.take() };
  };
  for await (const chunk of chunks(path, options)) {
    let elementFrom = phase === 'element' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (phase === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === 0x5c)
            escaped = true; // backslash
          else if (b === 0x22) {
            inString = false;
            if (depth === 0) {
              current.add(chunk.subarray(elementFrom, i + 1));
              yield done();
            }
          }
        } else if (b === 0x22) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if ((b === 0x7d || b === 0x5d) && depth > 0) {
          if (--depth === 0) {
            current.add(chunk.subarray(elementFrom, i + 1));
            yield done();
          }
        } else if (depth === 0 && (b === 0x2c || b === 0x5d || WS.has(b))) {
          // the end of a bare number, true, false or null
          current.add(chunk.subarray(elementFrom, i));
          yield done();
          if (b === 0x5d) phase = 'after';
        }
      } else if (WS.has(b)) {
        // skip
      } else if (phase === 'before') {
        if (b !== 0x5b) throw new DatasetError(NOT_ARRAY);
        phase = 'between';
      } else if (phase === 'between') {
        if (b === 0x5d) phase = 'after';
        else if (b !== 0x2c) {
          phase = 'element';
          elementFrom = i;
          startLine = line;
          depth = b === 0x7b || b === 0x5b ? 1 : 0;
          inString = b === 0x22;
          escaped = false;
        }
      } else {
        yield { kind: 'stop', line, reason: `unexpected text after the array's closing ]; ${STOPPED}` };
        return;
      }
      if (b === LF) line++;
    }
    if (phase === 'element') current.add(chunk.subarray(elementFrom));
  }
  if (options.signal?.aborted) return;
  const end = phase as Phase; // (done() changes phase behind the compiler's back)
  if (end === 'element' && !inString && depth === 0) {
    yield done(); // a bare value right at the end of the file
    yield { kind: 'stop', line, reason: `the file ends before the array is closed (truncated?); ${STOPPED}` };
  } else if (end === 'element' || end === 'between') {
    const at = end === 'element' ? startLine : line;
    yield { kind: 'stop', line: at, reason: `the file ends before the array is closed (truncated?); ${STOPPED}` };
  }
}
