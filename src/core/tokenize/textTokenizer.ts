import { Tokenizer } from 'tokenizers';

/** One text after tokenization: every token keeps where it came from in the original string. */
export interface TokenizedText {
  ids: number[];
  tokens: string[];
  /** [start, end) character offsets into the original text; special tokens have [0, 0]. */
  offsets: [number, number][];
  /** Index of the word each token belongs to; null for special tokens. */
  wordIds: (number | null)[];
  /** True for [CLS], [SEP], <s>, </s>, [PAD] and other special tokens: never candidates for erasure. */
  special: boolean[];
  /** True when the text was longer than the model's maximum and was cut. */
  truncated: boolean;
}

/** The official Hugging Face tokenizer (Rust, via the `tokenizers` binding) for a model's tokenizer.json. */
export class TextTokenizer {
  private constructor(
    private readonly tok: Tokenizer,
    readonly maxLength: number,
  ) {}

  static fromFile(path: string, maxLength: number): TextTokenizer {
    let tok: Tokenizer;
    try {
      tok = Tokenizer.fromFile(path);
    } catch (e) {
      throw new Error(`Cannot read the tokenizer ${path}: ${(e as Error).message}`);
    }
    tok.disablePadding();
    tok.setTruncation(maxLength);
    return new TextTokenizer(tok, maxLength);
  }

  /** The id of a token such as [PAD] or <pad>, if the vocabulary has it. */
  tokenId(token: string): number | undefined {
    return this.tok.tokenToId(token) ?? undefined;
  }

  /** Number of ids the tokenizer can produce, added special tokens included. */
  vocabularySize(): number {
    return this.tok.getVocabSize(true);
  }

  async encode(text: string): Promise<TokenizedText> {
    return (await this.encodeBatch([text]))[0];
  }

  async encodeBatch(texts: string[]): Promise<TokenizedText[]> {
    const encodings = await this.tok.encodeBatch(texts);
    return encodings.map((e, k) => {
      const offsets = e.getOffsets().map(([s, t]) => [s, t] as [number, number]);
      const special = e.getSpecialTokensMask().map((m) => m === 1);
      return {
        ids: e.getIds(),
        tokens: e.getTokens(),
        offsets,
        wordIds: e.getWordIds().map((w) => (w === undefined ? null : w)),
        special,
        truncated: e.getOverflowing().length > 0 || textAfterLastToken(texts[k], offsets, special),
      };
    });
  }
}

/** Whether visible text remains after the last real token: the binding does not always report overflow. Control and
 * format characters are ignored, since the normalizer drops them anyway. */
function textAfterLastToken(text: string, offsets: [number, number][], special: boolean[]): boolean {
  let end = 0;
  offsets.forEach(([, e], i) => {
    if (!special[i]) end = Math.max(end, e);
  });
  return /[^\s\p{Cc}\p{Cf}]/u.test(text.slice(end));
}
