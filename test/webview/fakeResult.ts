import { EXPLAIN_SCHEMA, ExplainResult, ExplanationRow, VerdictRow } from '../../src/core/explain/explainResult';

/** A small hand-made result: three words, the paper's three operators, explainers shaped by the caller. */
export function fakeResult(rows: Partial<ExplanationRow>[], deltas: Record<string, number[]> = {}): ExplainResult {
  const ops = ['delete', 'zero-embedding', 'attention-mask'] as const;
  const d = (op: string): number[] => deltas[op] ?? [0.1, -0.05, 0];
  return {
    schema: EXPLAIN_SCHEMA,
    model: { name: 'toy', dir: '/models/toy', labels: ['negative', 'positive'] },
    head: { kind: 'softmax', quantity: 'softmax probability', isProbability: true },
    text: 'good but bad',
    truncated: false,
    granularity: 'word',
    prediction: { index: 1, label: 'positive', probability: 0.8, probabilities: [0.2, 0.8] },
    target: { index: 1, label: 'positive', probability: 0.8, requested: false },
    units: [
      { text: 'good', start: 0, end: 4, tokens: [1] },
      { text: 'but', start: 5, end: 8, tokens: [2] },
      { text: 'bad', start: 9, end: 12, tokens: [3] },
    ],
    impacts: ops.map((operator) => ({
      operator,
      paperName: { delete: 'slice_out', 'zero-embedding': 'zeros_mask', 'attention-mask': 'att_mask' }[operator],
      description: operator,
      deltas: d(operator),
      polarity: d(operator).map((x) => (x > 1e-6 ? 'supports' : x < -1e-6 ? 'suppresses' : 'none')),
    })),
    explanations: rows.map((r, i) => {
      const weights = r.weights === undefined ? [0.1, 0.2, 0.3] : r.weights;
      const verdicts: VerdictRow[] =
        r.verdicts ??
        (weights === null
          ? []
          : ops.map((operator) => {
              const unit = weights.reduce((best, w, j) => (Math.abs(w) > Math.abs(weights[best]) ? j : best), 0);
              const delta = d(operator)[unit];
              return {
                operator,
                unit,
                weight: weights[unit],
                delta,
                violates: weights[unit] * delta < 0 && Math.abs(delta) > 1e-6,
                tokenLevelRate: 0.5,
                tokenLevelWeightedRate: 0.5,
              };
            }));
      return {
        id: r.id ?? `e${i}`,
        label: r.label ?? `Explainer ${i}`,
        signed: r.signed ?? true,
        family: 'gradient',
        citation: 'someone',
        target: 1,
        quantity: 'a weight',
        parameters: {},
        runtimeMs: r.runtimeMs ?? 1,
        weights,
        ...(r.error === undefined ? {} : { error: r.error }),
        verdicts,
        violationMean:
          r.violationMean !== undefined
            ? r.violationMean
            : weights === null
              ? null
              : verdicts.filter((v) => v.violates).length / 3,
        heldOutMean:
          r.heldOutMean !== undefined
            ? r.heldOutMean
            : weights === null
              ? null
              : verdicts.filter((v) => v.violates).length / 3,
        metrics: [],
      };
    }),
    attention: null,
    deltaTolerance: 1e-6,
    notes: [],
  };
}
