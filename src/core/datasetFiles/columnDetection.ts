/**
 * Guesses which column holds the text and which the label, so the common case (`text,label`, `sentence,label`,
 * `review,sentiment`) needs no question, and says when a person should choose. Names decide first; content decides
 * when names say nothing (text: long values with spaces; label: few distinct short values). Pure and deterministic:
 * ties go to the earlier column.
 */
import type { ColumnGuess } from './datasetTypes';

/** Names of text columns, most telling first. */
const TEXT_NAMES = [
  'text',
  'sentence',
  'review',
  'content',
  'document',
  'utterance',
  'question',
  'body',
  'comment',
  'tweet',
  'message',
  'post',
  'passage',
  'query',
  'statement',
  'premise',
  'hypothesis',
  'phrase',
  'sent',
  'doc',
  'description',
  'abstract',
  'summary',
  'article',
  'headline',
  'title',
  'input',
  'prompt',
  'transcript',
  'caption',
];
/** Names of label columns, most telling first. */
const LABEL_NAMES = [
  'label',
  'labels',
  'class',
  'classes',
  'category',
  'categories',
  'target',
  'sentiment',
  'y',
  'gold',
  'polarity',
  'intent',
  'topic',
  'emotion',
  'stance',
  'tag',
  'tags',
  'cls',
  'annotation',
  'verdict',
  'outcome',
  'rating',
  'stars',
  'coarse',
  'fine',
];
/** Words that make a name not a text column even next to a text word (`text_id`, `review_length`). */
const NOT_TEXT = new Set([
  'id',
  'ids',
  'idx',
  'index',
  'len',
  'length',
  'count',
  'num',
  'lang',
  'language',
  'url',
  'uri',
  'date',
  'time',
  'timestamp',
  'hash',
  'type',
  'source',
  'author',
  'user',
  'score',
  'prob',
  'probability',
  'split',
  'pred',
  'prediction',
  'predicted',
]);

/** `reviewText`, `review_text`, `Review Text` and `sentence1` all become words: review text / sentence. */
function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((w) => w.replace(/\d+$/, ''))
    .filter((w) => w.length > 0);
}

/**
 * How strongly a name says "text" (or "label"): 0 not at all; otherwise higher is stronger. A name made only of
 * such words (`text`, `sentence1`, `gold_label`) beats one that merely contains one (`text_clean`, `label_fine`); within
 * that, the word's place in the list decides.
 */
function nameScore(name: string, vocabulary: string[], others: string[], excluded: Set<string>): number {
  const ws = words(name);
  if (ws.length === 0 || ws.some((w) => excluded.has(w) || others.includes(w))) return 0;
  const ranks = ws.map((w) => vocabulary.indexOf(w)).filter((r) => r >= 0);
  if (ranks.length === 0) return 0;
  const best = vocabulary.length - Math.min(...ranks);
  return (ranks.length === ws.length ? 2 : 1) * 1000 + best;
}

interface ContentStats {
  nonEmpty: number;
  meanLength: number;
  maxLength: number;
  withSpaces: number; // values with whitespace inside
  wordy: number; // values of four or more words
  distinct: number;
}

function contentStats(column: string, rows: Record<string, string>[]): ContentStats {
  let nonEmpty = 0;
  let total = 0;
  let maxLength = 0;
  let withSpaces = 0;
  let wordy = 0;
  const distinct = new Set<string>();
  for (const row of rows) {
    const v = (row[column] ?? '').trim();
    if (v === '') continue;
    nonEmpty++;
    total += v.length;
    maxLength = Math.max(maxLength, v.length);
    const spaces = v.split(/\s+/).length - 1;
    if (spaces > 0) withSpaces++;
    if (spaces >= 3) wordy++;
    distinct.add(v);
  }
  return {
    nonEmpty,
    meanLength: nonEmpty ? total / nonEmpty : 0,
    maxLength,
    withSpaces,
    wordy,
    distinct: distinct.size,
  };
}

function looksLikeText(s: ContentStats): boolean {
  if (s.nonEmpty === 0) return false;
  return (s.meanLength >= 15 && s.withSpaces / s.nonEmpty >= 0.5) || s.meanLength >= 40;
}

/** Few distinct short values (a handful of class names or small integers), each value seen about twice or more. */
function looksLikeLabel(s: ContentStats): boolean {
  if (s.nonEmpty === 0 || s.wordy > 0 || s.maxLength > 40 || s.distinct > 20) return false;
  return s.nonEmpty < 6 || s.distinct * 2 <= s.nonEmpty;
}

export function guessColumns(columns: string[], rows: Record<string, string>[]): ColumnGuess {
  const cols = columns.map((name, index) => {
    const stats = contentStats(name, rows);
    return {
      name,
      index,
      stats,
      textName: nameScore(name, TEXT_NAMES, LABEL_NAMES, NOT_TEXT),
      labelName: nameScore(name, LABEL_NAMES, TEXT_NAMES, new Set()),
      textContent: looksLikeText(stats),
      labelContent: looksLikeLabel(stats),
    };
  });
  type Col = (typeof cols)[number];
  const byOrder = (a: Col, b: Col): number => a.index - b.index;

  // Text: named columns by name strength, then unnamed text-like columns by mean length.
  const namedText = cols.filter((c) => c.textName > 0).sort((a, b) => b.textName - a.textName || byOrder(a, b));
  const contentText = cols
    .filter((c) => c.textName === 0 && c.labelName === 0 && c.textContent)
    .sort((a, b) => b.stats.meanLength - a.stats.meanLength || byOrder(a, b));
  const textCandidates = [...namedText, ...contentText].map((c) => c.name);
  const text = textCandidates[0] ?? null;

  // Label: named columns by name strength, then unnamed label-like columns; never the text column.
  const namedLabel = cols
    .filter((c) => c.labelName > 0 && c.name !== text)
    .sort((a, b) => b.labelName - a.labelName || byOrder(a, b));
  const contentLabel = cols
    .filter((c) => c.labelName === 0 && c.textName === 0 && c.labelContent && !c.textContent && c.name !== text)
    .sort((a, b) => a.stats.distinct - b.stats.distinct || byOrder(a, b));
  const labelCandidates = [...namedLabel, ...contentLabel].map((c) => c.name);

  const ambiguous =
    text === null ||
    (namedText.length === 0 && contentText.length >= 2) ||
    (namedText.length >= 2 && namedText[0].textName === namedText[1].textName);
  return { text, label: labelCandidates[0] ?? null, textCandidates, labelCandidates, ambiguous };
}

/** Whether a person must name the text column: the guess is ambiguous, or nothing looks like text. */
export const columnsNeedConfirming = (guess: ColumnGuess): boolean => guess.ambiguous || guess.text === null;
