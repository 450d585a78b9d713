import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { topCandidate, violates } from '../faithfulness/polarity';
import { tokenLevelViolation } from '../faithfulness/violationTest';
import type { VerdictRow } from './explainResult';

/**
 * Where an explanation's verdicts get their impacts: an operator's whole leave-one-out row once it is known, else the
 * erasure of the one unit the verdict examines. The paper's top-1 rule needs only that unit, so an explainer's
 * verdicts arrive after a few erasures instead of a leave-one-out pass per operator.
 */
export interface ImpactSource {
  /** The operators to judge under, in the order verdicts are listed. */
  operators: ErasureOperatorName[];
  /** The text's units: weights of another length are an explainer's error, with or without a known row. */
  units: number;
  /** Δ of every unit under `operator`, when that row has been computed. */
  row(operator: ErasureOperatorName): number[] | undefined;
  /** Δ of erasing each requested unit under its operator, in one batched run. */
  deltasAt(requests: { operator: ErasureOperatorName; unit: number }[]): Promise<number[]>;
}

/**
 * Erases, in one batched run, the top unit of each of `weightsList` under every operator whose row is not known, so
 * the verdicts taken after it make no model run of their own (their erasures come from the run's input memo): one
 * batch of a few dozen inputs instead of a small batch per explainer.
 */
export async function prefetchVerdicts(weightsList: readonly number[][], source: ImpactSource): Promise<void> {
  const missing = source.operators.filter((operator) => !source.row(operator));
  // Weights of the wrong length are left to verdictRows, which fails their explainer alone.
  const units = new Set(
    weightsList
      .filter((w) => w.length === source.units)
      .map((w) =>
        topCandidate(
          w,
          w.map(() => true),
        ),
      )
      .filter((u) => u >= 0),
  );
  const requests = missing.flatMap((operator) => [...units].map((unit) => ({ operator, unit })));
  if (requests.length) await source.deltasAt(requests);
}

/**
 * One explanation's verdict under each operator. The token-level rates compare every unit with its own Δ, so they
 * are null under an operator whose row is not known yet; verdicts taken again once it is fill them in.
 */
export async function verdictRows(
  weights: number[],
  signed: boolean,
  source: ImpactSource,
  /** Why a verdict under an operator is by construction, if it is (Explainer.byConstruction). */
  marks: (operator: ErasureOperatorName) => string | undefined = () => undefined,
): Promise<VerdictRow[]> {
  if (weights.length !== source.units) throw new Error(`${weights.length} weights for ${source.units} units`);
  const candidates = weights.map(() => true);
  const unit = topCandidate(weights, candidates);
  const missing = unit < 0 ? [] : source.operators.filter((operator) => !source.row(operator));
  const measured = await source.deltasAt(missing.map((operator) => ({ operator, unit })));
  return source.operators.map((operator) => {
    const row = source.row(operator);
    if (row && row.length !== weights.length) throw new Error(`${row.length} impacts for ${weights.length} weights`);
    const delta = unit < 0 ? 0 : row ? row[unit] : measured[missing.indexOf(operator)];
    const weight = unit < 0 ? 0 : weights[unit];
    const tokenLevel = row ? tokenLevelViolation(weights, row, candidates, signed) : undefined;
    const mark = marks(operator);
    return {
      operator,
      unit,
      weight,
      delta,
      violates: unit >= 0 && violates(weight, delta),
      ...(mark ? { byConstruction: mark } : {}),
      tokenLevelRate: tokenLevel?.rate ?? null,
      tokenLevelWeightedRate: tokenLevel?.weightedRate ?? null,
    };
  });
}
