/** An explainer's outcome on one sample as a report records it, for tests that need only its verdicts. */
import type { SampleExplainer } from '../../src/core/datasetRun/datasetReport';

const OPERATORS = ['delete', 'zero-embedding', 'attention-mask'] as const;

/**
 * Its verdict per paper operator (true = violates), on top unit 0 with weight `weight`; Δ per operator is `deltas`
 * (default −0.1 where it violates, +0.1 where not, so the signs agree with the verdicts). Everything else is zero.
 */
export function sampleExplainer(
  violates: readonly boolean[],
  { deltas, weight = 1, unit = 0 }: { deltas?: readonly number[]; weight?: number; unit?: number } = {},
): SampleExplainer {
  return {
    verdicts: Object.fromEntries(
      OPERATORS.map((op, i) => [
        op,
        { unit, weight, delta: deltas?.[i] ?? (violates[i] ? -0.1 : 0.1), violates: violates[i] },
      ]),
    ),
    violationMean: violates.filter(Boolean).length / OPERATORS.length,
    tokenLevelRate: 0,
    weightedRate: 0,
    metrics: {},
    polarity: [0, 0, 0, 0, 0],
    ms: 1,
  };
}
