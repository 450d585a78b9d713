import { unitWeights } from '../tokenize/units';
import { resolveLayer } from './attentionMaps';
import { defineExplainer } from './explainer';

/**
 * AttIN (Kobayashi et al., EMNLP 2020; README “Explainers”): the norm of what each token actually contributes to
 * the attention output, ‖Σ_h α^h_{row,j} · v^h_j W_O^h‖₂, with v the value vectors the map weighs and W_O the first
 * linear map after it (bias ignored). For an RNN/CNN's single attention this is α_j ‖W h_j‖. Unsigned.
 */
export const attentionInputNorm = defineExplainer({
  id: 'attention-x-input-norm',
  label: 'AttIN (α⊙‖f(x)‖)',
  signed: false,
  family: 'attention',
  cost: 'backward',
  reads: ['attentionLayer', 'attentionHead'],
  citation: 'Kobayashi et al., EMNLP 2020',
  async explain(ctx, settings) {
    const view = await ctx.gradients();
    if (view.attentions.length === 0) throw new Error('this model exposes no attention probabilities');
    const layer = resolveLayer(settings.attentionLayer, view.attentions.length);
    const alpha = view.attentions[layer];
    const values = view.attentionValues[layer];
    if (!values) throw new Error(`the value vectors that ${alpha.name} weighs could not be found in the graph`);
    const projection = view.projection(layer);
    const single = alpha.dims.length === 2;
    const [, heads, rows, cols] = single ? [1, 1, 1, alpha.dims[1]] : alpha.dims;
    // The pooled rows' weights (one row of weight 1 for an RNN/CNN's single attention): Σ_i w_i α[h, i, j] per head.
    const pooled = single ? [1] : ctx.pooled.weights;
    if (pooled.length !== rows)
      throw new Error(`the pooled rows (${pooled.length}) do not match ${alpha.name} (${rows} rows)`);
    const headDim = single ? values.dims[2] : values.dims[3];
    const width = projection ? projection.cols : headDim * heads;
    if (projection && projection.rows !== headDim * heads)
      throw new Error(`the projection after ${alpha.name} has ${projection.rows} inputs, expected ${headDim * heads}`);
    const used =
      settings.attentionHead === undefined ? Array.from({ length: heads }, (_, h) => h) : [settings.attentionHead];
    const inner = headDim * heads;
    const x = new Float64Array(inner);
    const u = new Float64Array(width);
    const perToken = Array.from({ length: cols }, (_, j) => {
      // x = the heads' α-weighted value vectors side by side; then ‖x·W_O‖, row by row of W_O (its memory order).
      x.fill(0);
      for (const h of used) {
        let a = 0;
        pooled.forEach((w, i) => {
          if (w !== 0) a += w * alpha.data[(h * rows + i) * cols + j];
        });
        const offset = (h * cols + j) * headDim;
        for (let d = 0; d < headDim; d++) x[h * headDim + d] = a * values.data[offset + d];
      }
      if (!projection) return Math.hypot(...x);
      u.fill(0);
      const w = projection.data;
      for (let d = 0; d < inner; d++) {
        const xd = x[d];
        if (xd === 0) continue;
        const row = d * width;
        for (let k = 0; k < width; k++) u[k] += xd * w[row + k];
      }
      let sum = 0;
      for (let k = 0; k < width; k++) sum += u[k] * u[k];
      return Math.sqrt(sum);
    });
    return {
      weights: unitWeights(perToken, ctx.units),
      quantity: `‖Σ_h α^h v^h W_O^h‖ of ${alpha.name}, ${single ? 'its one row' : ctx.pooled.description}${projection ? '' : ' (no projection found after it: ‖α·v‖)'}`,
      parameters: { layer, head: settings.attentionHead ?? 'sum' },
    };
  },
});
