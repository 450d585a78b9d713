import { attentionMask } from './attentionMask';
import { deleteTokens } from './deleteTokens';
import type { ErasureOperator, ErasureOperatorName } from './erasureOperator';
import { maskToken } from './maskToken';
import { zeroEmbedding } from './zeroEmbedding';

/** Every erasure operator, by name. A new operator is one file plus one entry here. */
export const ERASURE_OPERATORS: Record<ErasureOperatorName, ErasureOperator> = {
  delete: deleteTokens,
  'zero-embedding': zeroEmbedding,
  'attention-mask': attentionMask,
  'mask-token': maskToken,
};

/** The three operators of the paper, whose mean is the headline violation ratio (Liu et al., ICML 2022; README “The violation test, as implemented”). */
export const PAPER_OPERATORS: readonly ErasureOperatorName[] = ['delete', 'zero-embedding', 'attention-mask'];

/** "delete (slice_out)": the engine's name and, for the paper's three, the paper's; any other name as it is. */
export function operatorTitle(name: string): string {
  const paper = (ERASURE_OPERATORS as Record<string, ErasureOperator | undefined>)[name]?.paperName;
  return paper ? `${name} (${paper})` : name;
}

/** An operator's few-letter heading; an unknown name cut to five characters. */
export function operatorShortName(name: string): string {
  return (ERASURE_OPERATORS as Record<string, ErasureOperator | undefined>)[name]?.shortName ?? name.slice(0, 5);
}

export function erasureOperator(name: string): ErasureOperator {
  const op = (ERASURE_OPERATORS as Record<string, ErasureOperator | undefined>)[name];
  if (!op)
    throw new Error(`Unknown erasure operator "${name}"; choose one of ${Object.keys(ERASURE_OPERATORS).join(', ')}.`);
  return op;
}
