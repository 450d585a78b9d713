import { checkPositions, ErasureOperator } from './erasureOperator';

/** att_mask: the token stays in the input, but attention_mask = 0 there, so attention renormalises without it. */
export const attentionMask: ErasureOperator = {
  name: 'attention-mask',
  shortName: 'mask',
  paperName: 'att_mask',
  description: 'Sets attention_mask to 0 at the token: no attention reaches it, though an RNN encoder still reads it.',
  erase(input, positions) {
    checkPositions(input, positions);
    const mask = [...input.attentionMask];
    for (const p of positions) mask[p] = 0;
    return { ...input, ids: [...input.ids], attentionMask: mask };
  },
};
