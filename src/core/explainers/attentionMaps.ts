import type { AttentionMap, PooledRows } from './explainer';

/** A pooled-token row of one attention map, as one weight per token, with how it was read. */
export interface AttentionRow {
  weights: number[];
  description: string;
}

/**
 * Reads the attention a classifier pools with. Single-attention models (RNN/CNN) give α [1, seq] directly.
 * Transformers give [1, heads, seq, seq] per layer: the pooled token's row, heads averaged (or one head).
 */
export function attentionRow(map: AttentionMap, pooled: PooledRows, head?: number): AttentionRow {
  return combinedRow(map, map, pooled, head, (a) => a, map.name);
}

/**
 * The pooled row of f(α, g) applied elementwise to an attention map and a same-shaped tensor (its gradient, its
 * LRP relevance), then heads averaged (or one head): AttGrad is f = α·g (README “Explainers”: per head, then the mean).
 */
export function combinedRow(
  map: AttentionMap,
  other: AttentionMap,
  pooled: PooledRows,
  head: number | undefined,
  f: (a: number, g: number) => number,
  what: string,
): AttentionRow {
  const { dims, data } = map;
  if (other.data.length !== data.length)
    throw new Error(`${what}: ${map.name} and its companion tensor differ in size`);
  if (dims.length === 2)
    return {
      weights: Array.from(data.subarray(0, dims[1]), (a, j) => f(a, other.data[j])),
      description: `${what} (${map.name})`,
    };
  if (dims.length !== 4)
    throw new Error(
      `attention output ${map.name} has shape [${dims.join(', ')}]; expected [1, seq] or [1, heads, seq, seq]`,
    );
  const [, heads, rows, cols] = dims;
  if (pooled.weights.length !== rows)
    throw new Error(`the pooled rows (${pooled.weights.length}) do not match ${map.name} (${rows} rows)`);
  if (head !== undefined && (head < 0 || head >= heads))
    throw new Error(`head ${head} does not exist (${heads} heads)`);
  const weights = new Array<number>(cols).fill(0);
  const used = head === undefined ? Array.from({ length: heads }, (_, h) => h) : [head];
  for (const h of used) {
    pooled.weights.forEach((r, i) => {
      if (r === 0) return;
      const offset = (h * rows + i) * cols;
      for (let j = 0; j < cols; j++) weights[j] += (r * f(data[offset + j], other.data[offset + j])) / used.length;
    });
  }
  return {
    weights,
    description: `${what} of ${map.name}, ${head === undefined ? 'heads averaged' : `head ${head}`}, ${pooled.description}`,
  };
}

/** The layer index an explainer reads: ctx.attentionLayer, negative counting from the end. */
export function resolveLayer(requested: number, layers: number): number {
  const layer = requested < 0 ? layers + requested : requested;
  if (layer < 0 || layer >= layers)
    throw new Error(`attention layer ${requested} does not exist (the model has ${layers})`);
  return layer;
}

/** Σ_i w_i · M[i] over the pooled rows of a square matrix (rows as arrays). */
export function pooledRowOf(m: ArrayLike<number>[], pooled: PooledRows): Float64Array {
  const out = new Float64Array(m[0].length);
  pooled.weights.forEach((w, i) => {
    if (w !== 0) for (let j = 0; j < out.length; j++) out[j] += w * m[i][j];
  });
  return out;
}
