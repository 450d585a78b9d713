import type { ErasureContext, ErasureOperatorName, ModelInput } from '../erasure/erasureOperator';
import { erasureOperator, PAPER_OPERATORS } from '../erasure/operators';
import { AttentionMap, ExplainContext, Explainer, EXPLAINER_COSTS, ExplainerSettings, GradientView } from '../explainers/explainer';
import { explainerById } from '../explainers/registry';
import { leaveOneOut, LeaveOneOut } from '../faithfulness/leaveOneOut';
import type { MetricContext } from '../faithfulness/metrics/metric';
import { METRICS } from '../faithfulness/metrics/registry';
import { DELTA_TOLERANCE, impactSign } from '../faithfulness/polarity';
import type { GradientVariant, Objective } from '../gradients/gradientSession';
import { InputMemo } from '../model/inputMemo';
import { pooledRows, resolvePooling } from '../model/pooling';
import { OPTIMISATION_ADVICE } from '../model/onnxClassifier';
import type { TextClassifier } from '../classifier/textClassifier';
import { AttentionLayerView, AttentionView, EXPLAIN_SCHEMA, ExplainResult, ExplanationRow, ImpactRow, Polarity, VerdictRow } from './explainResult';
import { explanationUnits } from '../tokenize/units';
import type { EngineSettingKey } from '../settings/engineSettings';
import { resolveExplainOptions, type ExplainOptions, type ResolvedExplainOptions } from './explainOptions';
import { ImpactSource, verdictRows } from './verdicts';

/** The settings `explainer` declares it reads, and only those (so what it declares is all it can depend on). */
function settingsRead<R extends EngineSettingKey>(explainer: Explainer<R>, resolved: ResolvedExplainOptions): ExplainerSettings<R> {
  const all = resolved as unknown as Record<string, unknown>;
  return Object.fromEntries(explainer.reads.map((key) => [key, all[key]])) as ExplainerSettings<R>;
}

/** Thrown when ExplainOptions.cancelled asked an explanation to stop. */
export class ExplanationCancelled extends Error {
  constructor() {
    super('The explanation was cancelled.');
    this.name = 'ExplanationCancelled';
  }
}

const POLARITY: Record<-1 | 0 | 1, Polarity> = { [-1]: 'suppresses', 0: 'none', 1: 'supports' };

/** The id standing in for an erased token: config.json's mask_token, else [MASK], else [UNK]. */
function maskTokenId(model: TextClassifier): number | undefined {
  const configured = model.folder.config.mask_token;
  const candidates = [typeof configured === 'string' ? configured : undefined, '[MASK]', '<mask>', '[UNK]', '<unk>'];
  for (const token of candidates) {
    const id = token === undefined ? undefined : model.tokenizer.tokenId(token);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The index of a multi-label head's label asked for by name or index; other heads explain their prediction. */
export function chosenLabel(model: TextClassifier, label: string | number): number {
  const { head } = model;
  if (head.kind !== 'multi-label') {
    throw new Error(`A label can be chosen only for a multi-label head; this model's head is ${head.kind}, so its prediction is explained.`);
  }
  const index = typeof label === 'number' ? label : head.classes.indexOf(label);
  if (!Number.isInteger(index) || index < 0 || index >= head.classes.length) {
    throw new Error(`No label ${JSON.stringify(label)} in this model; its labels are ${head.classes.join(', ')}.`);
  }
  return index;
}

/** text → tokens → model runs → explanations → faithfulness, for one text. */
export async function explainText(model: TextClassifier, text: string, options: ExplainOptions = {}): Promise<ExplainResult> {
  if (text.trim() === '') throw new Error('Nothing to explain: the text is empty.');
  const resolved = resolveExplainOptions(options);
  const { granularity, objective } = resolved;
  const chosen = resolved.operator;
  const explainers = resolved.explainers.map(explainerById);
  const notes: string[] = [];

  const tokens = await model.tokenizer.encode(text);
  if (tokens.truncated) notes.push(`The text is longer than the ${model.tokenizer.maxLength}-token maximum; only the first ${tokens.ids.length} tokens were explained.`);
  const units = explanationUnits(text, tokens, granularity);
  if (units.length === 0) throw new Error('Nothing to explain: the text has no tokens besides special tokens.');
  const input: ModelInput = { ids: tokens.ids, attentionMask: tokens.ids.map(() => 1) };

  const attentionNames = model.onnx.attentionNames;
  if (model.onnx.attentionProblem) notes.push(`Attention explainers cannot run: ${model.onnx.attentionProblem}.`);
  const clean = await model.onnx.run({ ids: [input.ids] }, attentionNames);
  const probabilities = model.scores(clean.logits[0]);
  const target = options.label === undefined ? model.head.predicted(probabilities) : chosenLabel(model, options.label);
  const memo = new InputMemo(model.onnx, (logits) => model.scores(logits));
  memo.remember(input, probabilities);
  const run = (inputs: ModelInput[]) => memo.probabilities(inputs);
  const attentions: AttentionMap[] = attentionNames.map((name) => ({
    name, dims: clean.outputs[name].dims, data: clean.outputs[name].data as Float32Array,
  }));
  const pooling = resolvePooling(model.pooling, attentions);
  const pooled = pooledRows(pooling, tokens.ids.length);

  const context: ErasureContext = { maskTokenId: maskTokenId(model) };
  const operators: ErasureOperatorName[] = [...PAPER_OPERATORS];
  if (!operators.includes(chosen)) operators.push(chosen);
  if (!model.onnx.supportsEmbeddingScale) {
    if (chosen === 'zero-embedding') throw new Error('The zero-embedding operator needs a word-embedding tensor, and none was found in this model; choose another --operator.');
    operators.splice(operators.indexOf('zero-embedding'), 1);
    notes.push('No word-embedding tensor was found in this model, so the zero-embedding operator was skipped.');
  }
  const looCache = new Map<ErasureOperatorName, Promise<LeaveOneOut>>();
  const loo = (name: ErasureOperatorName) => {
    let pending = looCache.get(name);
    if (!pending) {
      pending = leaveOneOut(run, input, units, target, probabilities[target], erasureOperator(name), context);
      looCache.set(name, pending);
    }
    return pending;
  };

  const gradientRuns = new Map<GradientVariant, Promise<GradientView>>();
  const gradients = (variant: GradientVariant = 'gradient') => {
    let pending = gradientRuns.get(variant);
    if (!pending) {
      pending = cleanGradients(model, input.ids, target, objective, variant);
      gradientRuns.set(variant, pending);
    }
    return pending;
  };
  let padRow: Promise<Float32Array> | undefined;

  const explainContext: ExplainContext = {
    text, tokens, units, input, folder: model.folder, target, probabilities,
    erasureContext: context,
    attentions: async () => attentions,
    pooled,
    leaveOneOut: loo,
    run,
    gradients,
    gradientsAt: (points) => gradientsAt(model, input.ids, target, objective, points),
    padEmbedding: () => (padRow ??= (async () => {
      const session = await model.gradients();
      const [row] = await session.run({ ids: [[model.onnx.padId]], target: [target], objective });
      if (!row.embeddings) throw new Error('the model has no word-embedding tensor, so there is no [PAD] embedding to start from');
      return row.embeddings;
    })()),
  };
  const labels = Array.from({ length: probabilities.length }, (_, i) => model.labelOf(i));
  const impacts: ImpactRow[] = [];
  const rows: ExplanationRow[] = [];
  const result: ExplainResult = {
    schema: EXPLAIN_SCHEMA,
    model: { name: model.folder.name, dir: model.folder.dir, labels },
    head: { kind: model.head.kind, quantity: model.head.quantity, isProbability: model.head.isProbability },
    text,
    truncated: tokens.truncated,
    granularity,
    prediction: { index: target, label: labels[target], probability: probabilities[target], probabilities },
    units: units.map((u) => ({ text: u.text, start: u.start, end: u.end, tokens: u.tokens })),
    impacts,
    explanations: rows,
    attention: attentionView(tokens.tokens, attentions),
    deltaTolerance: DELTA_TOLERANCE,
    notes,
  };
  // The prediction and attention first, then the chosen operator's impact row, then each explanation with its
  // verdicts (other operators' Δ from erasing just the examined unit), then the other impact rows.
  const emit = options.onPart;
  emit?.({ part: 'prediction', result: { ...result, impacts: [], explanations: [], notes: [...notes] }, pending: explainers.map((e) => e.id) });
  const rowsKnown = new Map<ErasureOperatorName, number[]>();
  const addImpact = async (name: ErasureOperatorName) => {
    const op = erasureOperator(name);
    const { deltas } = await loo(name);
    rowsKnown.set(name, deltas);
    const impact: ImpactRow = { operator: name, paperName: op.paperName, description: op.description, deltas, polarity: deltas.map((d) => POLARITY[impactSign(d)]) };
    impacts.push(impact);
    emit?.({ part: 'impact', impact });
  };
  // `operators` always holds the chosen one (added above, or its request refused).
  await addImpact(chosen);
  const impactSource: ImpactSource = {
    operators,
    row: (name) => rowsKnown.get(name),
    deltasAt: async (requests) => {
      const erased = await run(requests.map((r) => erasureOperator(r.operator).erase(input, units[r.unit].tokens, context)));
      return erased.map((p) => probabilities[target] - p[target]);
    },
  };
  const chosenOperator = erasureOperator(chosen);
  const metricContext = async (weights: number[]): Promise<MetricContext> => ({
    weights, target, baseline: probabilities[target], operator: chosen, leaveOneOut: await loo(chosen),
    without: (picked) => chosenOperator.erase(input, picked.flatMap((u) => units[u].tokens), context),
  });

  const checkCancelled = () => {
    if (options.cancelled?.()) throw new ExplanationCancelled();
  };
  const violationMean = (verdicts: VerdictRow[]) => {
    const paper = verdicts.filter((v) => PAPER_OPERATORS.includes(v.operator));
    return paper.length ? paper.filter((v) => v.violates).length / paper.length : null;
  };
  // Cheapest first, so the panel fills quickly; rows are put back in the requested order below.
  const byCost = [...explainers].sort((a, b) => EXPLAINER_COSTS.indexOf(a.cost) - EXPLAINER_COSTS.indexOf(b.cost));
  for (const explainer of byCost) {
    checkCancelled();
    const started = performance.now();
    const base = { id: explainer.id, label: explainer.label, signed: explainer.signed, family: explainer.family, citation: explainer.citation, target };
    try {
      const reused = options.reuse?.find((r) => r.id === explainer.id && r.weights);
      const out = reused ? { weights: reused.weights!, quantity: reused.quantity, parameters: reused.parameters, seed: reused.seed } : await explainer.explain(explainContext, settingsRead(explainer, resolved));
      const runtimeMs = reused ? reused.runtimeMs : performance.now() - started;
      const verdicts = await verdictRows(out.weights, explainer.signed, impactSource);
      rows.push({
        ...base, quantity: out.quantity, parameters: out.parameters, seed: out.seed, runtimeMs, weights: out.weights, verdicts,
        violationMean: violationMean(verdicts),
        // Metrics are measured under the chosen operator: still valid if it did not change.
        metrics: reused && reused.metrics.every((m) => m.operator === chosen) ? reused.metrics : [],
      });
    } catch (e) {
      rows.push({ ...base, quantity: '', parameters: {}, runtimeMs: performance.now() - started, weights: null, error: (e as Error).message, verdicts: [], violationMean: null, metrics: [] });
    }
    emit?.({ part: 'explanation', explanation: { ...rows[rows.length - 1] }, pending: byCost.slice(byCost.indexOf(explainer) + 1).map((e) => e.id) });
  }
  rows.sort((a, b) => explainers.findIndex((e) => e.id === a.id) - explainers.findIndex((e) => e.id === b.id));

  // The other impact rows; their erasures of examined units are remembered, so those are not run again. Then the
  // verdicts again, now with every row: the same units and Δ, and the token-level rates filled in.
  for (const name of operators.filter((o) => o !== chosen)) {
    checkCancelled();
    await addImpact(name);
  }
  // Impact rows keep the operators' order (the paper's three, then the chosen one if it is another).
  impacts.sort((a, b) => operators.indexOf(a.operator) - operators.indexOf(b.operator));
  for (const row of rows) if (row.weights) row.verdicts = await verdictRows(row.weights, row.signed, impactSource);

  const problems = new Set<string>();
  for (const pending of gradientRuns.values()) {
    const view = await pending.catch(() => undefined);
    view?.problems.forEach((p) => problems.add(p));
  }
  if (model.onnx.fusedOps.length) {
    notes.push(`This graph was optimised by onnxruntime (fused kernels com.microsoft.${model.onnx.fusedOps.join(', com.microsoft.')}): gradients do not pass through them, and attention inside them cannot be read. For every explainer, ${OPTIMISATION_ADVICE}.`);
  }
  if (problems.size) {
    const failed = rows.filter((r) => r.family !== 'perturbation' && r.error && /differentiat|∂/.test(r.error)).map((r) => r.id);
    notes.push(`Some gradients cannot be computed on this model (${[...problems].join('; ')})${failed.length ? `, so these explainers could not run: ${failed.join(', ')}` : ''}.`);
  }

  checkCancelled();
  if (options.metrics !== false) await addMetrics(rows, metricContext, chosen, explainContext.run);

  return result;
}

/** The attention maps as the attention view shows them; maps of a shape it cannot draw are left out. */
function attentionView(tokens: string[], maps: AttentionMap[]): AttentionView | null {
  const layers: AttentionLayerView[] = [];
  for (const map of maps) {
    const shape = map.dims.slice(1); // drop the batch axis
    const [heads, rows, cols] = shape.length === 1 ? [1, 1, shape[0]] : shape.length === 2 ? [1, shape[0], shape[1]] : shape.length === 3 ? shape : [0, 0, 0];
    if (cols !== tokens.length) continue;
    layers.push({ name: map.name, heads, rows, cols, values: Array.from(map.data.subarray(0, heads * rows * cols), (v) => Math.round(v * 1e5) / 1e5) });
  }
  return layers.length ? { tokens, layers } : null;
}

/** One forward + backward pass on the clean input, as the view gradient explainers read. */
async function cleanGradients(model: TextClassifier, ids: number[], target: number, objective: Objective, variant: GradientVariant): Promise<GradientView> {
  const session = await model.gradients(variant);
  const [row] = await session.run({ ids: [ids], target: [target], objective });
  return {
    objective,
    objectiveValue: row.objective,
    dim: session.manifest.embeddingDim,
    embeddings: row.embeddings,
    embeddingGradient: row.embeddingGradient,
    attentions: row.attentions,
    attentionGradients: row.attentionGradients,
    attentionValues: row.attentionValues,
    projection: (layer) => session.projection(layer),
    problems: session.manifest.problems,
  };
}

/**
 * Rows per backward run: a backward pass keeps every activation of its rows alive at once (about 20 MB a row on a
 * DistilBERT-base-sized model at 26 tokens). IG-20's 21 points in two runs of 11 and 10: +190 MB, 5% slower than
 * one run of 21 (+450 MB); runs of 8: +140 MB, 15% slower.
 */
const GRADIENT_BATCH = 11;

/** ∂objective/∂e at scaled and shifted word embeddings, in batches of at most GRADIENT_BATCH rows. */
async function gradientsAt(
  model: TextClassifier, ids: number[], target: number, objective: Objective, points: { scale: number; shift?: Float32Array }[],
): Promise<{ objectiveValue: number; embeddingGradient: Float32Array }[]> {
  const session = await model.gradients();
  if (!session.hasEmbeddingGradient) throw new Error(`the word embeddings cannot be differentiated: ${session.manifest.problems.join('; ')}`);
  if (points.some((p) => p.shift) && !session.acceptsEmbeddingShift) {
    throw new Error('this model\'s word embeddings are not a table lookup, so they cannot be shifted towards a [PAD] baseline; use the zero baseline');
  }
  const results: { objectiveValue: number; embeddingGradient: Float32Array }[] = [];
  for (let start = 0; start < points.length; start += GRADIENT_BATCH) {
    const chunk = points.slice(start, start + GRADIENT_BATCH);
    const rows = await session.run({
      ids: chunk.map(() => ids),
      target: chunk.map(() => target),
      objective,
      embeddingScale: chunk.map((p) => ids.map(() => p.scale)),
      embeddingShift: chunk.map((p) => p.shift),
      embeddingGradientOnly: true,
    });
    results.push(...rows.map((r) => ({ objectiveValue: r.objective, embeddingGradient: r.embeddingGradient! })));
  }
  return results;
}

/** Fills each explanation's metrics, running the erased inputs of every metric and explainer in one batched pass. */
async function addMetrics(
  rows: ExplanationRow[],
  contextFor: (weights: number[]) => Promise<MetricContext>,
  operator: ErasureOperatorName,
  run: (inputs: ModelInput[]) => Promise<number[][]>,
): Promise<void> {
  const plans = [];
  for (const row of rows.filter((r) => r.weights && r.metrics.length === 0)) {
    const ctx = await contextFor(row.weights!);
    plans.push(...METRICS.map((metric) => ({ row, metric, ctx, inputs: metric.inputs(ctx) })));
  }
  const outputs = await run(plans.flatMap((p) => p.inputs));
  let next = 0;
  for (const { row, metric, ctx, inputs } of plans) {
    const value = metric.value(ctx, outputs.slice(next, next + inputs.length));
    next += inputs.length;
    row.metrics.push({ id: metric.id, label: metric.label, better: metric.better, description: metric.description, operator, value });
  }
}
