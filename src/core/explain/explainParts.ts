/**
 * The result so far of an explanation that streams in parts (ExplainPart), for front ends that draw it as it comes.
 * Pure: each part gives a new partial result.
 */
import type { ExplainPart, ExplainResult } from './explainResult';

export interface PartialExplanation {
  result: ExplainResult;
  /** Explainer ids still to come. */
  pending: string[];
  /** Every explainer id in the requested order (the rows' order, whatever order they finish in). */
  order: string[];
}

/** The partial result after `part`; undefined until the prediction part has come. */
export function withPart(current: PartialExplanation | undefined, part: ExplainPart): PartialExplanation | undefined {
  switch (part.part) {
    case 'prediction':
      return { result: part.result, pending: part.pending, order: part.pending };
    case 'impact':
      return (
        current && { ...current, result: { ...current.result, impacts: [...current.result.impacts, part.impact] } }
      );
    case 'explanation': {
      if (!current) return undefined;
      const { order } = current;
      const explanations = [...current.result.explanations, part.explanation].sort(
        (a, b) => order.indexOf(a.id) - order.indexOf(b.id),
      );
      return { ...current, result: { ...current.result, explanations }, pending: part.pending };
    }
  }
}
