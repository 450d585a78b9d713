/**
 * Maps a label as written in a dataset to the model's class index, so files can name classes ("positive") or number
 * them ("1"). Names win over numbers: a class literally named "1" is matched by name before "1" is read as an index.
 */

const INTEGER = /^\+?(\d+)(?:\.0+)?$/; // "2", "+2", and "2.0" as pandas writes an integer column that had gaps

/**
 * The index of `label` among `labels`: an exact name, else a case-insensitive name (spaces around ignored), else a
 * decimal integer id in range. null when there is no label or it maps to nothing.
 */
export function labelIndex(label: string | null, labels: readonly string[]): number | null {
  if (label === null) return null;
  const exact = labels.indexOf(label);
  if (exact >= 0) return exact;
  const folded = label.trim().toLowerCase();
  const named = labels.findIndex((l) => l.trim().toLowerCase() === folded);
  if (named >= 0) return named;
  const m = INTEGER.exec(label.trim());
  if (m) {
    const id = Number(m[1]);
    if (Number.isSafeInteger(id) && id < labels.length) return id;
  }
  return null;
}

/** How a multi-label row's gold cell lists its labels: "anger;fear", "anger, fear", "anger|fear". */
const LABEL_LIST = /[;,|]/;

/**
 * A multi-label row's gold labels as class indices: the whole cell if it names one label, else its list split at
 * ; , or |. An empty cell is the empty set (no label applies). null without a cell, or when a listed label maps to
 * nothing (the row then counts as unlabelled).
 */
export function labelSet(label: string | null, labels: readonly string[]): Set<number> | null {
  if (label === null) return null;
  if (label.trim() === '') return new Set();
  const whole = labelIndex(label, labels);
  if (whole !== null) return new Set([whole]);
  const parts = label
    .split(LABEL_LIST)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const indices = parts.map((p) => labelIndex(p, labels));
  return indices.every((i): i is number => i !== null) ? new Set(indices) : null;
}

/** The distinct labels (first-seen order) that map to no class: worth a warning before a run. */
export function checkLabels(found: Iterable<string>, labels: readonly string[]): string[] {
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const label of found) {
    if (seen.has(label)) continue;
    seen.add(label);
    if (labelIndex(label, labels) === null) unknown.push(label);
  }
  return unknown;
}
