import { checkPositions, ErasureOperator } from './erasureOperator';

/** Replaces the token's id by the model's mask token ([MASK] or [UNK]); common for transformers. Not a paper operator. */
export const maskToken: ErasureOperator = {
  name: 'mask-token',
  shortName: '[M]',
  description: "Replaces the token by the model's mask token ([MASK], or [UNK]); length and positions stay.",
  erase(input, positions, context) {
    checkPositions(input, positions);
    if (context.maskTokenId === undefined) {
      throw new Error('the mask-token operator needs a mask token, and this tokenizer has neither [MASK] nor [UNK]');
    }
    const ids = [...input.ids];
    for (const p of positions) ids[p] = context.maskTokenId;
    return { ...input, ids, attentionMask: [...input.attentionMask] };
  },
};
