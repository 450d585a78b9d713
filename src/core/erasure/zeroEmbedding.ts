import { checkPositions, ErasureOperator } from './erasureOperator';

/** zeros_mask: the token keeps its position, but its word embedding is replaced by a zero vector. */
export const zeroEmbedding: ErasureOperator = {
  name: 'zero-embedding',
  shortName: 'zero',
  paperName: 'zeros_mask',
  description: 'Keeps the position but sets the word embedding to zeros; attention can still reach it.',
  erase(input, positions) {
    checkPositions(input, positions);
    const scale = input.embeddingScale ? [...input.embeddingScale] : input.ids.map(() => 1);
    for (const p of positions) scale[p] = 0;
    return { ids: [...input.ids], attentionMask: [...input.attentionMask], embeddingScale: scale };
  },
};
