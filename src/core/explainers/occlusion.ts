import { defineExplainer, fittedWith } from './explainer';

/** Leave-one-out occlusion: w_i = Δ_i = p(ŷ|x) − p(ŷ|x∖i) under the chosen erasure operator. Signed by construction,
 * and reuses the leave-one-out pass the violation test needs anyway. */
export const occlusion = defineExplainer({
  id: 'occlusion',
  label: 'Leave-one-out occlusion',
  signed: true,
  family: 'perturbation',
  cost: 'erasures',
  reads: ['operator'],
  citation: 'Zeiler & Fergus 2014; Li, Monroe & Jurafsky 2016 (erasure)',
  // Its weights are that operator's Δs: w and Δ share their sign, so it cannot violate there.
  byConstruction: (operator, facts) => fittedWith(operator, facts, 'exact: its weights are the Δs of'),
  async explain(ctx, settings) {
    const loo = await ctx.leaveOneOut(settings.operator);
    return {
      weights: [...loo.deltas],
      quantity: `Δp(ŷ) when the unit is erased (${settings.operator})`,
      parameters: { operator: settings.operator },
    };
  },
});
