/**
 * What a dataset run keeps of one text's explanation: verdicts, rates, metrics and polarity counts per explainer, and
 * the Random floor's verdicts for three seeds (each only when the run measures it: see measures.ts). Small on purpose (the full ExplainResult is recomputed on demand when a
 * reader opens the sample), so 100,000 of them fit in a cache file and a report.
 */
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { ExplainResult, ExplanationRow, ImpactRow } from '../explain/explainResult';
import { impactSign, weightSign } from '../faithfulness/polarity';
import type { SampleExplainer, SampleRecord } from './datasetReport';

export { RANDOM_SEEDS } from './measures';

/** One judgement of a text: the class explained with its score, how each explainer did, and Random's verdicts. */
export type LabelOutcome = Pick<SampleRecord, 'prediction' | 'explainers' | 'random' | 'ms'>;

/**
 * The text-dependent part of a SampleRecord: what the cache stores (row, line and gold label belong to the file). A
 * multi-label model's text is tested on every label: the most likely one here, the others in `otherLabels`.
 */
export type SampleOutcome = Omit<SampleRecord, 'row' | 'line' | 'label' | 'labelIndex' | 'correct'> & {
  otherLabels?: LabelOutcome[];
};

export function sampleOutcome(result: ExplainResult, operator: ErasureOperatorName, ms: number): SampleOutcome {
  const impacts = new Map(result.impacts.map((i) => [i.operator, i]));
  const chosen = impacts.get(operator);
  const explainers: Record<string, SampleExplainer> = {};
  for (const row of result.explanations) explainers[row.id] = explainerOutcome(result, row, chosen);
  return {
    text: result.text,
    prediction: { index: result.target.index, label: result.target.label, probability: result.target.probability },
    predicted: result.prediction.index,
    units: result.units.length,
    truncated: result.truncated,
    explainers,
    ...(result.depth ? { depth: depthOf(result) } : {}),
    // Computed by explainText for the seeds asked (ExplainOptions.randomFloor); none when the floor is not measured.
    random: result.randomFloor ?? [],
    ms,
  };
}

/** Each layer-reading explainer's violation share per layer, from the result's depth sweep. */
function depthOf(result: ExplainResult): Record<string, (number | null)[]> {
  const depth: Record<string, (number | null)[]> = {};
  for (const row of result.depth ?? []) (depth[row.id] ??= [])[row.layer] = row.violationMean;
  return depth;
}

function explainerOutcome(result: ExplainResult, row: ExplanationRow, chosen: ImpactRow | undefined): SampleExplainer {
  if (!row.weights)
    return {
      error: row.error ?? 'did not run',
      verdicts: {},
      violationMean: null,
      tokenLevelRate: null,
      weightedRate: null,
      metrics: {},
      ms: row.runtimeMs,
    };
  const verdicts: SampleExplainer['verdicts'] = {};
  for (const v of row.verdicts)
    verdicts[v.operator] = { unit: v.unit, weight: v.weight, delta: v.delta, violates: v.violates };
  const onChosen = row.verdicts.find((v) => v.operator === chosen?.operator);
  const top = row.verdicts.find((v) => v.unit >= 0)?.unit ?? -1;
  const marked = row.verdicts.filter((v) => v.byConstruction);
  return {
    topText: top >= 0 ? result.units[top].text : undefined,
    verdicts,
    violationMean: row.violationMean,
    ...(marked.length
      ? {
          heldOutMean: row.heldOutMean,
          byConstruction: Object.fromEntries(marked.map((v) => [v.operator, v.byConstruction!])),
        }
      : {}),
    tokenLevelRate: onChosen?.tokenLevelRate ?? null,
    weightedRate: onChosen?.tokenLevelWeightedRate ?? null,
    metrics: Object.fromEntries(row.metrics.map((m) => [m.id, m.value])),
    ...(chosen ? { polarity: polarityCounts(row.weights, chosen.deltas, row.signed) } : {}),
    ms: row.runtimeMs,
  };
}

/** Units by (claimed sign, measured sign): [+,+], [+,−], [−,+], [−,−], and no claim or no impact. */
export function polarityCounts(
  weights: number[],
  deltas: number[],
  signed: boolean,
): NonNullable<SampleExplainer['polarity']> {
  const counts: NonNullable<SampleExplainer['polarity']> = [0, 0, 0, 0, 0];
  weights.forEach((w, i) => {
    // An unsigned weight claims support; an exact 0 is drawn as "no claim" here (the token-level rate counts it as support).
    const claim = signed ? weightSign(w) : w === 0 ? 0 : 1;
    const impact = impactSign(deltas[i]);
    if (claim === 0 || impact === 0) counts[4]++;
    else counts[(claim > 0 ? 0 : 2) + (impact > 0 ? 0 : 1)]++;
  });
  return counts;
}
