/**
 * What an explanation is asked for (ExplainOptions) and what it then used, every default filled in from the declared
 * settings. Kept apart from the pipeline, so front ends that only plan or describe explanations (the extension host)
 * need not load it.
 */
import { EXPLAINERS } from '../explainers/registry';
import { ENGINE_SETTINGS, type ExplainSettingValues } from '../settings/engineSettings';
import type { ExplainPart, ExplanationRow } from './explainResult';

/** Every declared explain setting (ENGINE_SETTINGS: operator, granularity, objective, IG, sampling, attention, …), each optional. */
export interface ExplainOptions extends Partial<ExplainSettingValues> {
  /** Explainer ids; default: every explainer. */
  explainers?: string[];
  /** Compute comprehensiveness, sufficiency, AOPC, rank correlations and decision flip (default true). */
  metrics?: boolean;
  /**
   * Erase every unit under every operator (the impact rows, and with them the token-level rates; default true). False:
   * only the erasures the verdicts need, each explainer's top unit per operator (a dataset run's `--measure verdicts`).
   */
  impactRows?: boolean;
  /** Judge Random's weights for these seeds too, top unit per paper operator (a dataset run's floor): ExplainResult.randomFloor. */
  randomFloor?: readonly number[];
  /** Checked between phases; when it returns true the explanation stops with an ExplanationCancelled error. */
  cancelled?: () => boolean;
  /**
   * Rows of an earlier explanation of the same text, model and granularity whose weights are still valid (see
   * planRerun): their explainers do not run again; verdicts are re-derived, and metrics too if the operator changed.
   */
  reuse?: ExplanationRow[];
  /**
   * The class to explain, by name or index (a multi-label head: the label): every Δ, gradient and verdict is then
   * about p(target). Default: the model's prediction ŷ (a multi-label head: the label with the highest σ(z)).
   */
  target?: string | number;
  /**
   * Also run every layer-reading explainer (those that read `attentionLayer`) at every attention layer, for the
   * paper's depth claim (`--layer all`): ExplainResult.depth.
   */
  layerSweep?: boolean;
  /** Called with each part as soon as it is ready (see ExplainPart); the returned result has them all, with metrics. */
  onPart?: (part: ExplainPart) => void;
}

/**
 * ExplainOptions with every default filled in: the settings an explanation actually used. `target` stays absent for
 * the prediction ŷ.
 */
export type ResolvedExplainOptions = ExplainSettingValues & {
  explainers: string[];
  metrics: boolean;
  /** Present (false) only when the impact rows are not computed. */
  impactRows?: false;
  randomFloor?: readonly number[];
  target?: string | number;
  layerSweep?: boolean;
};

/** Every option, given or declared default (an absent head stays absent: heads averaged). */
export function resolveExplainOptions(options: ExplainOptions): ResolvedExplainOptions {
  const given = options as Record<string, unknown>;
  const declared = Object.fromEntries(
    ENGINE_SETTINGS.filter((s) => s.scope === 'explain').map((s) => [s.key, given[s.key] ?? s.default ?? undefined]),
  ) as unknown as ExplainSettingValues;
  return {
    ...declared,
    explainers: options.explainers ?? EXPLAINERS.map((e) => e.id),
    metrics: options.metrics ?? true,
    ...(options.impactRows === false ? { impactRows: false as const } : {}),
    ...(options.randomFloor?.length ? { randomFloor: [...options.randomFloor] } : {}),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.layerSweep ? { layerSweep: true } : {}),
  };
}

/** Thrown when ExplainOptions.cancelled asked an explanation to stop. */
export class ExplanationCancelled extends Error {
  constructor() {
    super('The explanation was cancelled.');
    this.name = 'ExplanationCancelled';
  }
}

/** Throws ExplanationCancelled when `cancelled` says so (checked between stages). */
export function checkCancelled(cancelled?: () => boolean): void {
  if (cancelled?.()) throw new ExplanationCancelled();
}
