/**
 * What a change of settings makes stale. An explainer's weights depend on the text, the model, the granularity and
 * the settings it `reads`; when none of those changed, its previous row is reused instead of recomputed, so changing
 * (say) IG's steps re-runs Integrated Gradients alone.
 */
import { explainerById } from '../explainers/registry';
import type { ExplainResult, ExplanationRow } from './explainResult';
import { resolveExplainOptions, type ExplainOptions, type ResolvedExplainOptions } from './explainOptions';
import type { EngineSettingKey } from '../settings/engineSettings';
import { classIndex } from './classIndex';

/** A setting's value in a comparable form (an absent head and an averaged one are the same). */
function settingValue(o: ResolvedExplainOptions, setting: EngineSettingKey): string {
  return JSON.stringify((o as unknown as Record<string, unknown>)[setting] ?? null);
}

/** The class index `target` names in `result`'s model (undefined: its prediction); -1 when it names none. */
function targetIndex(result: ExplainResult, target: string | number | undefined): number {
  return target === undefined ? result.prediction.index : classIndex(result.model.labels, target);
}

export interface RerunPlan {
  /** Rows to pass as ExplainOptions.reuse: their weights stay, their verdicts are re-derived. */
  reuse: ExplanationRow[];
  /** Explainer ids that will actually run. */
  recompute: string[];
}

/** One earlier explanation and the options it ran with. */
export interface PastExplanation {
  result: ExplainResult;
  options: ExplainOptions;
}

/**
 * Plans the next explanation of `text` on `modelDir` with `next`, given earlier explanations (newest last; rows the
 * user hid stay reusable this way). A row is reused only from an explanation of the same text, model and granularity
 * whose settings agree with `next` on everything its explainer reads; rows whose explainer failed are never reused.
 */
export function planRerun(
  history: readonly PastExplanation[],
  modelDir: string,
  text: string,
  next: ExplainOptions,
): RerunPlan {
  const now = resolveExplainOptions(next);
  const usable = history
    .filter((h) => h.result.model.dir === modelDir && h.result.text === text)
    // Another target class is another explanation: nothing carries over. The default target is ŷ, known per result.
    .filter((h) => h.result.target.index === targetIndex(h.result, next.target))
    .map((h) => ({ result: h.result, before: resolveExplainOptions(h.options) }))
    .filter((h) => h.before.granularity === now.granularity)
    .reverse();
  const reuse: ExplanationRow[] = [];
  const recompute: string[] = [];
  for (const id of now.explainers) {
    const reads = explainerById(id).reads;
    const row = usable
      .filter((h) => reads.every((s) => settingValue(h.before, s) === settingValue(now, s)))
      .map((h) => h.result.explanations.find((r) => r.id === id && r.weights))
      .find((r) => r !== undefined);
    if (row) reuse.push(row);
    else recompute.push(id);
  }
  return { reuse, recompute };
}
