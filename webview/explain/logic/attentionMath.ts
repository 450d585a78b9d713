/**
 * The attention view's numbers: one layer's map for a head or averaged over heads, its scale, and the view choices
 * clamped to what a result has. DOM-free.
 */
import type { AttentionLayerView, AttentionView } from '../../../src/core/explain/explainResult';

export interface Matrix {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  values: Float64Array;
}

/** One head's rows × cols map, or ('mean') the heads averaged cell by cell. */
export function headMatrix(layer: AttentionLayerView, head: number | 'mean'): Matrix {
  const size = layer.rows * layer.cols;
  const values = new Float64Array(size);
  if (head === 'mean') {
    for (let h = 0; h < layer.heads; h++) for (let i = 0; i < size; i++) values[i] += layer.values[h * size + i];
    if (layer.heads > 0) for (let i = 0; i < size; i++) values[i] /= layer.heads;
  } else {
    if (!Number.isInteger(head) || head < 0 || head >= layer.heads)
      throw new Error(`no head ${head} in ${layer.name} (it has ${layer.heads})`);
    for (let i = 0; i < size; i++) values[i] = layer.values[head * size + i];
  }
  return { rows: layer.rows, cols: layer.cols, values };
}

export function matrixMax(m: Matrix): number {
  let max = 0;
  for (const v of m.values) if (v > max) max = v;
  return max;
}

/** The strongest cell (first on ties), for the screen-reader summary of a map. */
export function strongestCell(m: Matrix): { row: number; col: number; value: number } | null {
  let best = -1;
  for (let i = 0; i < m.values.length; i++) if (best < 0 || m.values[i] > m.values[best]) best = i;
  return best < 0 ? null : { row: Math.floor(best / m.cols), col: best % m.cols, value: m.values[best] };
}

/**
 * The labels of a map's rows: self-attention (rows = cols) reads from every token; a single attention row (α of an
 * RNN/CNN model) reads from the classifier's query, named α.
 */
export function rowLabels(attention: AttentionView, layer: AttentionLayerView): string[] {
  if (layer.rows === attention.tokens.length) return attention.tokens;
  if (layer.rows === 1) return ['α'];
  return Array.from({ length: layer.rows }, (_, i) => `row ${i + 1}`);
}

/** The layer and head to show: a saved choice if this result has it, else the last layer (raw attention's default) and 'mean'. */
export function validAttentionView(
  attention: AttentionView | null,
  layer: number | undefined,
  head: number | 'mean' | undefined,
): { layer: number; head: number | 'mean' } {
  if (!attention || attention.layers.length === 0) return { layer: layer ?? 0, head: head ?? 'mean' };
  const l =
    layer !== undefined && Number.isInteger(layer) && layer >= 0 && layer < attention.layers.length
      ? layer
      : attention.layers.length - 1;
  const heads = attention.layers[l].heads;
  const h =
    head === 'mean' || (typeof head === 'number' && Number.isInteger(head) && head >= 0 && head < heads)
      ? head
      : 'mean';
  return { layer: l, head: h ?? 'mean' };
}
