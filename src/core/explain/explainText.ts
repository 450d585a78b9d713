import type { TextClassifier } from '../classifier/textClassifier';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { erasureOperator, PAPER_OPERATORS } from '../erasure/operators';
import { argmax } from '../math/softmax';
import type { AttentionMap, ConstructionFacts, ExplainContext } from '../explainers/explainer';
import { randomUnitWeights } from '../explainers/randomWeights';
import { explainerById } from '../explainers/registry';
import type { MetricContext } from '../faithfulness/metrics/metric';
import { METRICS } from '../faithfulness/metrics/registry';
import { DELTA_TOLERANCE, impactSign } from '../faithfulness/polarity';
import type { InputMemo } from '../model/inputMemo';
import { OPTIMISATION_ADVICE } from '../model/onnxClassifier';
import { checkCancelled, resolveExplainOptions, type ExplainOptions } from './explainOptions';
import {
  AttentionLayerView,
  AttentionView,
  EXPLAIN_SCHEMA,
  ExplainResult,
  ExplanationRow,
  ImpactRow,
  Polarity,
} from './explainResult';
import { prepareText, type PreparedText } from './prepareText';
import { marksOf, runExplainers } from './runExplainers';
import { layerSweep } from './layerSweep';
import { TextRuns } from './textRuns';
import { verdictRows, type ImpactSource } from './verdicts';

const POLARITY: Record<-1 | 0 | 1, Polarity> = { [-1]: 'suppresses', 0: 'none', 1: 'supports' };

/**
 * text → tokens → model runs → explanations → faithfulness, for one text, as named stages: prepareText (tokens, the
 * clean run, the class explained), the chosen operator's impact row, runExplainers (each explainer with its
 * verdicts), the other impact rows, the final verdicts and notes, and the metrics. Parts stream out as they are ready.
 */
export async function explainText(
  model: TextClassifier,
  text: string,
  options: ExplainOptions = {},
  /** Forward runs shared with other explanations of this text on this model (see TextRuns). */
  shared: { memo?: InputMemo } = {},
): Promise<ExplainResult> {
  const settings = resolveExplainOptions(options);
  const explainers = settings.explainers.map(explainerById);
  const prepared = await prepareText(model, text, settings, settings.target);
  const { tokens, units, input, probabilities, target, operators, erasureContext, notes } = prepared;
  const runs = new TextRuns(
    model,
    {
      input,
      units,
      target,
      probabilities,
      objective: settings.objective,
      erasureContext,
    },
    shared.memo,
  );
  const context: ExplainContext = {
    text,
    tokens,
    units,
    input,
    folder: model.folder,
    target,
    probabilities,
    erasureContext,
    attentions: async () => prepared.attentions,
    pooled: prepared.pooled,
    leaveOneOut: (operator) => runs.leaveOneOut(operator),
    run: (inputs) => runs.run(inputs),
    gradients: (variant) => runs.gradients(variant),
    gradientsAt: (points) => runs.gradientsAt(points),
    padEmbedding: () => runs.padEmbedding(),
  };
  const result = emptyResult(model, prepared, settings.granularity);
  const emit = options.onPart;
  emit?.({
    part: 'prediction',
    result: { ...result, impacts: [], explanations: [], notes: [...notes] },
    pending: explainers.map((e) => e.id),
  });

  const impacts = new ImpactRows(runs, operators, units.length, (impact) => emit?.({ part: 'impact', impact }));
  // Without impact rows (a dataset run measuring verdicts only), every verdict erases just its top unit.
  const rowsWanted = settings.impactRows !== false;
  // Random's weights for the floor's seeds: judged with the explainers' top units when verdicts are batched.
  const floor = floorWeights(settings.randomFloor, text, units.length);
  if (rowsWanted) await impacts.add(settings.operator);
  const facts: ConstructionFacts = {
    fittedOperator: settings.operator,
    singleAttention: prepared.attentions.length === 1 && prepared.attentions[0].dims.length < 4,
    classes: probabilities.length,
    objective: settings.objective,
  };
  result.explanations = await runExplainers(explainers, {
    context,
    settings,
    impacts,
    facts,
    reuse: options.reuse,
    cancelled: options.cancelled,
    emit,
    ...(rowsWanted ? {} : { batchVerdicts: { alsoJudged: floor } }),
  });
  if (rowsWanted) {
    for (const name of operators.filter((o) => o !== settings.operator)) {
      checkCancelled(options.cancelled);
      await impacts.add(name);
    }
    result.impacts = impacts.rows();
    // The verdicts again, now with every row: the same units and Δ, with the token-level rates filled in.
    for (const row of result.explanations)
      if (row.weights)
        row.verdicts = await verdictRows(row.weights, row.signed, impacts, marksOf(explainerById(row.id), facts));
  }
  if (settings.randomFloor)
    result.randomFloor = await Promise.all(floor.map((weights) => paperVerdicts(weights, impacts)));
  if (settings.layerSweep) {
    checkCancelled(options.cancelled);
    result.depth = await layerSweep(explainers, prepared.attentions.length, { context, settings, impacts, facts });
  }
  notes.push(...(await engineNotes(model, runs, result.explanations)));

  checkCancelled(options.cancelled);
  if (options.metrics !== false)
    await addMetrics(result.explanations, runs, prepared, settings.operator, model.head.kind === 'multi-label');
  return result;
}

/** The result before any impact row or explanation: the model, the prediction, the units and the attention. */
function emptyResult(
  model: TextClassifier,
  prepared: PreparedText,
  granularity: ExplainResult['granularity'],
): ExplainResult {
  const { text, tokens, units, probabilities, predicted, target, targetRequested, attentions, notes } = prepared;
  const labels = Array.from({ length: probabilities.length }, (_, i) => model.labelOf(i));
  return {
    schema: EXPLAIN_SCHEMA,
    model: { name: model.folder.name, dir: model.folder.dir, labels },
    head: { kind: model.head.kind, quantity: model.head.quantity, isProbability: model.head.isProbability },
    text,
    truncated: tokens.truncated,
    granularity,
    prediction: { index: predicted, label: labels[predicted], probability: probabilities[predicted], probabilities },
    target: { index: target, label: labels[target], probability: probabilities[target], requested: targetRequested },
    units: units.map((u) => ({ text: u.text, start: u.start, end: u.end, tokens: u.tokens })),
    impacts: [],
    explanations: [],
    attention: attentionView(tokens.tokens, attentions),
    deltaTolerance: DELTA_TOLERANCE,
    notes,
  };
}

/**
 * The impact rows computed so far (leave-one-out per operator, each emitted as it is ready), and the source of the
 * verdicts: a known row, else the erasure of the one unit a verdict examines.
 */
class ImpactRows implements ImpactSource {
  private readonly known = new Map<ErasureOperatorName, ImpactRow>();

  constructor(
    private readonly runs: TextRuns,
    readonly operators: ErasureOperatorName[],
    readonly units: number,
    private readonly onRow: (row: ImpactRow) => void,
  ) {}

  async add(name: ErasureOperatorName): Promise<void> {
    const op = erasureOperator(name);
    const { deltas } = await this.runs.leaveOneOut(name);
    const impact: ImpactRow = {
      operator: name,
      paperName: op.paperName,
      description: op.description,
      deltas,
      polarity: deltas.map((d) => POLARITY[impactSign(d)]),
    };
    this.known.set(name, impact);
    this.onRow(impact);
  }

  row(name: ErasureOperatorName): number[] | undefined {
    return this.known.get(name)?.deltas;
  }

  deltasAt(requests: { operator: ErasureOperatorName; unit: number }[]): Promise<number[]> {
    return this.runs.deltasAt(requests);
  }

  /** The rows in the operators' order (the paper's three, then the chosen one if it is another). */
  rows(): ImpactRow[] {
    return this.operators.flatMap((o) => this.known.get(o) ?? []);
  }
}

/** Random's weights for each seed of the floor (none asked: none). */
function floorWeights(seeds: readonly number[] | undefined, text: string, units: number): number[][] {
  return (seeds ?? []).map((seed) => randomUnitWeights(text, seed, units).weights);
}

/** Unsigned weights' top-unit verdict under each paper operator (null where the model cannot run it). */
async function paperVerdicts(weights: number[], impacts: ImpactRows): Promise<(boolean | null)[]> {
  const verdicts = await verdictRows(weights, false, impacts);
  return PAPER_OPERATORS.map((op) => verdicts.find((v) => v.operator === op)?.violates ?? null);
}

/** What the engine could not do on this model: fused kernels, gradients it could not compute. */
async function engineNotes(model: TextClassifier, runs: TextRuns, rows: ExplanationRow[]): Promise<string[]> {
  const notes: string[] = [];
  if (model.onnx.fusedOps.length) {
    notes.push(
      `This graph was optimised by onnxruntime (fused kernels com.microsoft.${model.onnx.fusedOps.join(', com.microsoft.')}): gradients do not pass through them, and attention inside them cannot be read. For every explainer, ${OPTIMISATION_ADVICE}.`,
    );
  }
  const problems = await runs.gradientProblems();
  if (problems.length) {
    const failed = rows
      .filter((r) => r.family !== 'perturbation' && r.error && /differentiat|∂/.test(r.error))
      .map((r) => r.id);
    notes.push(
      `Some gradients cannot be computed on this model (${problems.join('; ')})${failed.length ? `, so these explainers could not run: ${failed.join(', ')}` : ''}.`,
    );
  }
  return notes;
}

/** The attention maps as the attention view shows them; maps of a shape it cannot draw are left out. */
function attentionView(tokens: string[], maps: AttentionMap[]): AttentionView | null {
  const layers: AttentionLayerView[] = [];
  for (const map of maps) {
    const shape = map.dims.slice(1); // drop the batch axis
    const [heads, rows, cols] =
      shape.length === 1
        ? [1, 1, shape[0]]
        : shape.length === 2
          ? [1, shape[0], shape[1]]
          : shape.length === 3
            ? shape
            : [0, 0, 0];
    if (cols !== tokens.length) continue;
    layers.push({
      name: map.name,
      heads,
      rows,
      cols,
      values: Array.from(map.data.subarray(0, heads * rows * cols), (v) => Math.round(v * 1e5) / 1e5),
    });
  }
  return layers.length ? { tokens, layers } : null;
}

/** Fills each explanation's metrics under the chosen operator, running every metric's erased inputs in one batched pass. */
async function addMetrics(
  rows: ExplanationRow[],
  runs: TextRuns,
  prepared: PreparedText,
  operator: ErasureOperatorName,
  multiLabel: boolean,
): Promise<void> {
  const { input, units, target, predicted, probabilities, erasureContext } = prepared;
  const chosen = erasureOperator(operator);
  const leaveOneOut = await runs.leaveOneOut(operator);
  const flipped: MetricContext['flipped'] = multiLabel
    ? (erased) => erased[target] >= 0.5 !== probabilities[target] >= 0.5
    : target === predicted
      ? (erased) => argmax(erased) !== predicted
      : () => null;
  const plans = [];
  for (const row of rows.filter((r) => r.weights && r.metrics.length === 0)) {
    const ctx: MetricContext = {
      weights: row.weights!,
      target,
      baseline: probabilities[target],
      flipped,
      operator,
      leaveOneOut,
      without: (picked) =>
        chosen.erase(
          input,
          picked.flatMap((u) => units[u].tokens),
          erasureContext,
        ),
    };
    plans.push(...METRICS.map((metric) => ({ row, metric, ctx, inputs: metric.inputs(ctx) })));
  }
  const outputs = await runs.run(plans.flatMap((p) => p.inputs));
  let next = 0;
  for (const { row, metric, ctx, inputs } of plans) {
    const value = metric.value(ctx, outputs.slice(next, next + inputs.length));
    next += inputs.length;
    row.metrics.push({
      id: metric.id,
      label: metric.label,
      better: metric.better,
      description: metric.description,
      operator,
      value,
    });
  }
}
