/**
 * What an explanation is asked for (ExplainOptions) and what it then used, every default filled in from the declared
 * settings. Kept apart from the pipeline, so front ends that only plan or describe explanations (the extension host)
 * need not load it.
 */
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { EXPLAINERS } from '../explainers/registry';
import type { Objective } from '../gradients/objective';
import { settingDefault, type EngineSettingKey } from '../settings/engineSettings';
import type { Granularity } from '../tokenize/units';
import type { ExplainPart, ExplanationRow } from './explainResult';

export interface ExplainOptions {
  /** Explainer ids; default: every explainer. */
  explainers?: string[];
  /** The operator perturbation explainers erase with; the violation test always runs the paper's three too. */
  operator?: ErasureOperatorName;
  granularity?: Granularity;
  seed?: number;
  /** Perturbed inputs per text for LIME and Kernel SHAP (default 300). */
  samples?: number;
  /** Raw attention's layer (default −1, the last; negative counts from the end) and head (default: all averaged). */
  attentionLayer?: number;
  attentionHead?: number;
  /** Compute comprehensiveness, sufficiency, AOPC, rank correlations and decision flip (default true). */
  metrics?: boolean;
  /** What gradient explainers differentiate: p(ŷ) (default) or the logit z_ŷ. */
  objective?: Objective;
  /** Integrated Gradients' steps (default 20) and baseline (default zero). */
  igSteps?: number;
  igBaseline?: 'zero' | 'pad';
  /** Checked between phases; when it returns true the explanation stops with an ExplanationCancelled error. */
  cancelled?: () => boolean;
  /**
   * Rows of an earlier explanation of the same text, model and granularity whose weights are still valid (see
   * planRerun): their explainers do not run again; verdicts are re-derived, and metrics too if the operator changed.
   */
  reuse?: ExplanationRow[];
  /** A multi-label head's label to explain (name or index); default: the label with the highest σ(z). */
  label?: string | number;
  /** Called with each part as soon as it is ready (see ExplainPart); the returned result has them all, with metrics. */
  onPart?: (part: ExplainPart) => void;
}

/** ExplainOptions with every default filled in: the settings an explanation actually used. */
export type ResolvedExplainOptions = Required<
  Omit<ExplainOptions, 'cancelled' | 'reuse' | 'attentionHead' | 'label' | 'onPart'>
> & { attentionHead?: number };

/** Every option, given or declared default (ENGINE_SETTINGS). */
export function resolveExplainOptions(options: ExplainOptions): ResolvedExplainOptions {
  const byDefault = <T>(key: EngineSettingKey, given: T | undefined): T => given ?? (settingDefault(key) as T);
  return {
    explainers: options.explainers ?? EXPLAINERS.map((e) => e.id),
    operator: byDefault('operator', options.operator),
    granularity: byDefault('granularity', options.granularity),
    seed: byDefault('seed', options.seed),
    samples: byDefault('samples', options.samples),
    attentionLayer: byDefault('attentionLayer', options.attentionLayer),
    attentionHead: options.attentionHead,
    metrics: options.metrics ?? true,
    objective: byDefault('objective', options.objective),
    igSteps: byDefault('igSteps', options.igSteps),
    igBaseline: byDefault('igBaseline', options.igBaseline),
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
