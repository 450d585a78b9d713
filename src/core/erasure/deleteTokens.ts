import { checkPositions, ErasureOperator } from './erasureOperator';

/** slice_out: the tokens are removed and the sequence gets shorter; later tokens move up one position each. */
export const deleteTokens: ErasureOperator = {
  name: 'delete',
  shortName: 'del',
  paperName: 'slice_out',
  description: 'Removes the token from the sequence; the model reads a shorter text (positions after it shift).',
  erase(input, positions) {
    checkPositions(input, positions);
    const gone = new Set(positions);
    const keep = (_: number, i: number) => !gone.has(i);
    return {
      ids: input.ids.filter(keep),
      attentionMask: input.attentionMask.filter(keep),
      ...(input.embeddingScale && { embeddingScale: input.embeddingScale.filter(keep) }),
    };
  },
};
