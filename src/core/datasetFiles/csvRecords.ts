/**
 * Streams the records of a CSV/TSV file through csv-parse, each with the 1-based line where it starts.
 *
 * Why a wrapper and not csv-parse alone:
 *  - Start lines: csv-parse's `info` gives only the line where a record ends (it counts a CRLF inside a quoted field
 *    as two lines, and snapshotting it per record costs 40% of the parse). Instead empty lines are kept as records
 *    (dropped here), so every line belongs to exactly one record and a record starts one line after the previous
 *    record's start plus the line breaks inside its fields.
 *  - Fields stay bytes (`encoding: null`) so the reader can tell invalid UTF-8 from a real U+FFFD in the file.
 *  - csv-parse's `skip_records_with_error` cannot resume after an oversized or unclosed-quote record (it drops data
 *    and swallows the rows after it), so those errors are fatal here: they end the stream as one `stop` event that
 *    says on which line the unreadable record starts. Rows before it have already been yielded.
 *
 * Quote handling: RFC 4180 (quoted fields, doubled quotes, delimiters and newlines inside quotes) with csv-parse's
 * `relax_quotes`, so a stray quote inside an unquoted field (`5" screen`) or text after a closing quote (`"a"b`) is
 * kept as written instead of failing the file. A quote that opens a field and never closes swallows the rest of the
 * file: it ends as a `stop` at end of file or when the field passes MAX_RECORD_BYTES.
 */
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { MAX_RECORD_BYTES, STOPPED, TOO_LONG } from './limits';

export type CsvEvent =
  /** The first event is the header row. */
  | { kind: 'record'; line: number; fields: Uint8Array[] }
  /** The file cannot be parsed past the record starting at `line`; nothing follows this event. */
  | { kind: 'stop'; line: number; reason: string };

export interface CsvReadOptions {
  delimiter: ',' | '\t';
  /** Byte offset to start at (3 to skip a UTF-8 byte-order mark). */
  start?: number;
  signal?: AbortSignal;
}

const CR = 13;
const LF = 10;

/** Line breaks inside a record's fields: each LF, CRLF or lone CR (found natively with indexOf). */
function lineBreaks(fields: Uint8Array[]): number {
  let breaks = 0;
  for (const f of fields) {
    const buf = Buffer.from(f.buffer, f.byteOffset, f.length);
    for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) breaks++;
    for (let i = buf.indexOf(CR); i !== -1; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) breaks++;
  }
  return breaks;
}

function stopReason(err: CsvError): string {
  if (err.code === 'CSV_MAX_RECORD_SIZE') return `${TOO_LONG} (an unclosed quote?); ${STOPPED}`;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') return `a quote opened in this row is never closed; ${STOPPED}`;
  return `${err.message}; ${STOPPED}`;
}

/** A record of one field with nothing but spaces and tabs: a blank line, not data. */
function isBlank(fields: Uint8Array[]): boolean {
  if (fields.length !== 1) return false;
  for (const b of fields[0]) if (b !== 32 && b !== 9) return false;
  return true;
}

export async function* csvRecords(path: string, options: CsvReadOptions): AsyncGenerator<CsvEvent> {
  const { signal } = options;
  if (signal?.aborted) return;
  const file = createReadStream(path, { start: options.start ?? 0, highWaterMark: 256 * 1024 });
  const parser = parse({
    encoding: null,
    bom: false, // the caller skips a BOM with `start`, so fields stay bytes (csv-parse switches to strings on a BOM)
    delimiter: options.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'], // explicit, so a file mixing LF and CRLF leaves no stray \r in a field
    relax_quotes: true,
    relax_column_count: true, // ragged rows come through; the reader reports them with their field count
    skip_empty_lines: false, // kept (as one empty field) so that every line is counted; dropped below
    max_record_size: MAX_RECORD_BYTES, // bytes per field with encoding null; bounds the parser's memory
  });
  // The parser is fed by hand and drained after every chunk (not piped and iterated): an iterator over a stream that
  // errors drops the records still buffered in it, which would lose the good rows just before an unreadable one.
  let error: unknown;
  parser.on('error', (e) => (error ??= e));
  // 'finish': the last input is parsed and flushed into the readable buffer ('end' would wait for it to be read).
  const flushed = new Promise<void>((resolve) => {
    parser.once('finish', resolve);
    parser.once('error', () => resolve());
  });
  let line = 1; // where the next record starts
  function* drain(): Generator<CsvEvent> {
    for (
      let record = parser.read() as Uint8Array[] | null;
      record !== null;
      record = parser.read() as Uint8Array[] | null
    ) {
      const start = line;
      line += lineBreaks(record) + 1;
      if (!isBlank(record)) yield { kind: 'record', line: start, fields: record }; // a blank line is not a record
    }
  }
  try {
    for await (const chunk of file) {
      if (signal?.aborted) return;
      parser.write(chunk as Buffer);
      yield* drain();
      if (error !== undefined) break;
      if (signal?.aborted) return;
    }
    if (error === undefined) {
      parser.end();
      await flushed;
      yield* drain();
    }
    if (error === undefined || signal?.aborted) return;
    if (!(error instanceof CsvError))
      throw error instanceof Error ? error : new Error('the CSV parser stopped without saying why');
    yield { kind: 'stop', line, reason: stopReason(error) };
  } finally {
    file.destroy();
    parser.destroy();
  }
}
