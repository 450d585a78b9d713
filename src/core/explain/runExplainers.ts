/**
 * The explainers' stage: each explainer cheapest first (so the panel fills quickly), its weights (or an earlier
 * explanation's, when still valid) and its verdicts under every operator; one part is emitted per explainer as it
 * finishes. A failing explainer becomes a row with its error; the others go on.
 */
import { PAPER_OPERATORS } from '../erasure/operators';
import {
  EXPLAINER_COSTS,
  type ConstructionFacts,
  type ExplainContext,
  type Explainer,
  type ExplainerSettings,
} from '../explainers/explainer';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { EngineSettingKey } from '../settings/engineSettings';
import { checkCancelled, type ResolvedExplainOptions } from './explainOptions';
import type { ExplainPart, ExplanationRow, VerdictRow } from './explainResult';
import { prefetchVerdicts, verdictRows, type ImpactSource } from './verdicts';

export interface ExplainerStage {
  context: ExplainContext;
  settings: ResolvedExplainOptions;
  impacts: ImpactSource;
  /** What decides which verdicts are by construction on this model. */
  facts: ConstructionFacts;
  /** Rows of an earlier explanation whose weights are still valid (see planRerun). */
  reuse?: ExplanationRow[];
  /**
   * Judge every explainer after the last one has run, their top units' erasures in one batch with these other
   * weights' (the Random floor's): a dataset run without impact rows, where no one waits for the first row.
   */
  batchVerdicts?: { alsoJudged: number[][] };
  cancelled?: () => boolean;
  emit?: (part: ExplainPart) => void;
}

/** The rows, in the order of `explainers` (run cheapest first). */
export async function runExplainers(
  explainers: readonly Explainer[],
  stage: ExplainerStage,
): Promise<ExplanationRow[]> {
  const { context, settings, impacts, reuse, emit, batchVerdicts } = stage;
  const rows: ExplanationRow[] = [];
  const byCost = [...explainers].sort((a, b) => EXPLAINER_COSTS.indexOf(a.cost) - EXPLAINER_COSTS.indexOf(b.cost));
  const finish = async (i: number, row: ExplanationRow): Promise<void> => {
    rows.push(await judged(row, byCost[i], stage));
    emit?.({
      part: 'explanation',
      explanation: { ...rows[rows.length - 1] },
      pending: byCost.slice(i + 1).map((e) => e.id),
    });
  };
  const unjudged: ExplanationRow[] = [];
  for (const [i, explainer] of byCost.entries()) {
    checkCancelled(stage.cancelled);
    const started = performance.now();
    const base = {
      id: explainer.id,
      label: explainer.label,
      signed: explainer.signed,
      family: explainer.family,
      citation: explainer.citation,
      target: context.target,
    };
    let row: ExplanationRow;
    try {
      const reused = reuse?.find((r) => r.id === explainer.id && r.weights);
      const out = reused
        ? { weights: reused.weights!, quantity: reused.quantity, parameters: reused.parameters, seed: reused.seed }
        : await explainer.explain(context, settingsRead(explainer, settings));
      row = {
        ...base,
        quantity: out.quantity,
        parameters: out.parameters,
        seed: out.seed,
        runtimeMs: reused ? reused.runtimeMs : performance.now() - started,
        weights: out.weights,
        verdicts: [],
        violationMean: null,
        heldOutMean: null,
        // Metrics are measured under the chosen operator: still valid if it did not change.
        metrics: reused && reused.metrics.every((m) => m.operator === settings.operator) ? reused.metrics : [],
      };
    } catch (e) {
      row = { ...base, ...failed(e), runtimeMs: performance.now() - started };
    }
    if (batchVerdicts) unjudged.push(row);
    else await finish(i, row);
  }
  if (batchVerdicts) {
    const weights = unjudged.flatMap((r) => (r.weights ? [r.weights] : []));
    await prefetchVerdicts([...weights, ...batchVerdicts.alsoJudged], impacts);
    for (const [i, row] of unjudged.entries()) await finish(i, row);
  }
  return rows.sort((a, b) => explainers.findIndex((e) => e.id === a.id) - explainers.findIndex((e) => e.id === b.id));
}

/** `row` with its verdicts under every operator (an explainer that failed stays as it is; a failed verdict fails it). */
async function judged(row: ExplanationRow, explainer: Explainer, stage: ExplainerStage): Promise<ExplanationRow> {
  if (!row.weights) return row;
  try {
    const verdicts = await verdictRows(row.weights, row.signed, stage.impacts, marksOf(explainer, stage.facts));
    return { ...row, verdicts, violationMean: violationMean(verdicts), heldOutMean: violationMean(verdicts, true) };
  } catch (e) {
    return { ...row, ...failed(e) };
  }
}

/** The fields of a row whose explainer could not run. */
function failed(
  e: unknown,
): Pick<
  ExplanationRow,
  'quantity' | 'parameters' | 'weights' | 'error' | 'verdicts' | 'violationMean' | 'heldOutMean' | 'metrics'
> {
  return {
    quantity: '',
    parameters: {},
    weights: null,
    error: (e as Error).message,
    verdicts: [],
    violationMean: null,
    heldOutMean: null,
    metrics: [],
  };
}

/**
 * The share of the paper's operators under which the verdict is a violation (null without verdicts); `heldOut`: only
 * over those whose verdict is not by construction.
 */
export function violationMean(verdicts: VerdictRow[], heldOut = false): number | null {
  const paper = verdicts.filter((v) => PAPER_OPERATORS.includes(v.operator) && !(heldOut && v.byConstruction));
  return paper.length ? paper.filter((v) => v.violates).length / paper.length : null;
}

/** The explainer's by-construction marks on this model, as verdictRows takes them. */
export function marksOf(
  explainer: Pick<Explainer, 'byConstruction'>,
  facts: ConstructionFacts,
): (operator: ErasureOperatorName) => string | undefined {
  return (operator) => explainer.byConstruction?.(operator, facts);
}

/** The settings `explainer` declares it reads, and only those (so what it declares is all it can depend on). */
export function settingsRead<R extends EngineSettingKey>(
  explainer: Explainer<R>,
  resolved: ResolvedExplainOptions,
): ExplainerSettings<R> {
  const all = resolved as unknown as Record<string, unknown>;
  return Object.fromEntries(explainer.reads.map((key) => [key, all[key]])) as ExplainerSettings<R>;
}
