import type { Explainer } from './explainer';

/** Leave-one-out occlusion: w_i = Δ_i = p(ŷ|x) − p(ŷ|x∖i) under the chosen erasure operator. Signed by construction,
 * and reuses the leave-one-out pass the violation test needs anyway. */
export const occlusion: Explainer = {
  id: 'occlusion',
  label: 'Leave-one-out occlusion',
  signed: true,
  family: 'perturbation',
  cost: 'erasures',
  reads: ['operator'],
  citation: 'Zeiler & Fergus 2014; Li, Monroe & Jurafsky 2016 (erasure)',
  async explain(ctx) {
    const loo = await ctx.leaveOneOut(ctx.operator);
    return { weights: [...loo.deltas], quantity: `Δp(ŷ) when the unit is erased (${ctx.operator})`, parameters: { operator: ctx.operator } };
  },
};
