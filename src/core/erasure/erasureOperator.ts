/** What one run of the model reads for one text: ids, attention mask, and (only when an operator needs it) a
 * per-position factor on the word embedding. */
export interface ModelInput {
  ids: number[];
  attentionMask: number[];
  /** Multiplies the `word_embeddings` tensor per position; absent means all ones. */
  embeddingScale?: number[];
}

/** What an operator may need to know about the model. */
export interface ErasureContext {
  /** Id that stands in for an erased token (the mask-token operator). */
  maskTokenId?: number;
}

export type ErasureOperatorName = 'delete' | 'zero-embedding' | 'attention-mask' | 'mask-token';

/** One way of removing tokens from a model's input (README “Erasure operators”). Every operator is a pure function. */
export interface ErasureOperator {
  readonly name: ErasureOperatorName;
  /** The paper's name, for the three operators the violation test averages over. */
  readonly paperName?: 'slice_out' | 'zeros_mask' | 'att_mask';
  /** A few letters for a narrow column heading (the compact view's verdict columns). */
  readonly shortName: string;
  /** One sentence a user reads: what this does to the input. */
  readonly description: string;
  /** Returns a new input with the tokens at `positions` erased; the input itself is never changed. */
  erase(input: ModelInput, positions: readonly number[], context: ErasureContext): ModelInput;
}

/** Rejects positions outside the input, so an off-by-one in a caller cannot silently erase nothing. */
export function checkPositions(input: ModelInput, positions: readonly number[]): void {
  for (const p of positions) {
    if (!Number.isInteger(p) || p < 0 || p >= input.ids.length) {
      throw new Error(`cannot erase position ${p} of an input of ${input.ids.length} tokens`);
    }
  }
}
