import type { TokenizedText } from './textTokenizer';

/** Explain per subword token, or per word (a word's weight is the signed sum of its subwords' weights, and erasing
 * a word erases all its subwords, so polarity survives aggregation; README “Explainers”: a word's weight is the signed sum of its subwords'). */
export type Granularity = 'word' | 'token';

/** One explained unit: a token or a word, with where it sits in the original text. */
export interface ExplanationUnit {
  /** The unit's characters in the original text. */
  text: string;
  /** [start, end) character offsets into the original text. */
  start: number;
  end: number;
  /** Indices of the model tokens it covers (never a special token). */
  tokens: number[];
}

/** The candidate units of a text: special tokens ([CLS], [SEP], <s>, padding) are never units. */
export function explanationUnits(text: string, tokenized: TokenizedText, granularity: Granularity): ExplanationUnit[] {
  const units: ExplanationUnit[] = [];
  let lastWord: number | null = null;
  tokenized.ids.forEach((_, i) => {
    if (tokenized.special[i]) return;
    const [start, end] = tokenized.offsets[i];
    const word = tokenized.wordIds[i];
    const last = units[units.length - 1];
    if (granularity === 'word' && last && word !== null && word === lastWord) {
      last.tokens.push(i);
      last.end = end;
      last.text = text.slice(last.start, end);
    } else {
      units.push({ text: text.slice(start, end), start, end, tokens: [i] });
    }
    lastWord = word;
  });
  return units;
}

/** Sums token-level weights into unit weights (signed sum). */
export function unitWeights(tokenWeights: ArrayLike<number>, units: ExplanationUnit[]): number[] {
  return units.map((u) => u.tokens.reduce((sum, t) => sum + tokenWeights[t], 0));
}
