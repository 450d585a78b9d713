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
import { addAbortSignal } from 'node:stream';
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
  file.on('error', (err) => parser.destroy(err));
  if (signal) {
    addAbortSignal(signal, parser);
    addAbortSignal(signal, file); // closes the file even if the consumer never resumes this generator
  }
  file.pipe(parser);

  let line = 1; // where the next record starts
  try {
    for await (const record of parser as AsyncIterable<Uint8Array[]>) {
      const start = line;
      line += lineBreaks(record) + 1;
      if (isBlank(record)) continue; // an empty line, or one of only spaces, is not a record
      yield { kind: 'record', line: start, fields: record };
    }
  } catch (err) {
    if (signal?.aborted) return;
    if (!(err instanceof CsvError)) throw err;
    yield { kind: 'stop', line, reason: stopReason(err) };
  } finally {
    file.unpipe(parser);
    file.destroy();
    parser.destroy();
  }
}
