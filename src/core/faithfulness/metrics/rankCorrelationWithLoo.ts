import { kendallTauB, spearman } from '../../math/rankCorrelation';
import type { Metric } from './metric';

/** A metric correlating |w| with each unit's leave-one-out |Δ| (README “Other faithfulness metrics”); null where it is undefined. */
function correlationWithLoo(
  id: string,
  label: string,
  description: string,
  correlate: (x: number[], y: number[]) => number,
): Metric {
  return {
    id,
    label,
    better: 'higher',
    description,
    inputs: () => [],
    value(ctx) {
      const r = correlate(ctx.weights.map(Math.abs), ctx.leaveOneOut.deltas.map(Math.abs));
      return Number.isNaN(r) ? null : r;
    },
  };
}

export const spearmanWithLoo = correlationWithLoo(
  'spearman-loo',
  'Spearman ρ with LOO',
  "Spearman's ρ between |w| and each unit's leave-one-out |Δ|",
  spearman,
);

export const kendallWithLoo = correlationWithLoo(
  'kendall-loo',
  'Kendall τ with LOO',
  "Kendall's τ-b between |w| and each unit's leave-one-out |Δ|",
  kendallTauB,
);
