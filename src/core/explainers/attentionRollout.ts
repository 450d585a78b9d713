import { unitWeights } from '../tokenize/units';
import { pooledRowOf } from './attentionMaps';
import { defineExplainer, type AttentionMap } from './explainer';

/** Heads averaged, identity added for the residual connection, rows renormalised: Â = rownorm(mean_h A + I). */
function residualAttention(map: AttentionMap): Float64Array[] {
  const [, heads, n] = map.dims;
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) rows[i][j] += map.data[(h * n + i) * n + j] / heads;
    }
  }
  for (let i = 0; i < n; i++) {
    rows[i][i] += 1;
    const sum = rows[i].reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) rows[i][j] /= sum;
  }
  return rows;
}

/**
 * Attention rollout (Abnar & Zuidema, ACL 2020; README “Explainers”): R = Â_L · … · Â_1 over all layers, and the weights
 * are the pooled token's row of R. Non-negative. Needs a transformer's per-layer [batch, heads, seq, seq] attention.
 */
export const attentionRollout = defineExplainer({
  id: 'rollout',
  label: 'Attention rollout',
  signed: false,
  family: 'attention',
  cost: 'clean-run',
  reads: [],
  citation: 'Abnar & Zuidema, ACL 2020',
  async explain(ctx) {
    const maps = await ctx.attentions();
    if (maps.length === 0 || maps.some((m) => m.dims.length !== 4)) {
      throw new Error(
        "attention rollout needs a transformer's self-attention of every layer; this model has a single attention layer",
      );
    }
    // Only the pooled row is needed: r ← r · Â_l from the last layer down, instead of multiplying whole matrices.
    let row = pooledRowOf(residualAttention(maps[maps.length - 1]), ctx.pooled);
    for (let l = maps.length - 2; l >= 0; l--) {
      const a = residualAttention(maps[l]);
      const next = new Float64Array(row.length);
      for (let k = 0; k < row.length; k++) for (let j = 0; j < row.length; j++) next[j] += row[k] * a[k][j];
      row = next;
    }
    return {
      weights: unitWeights(Array.from(row), ctx.units),
      quantity: `${ctx.pooled.description} of the rolled-out attention over ${maps.length} layers (heads averaged, + identity, rows renormalised)`,
      parameters: { layers: maps.length },
    };
  },
});
