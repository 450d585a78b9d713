import { Matrix, solve } from 'ml-matrix';
import { erasureOperator } from '../erasure/operators';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { ExplainContext } from './explainer';

/**
 * Shared machinery of the sampling explainers (LIME, Kernel SHAP): evaluate p(ŷ) on many coalitions of units, where
 * a unit absent from a coalition is erased with the chosen operator, in batched runs.
 */
export async function coalitionValues(
  ctx: ExplainContext,
  operator: ErasureOperatorName,
  coalitions: boolean[][],
): Promise<number[]> {
  const op = erasureOperator(operator);
  const inputs = coalitions.map((present) =>
    op.erase(
      ctx.input,
      present.flatMap((keep, u) => (keep ? [] : ctx.units[u].tokens)),
      ctx.erasureContext,
    ),
  );
  return (await ctx.run(inputs)).map((p) => p[ctx.target]);
}

/**
 * Weighted least squares: argmin_β Σ_k w_k (y_k − x_k·β)² + ridge·|β|², solved with ml-matrix.
 * Rows of `x` already hold an intercept column when one is wanted; columns before `ridgeFrom` are not penalised.
 */
export function weightedLeastSquares(x: number[][], y: number[], w: number[], ridge: number, ridgeFrom = 0): number[] {
  const cols = x[0].length;
  const xtwx = Matrix.zeros(cols, cols);
  const xtwy = Matrix.zeros(cols, 1);
  x.forEach((row, k) => {
    for (let i = 0; i < cols; i++) {
      xtwy.set(i, 0, xtwy.get(i, 0) + w[k] * row[i] * y[k]);
      for (let j = 0; j < cols; j++) xtwx.set(i, j, xtwx.get(i, j) + w[k] * row[i] * row[j]);
    }
  });
  for (let i = ridgeFrom; i < cols; i++) xtwx.set(i, i, xtwx.get(i, i) + ridge);
  return solve(xtwx, xtwy, true).getColumn(0);
}

/** A uniformly random subset of {0..n-1} of the given size (partial Fisher-Yates), as a membership mask. */
export function randomSubset(n: number, size: number, next: () => number): boolean[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(next() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const mask = new Array<boolean>(n).fill(false);
  for (let i = 0; i < size; i++) mask[idx[i]] = true;
  return mask;
}
