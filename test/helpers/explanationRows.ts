import assert from 'node:assert/strict';
import type { ExplainResult } from '../../src/core/explain/explainResult';

/** The weights explainer `id` gave in `r`, failing the test (with the explainer's error) when it did not run. */
export function weightsOf(r: ExplainResult, id: string): number[] {
  const row = r.explanations.find((e) => e.id === id)!;
  assert.ok(row.weights, `${id} ran: ${row.error}`);
  return row.weights;
}
