/** Small dense-matrix helpers for the methods that aggregate attention over layers (GenAtt, TransAtt). */
import type { AttentionMap } from './explainer';

export type Matrix = Float64Array[];

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
}

/** mean_h max(0, f(A^h_ij, B^h_ij)) over heads: Chefer et al. clamp each head before averaging (Chefer et al., CVPR 2021; README “Explainers”, TransAtt). */
export function clampedHeadMean(a: AttentionMap, b: AttentionMap, f: (x: number, y: number) => number): Matrix {
  if (a.dims.length !== 4) throw new Error(`${a.name} is not a self-attention map [batch, heads, seq, seq]`);
  const [, heads, n] = a.dims;
  const out = Array.from({ length: n }, () => new Float64Array(n));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = (h * n + i) * n + j;
        out[i][j] += Math.max(0, f(a.data[k], b.data[k])) / heads;
      }
    }
  }
  return out;
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const out = Array.from({ length: n }, () => new Float64Array(b[0].length));
  for (let i = 0; i < n; i++)
    for (let k = 0; k < b.length; k++) {
      const x = a[i][k];
      if (x !== 0) for (let j = 0; j < b[0].length; j++) out[i][j] += x * b[k][j];
    }
  return out;
}

/** The maps and their gradients for every layer, or a clear error when the model is not a self-attention stack. */
export function everyLayer(
  method: string,
  maps: AttentionMap[],
  others: (AttentionMap | undefined)[],
  problems: string[],
): { maps: AttentionMap[]; others: AttentionMap[] } {
  if (maps.length === 0 || maps.some((m) => m.dims.length !== 4)) {
    throw new Error(
      `${method} needs a transformer's self-attention of every layer; this model has a single attention layer`,
    );
  }
  if (others.some((o) => !o)) throw new Error(`∂/∂α cannot be computed for every layer: ${problems.join('; ')}`);
  return { maps, others: others as AttentionMap[] };
}
