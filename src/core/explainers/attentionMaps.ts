import type { ModelFolder } from '../model/modelFolder';
import type { AttentionMap } from './explainer';

/** A pooled-token row of one attention map, as one weight per token, with how it was read. */
export interface AttentionRow {
  weights: number[];
  description: string;
}

/**
 * Reads the attention a classifier pools with. Single-attention models (RNN/CNN) give α [1, seq] directly.
 * Transformers give [1, heads, seq, seq] per layer: the pooled token's row, heads averaged (or one head).
 */
export function attentionRow(map: AttentionMap, pooledIndex: number, head?: number): AttentionRow {
  const { dims, data } = map;
  if (dims.length === 2) return { weights: Array.from(data.subarray(0, dims[1])), description: `α (${map.name})` };
  if (dims.length !== 4) throw new Error(`attention output ${map.name} has shape [${dims.join(', ')}]; expected [1, seq] or [1, heads, seq, seq]`);
  const [, heads, rows, cols] = dims;
  if (pooledIndex >= rows) throw new Error(`pooled token ${pooledIndex} is outside ${map.name} (${rows} rows)`);
  if (head !== undefined && (head < 0 || head >= heads)) throw new Error(`head ${head} does not exist (${heads} heads)`);
  const weights = new Array<number>(cols).fill(0);
  const used = head === undefined ? Array.from({ length: heads }, (_, h) => h) : [head];
  for (const h of used) {
    const offset = (h * rows + pooledIndex) * cols;
    for (let j = 0; j < cols; j++) weights[j] += data[offset + j] / used.length;
  }
  return { weights, description: `${map.name}, ${head === undefined ? 'heads averaged' : `head ${head}`}, row of token ${pooledIndex}` };
}

/** The token whose attention row a transformer classifies from: config.json `model.pooled_token_index`, else 0 ([CLS]). */
export function pooledTokenIndex(folder: ModelFolder): number {
  return Number((folder.config.model as { pooled_token_index?: number } | undefined)?.pooled_token_index ?? 0);
}
