/**
 * The size caps every dataset reader shares, in one place so CSV, JSONL and JSON arrays refuse the same records.
 * A record is capped at MAX_RECORD_CHARS characters; while still streaming bytes a reader can only count bytes, and
 * UTF-8 spends at most 4 bytes on a character, so more than MAX_RECORD_BYTES bytes is certainly over the cap.
 */

export const MAX_RECORD_CHARS = 1_000_000;
export const MAX_RECORD_BYTES = 4 * MAX_RECORD_CHARS;
export const TOO_LONG = `record longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters`;
/** Appended to the reason of the bad row after which a reader cannot find the next record and stops. */
export const STOPPED = 'reading stopped here, the rest of the file was not read';
/** How many bad rows ReadStats keeps (the count goes on). */
export const MAX_BAD_ROWS_KEPT = 1000;

/** Characters in UTF-8 bytes without decoding them: every byte that is not a continuation byte starts one. */
export function utf8Length(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] & 0xc0) !== 0x80) n++;
  return n;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decodes UTF-8, or returns null when the bytes are not valid UTF-8 (a real U+FFFD in the file is fine). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

/** Decodes UTF-8, replacing invalid bytes with U+FFFD (for previews and header names). */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return lossy.decode(bytes);
}
