import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One labelled example: the raw text and its gold label name as written in the file. */
export interface LabelledText {
  text: string;
  label: string;
}

/**
 * Reads a small `text,label` CSV (RFC 4180, header row required) whole.
 * Used for the shipped models' splits; large user datasets go through the streaming reader.
 */
export function readLabelledCsv(file: string): LabelledText[] {
  const rows: Record<string, string>[] = parse(readFileSync(file), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  });
  if (rows.length > 0 && (!('text' in rows[0]) || !('label' in rows[0]))) {
    throw new Error(
      `${file}: expected a header with columns "text" and "label", found: ${Object.keys(rows[0]).join(', ')}`,
    );
  }
  return rows.map((r, i) => {
    if (!r.text || !r.label) throw new Error(`${file}: row ${i + 2} has an empty text or label`);
    return { text: r.text, label: r.label };
  });
}
