import { kendallTauB, spearman } from '../../math/rankCorrelation';
import type { Metric, MetricContext } from './metric';

const magnitudes = (ctx: MetricContext) => [ctx.weights.map(Math.abs), ctx.leaveOneOut.deltas.map(Math.abs)] as const;
const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/** Spearman's rho between |w| and the leave-one-out |Δ| over all units (reference §5, RC). */
export const spearmanWithLoo: Metric = {
  id: 'spearman-loo',
  label: 'Spearman ρ with LOO',
  better: 'higher',
  description: "Spearman's ρ between |w| and each unit's leave-one-out |Δ|",
  async compute(ctx) {
    const [w, d] = magnitudes(ctx);
    return orNull(spearman(w, d));
  },
};

/** Kendall's tau-b between |w| and the leave-one-out |Δ| over all units. */
export const kendallWithLoo: Metric = {
  id: 'kendall-loo',
  label: 'Kendall τ with LOO',
  better: 'higher',
  description: "Kendall's τ-b between |w| and each unit's leave-one-out |Δ|",
  async compute(ctx) {
    const [w, d] = magnitudes(ctx);
    return orNull(kendallTauB(w, d));
  },
};
