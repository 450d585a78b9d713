/**
 * What a change of settings makes stale. An explainer's weights depend on the text, the model, the granularity and
 * the settings it `reads`; when none of those changed, its previous row is reused instead of recomputed, so changing
 * (say) IG's steps re-runs Integrated Gradients alone.
 */
import type { ExplainSetting } from '../explainers/explainer';
import { explainerById } from '../explainers/registry';
import type { ExplainResult, ExplanationRow } from './explainResult';
import { resolveExplainOptions, type ExplainOptions, type ResolvedExplainOptions } from './explainText';

/** A setting's value in a comparable form. */
function settingValue(o: ResolvedExplainOptions, setting: ExplainSetting): string {
  if (setting === 'attention') return JSON.stringify([o.attentionLayer, o.attentionHead ?? null]);
  return JSON.stringify(o[setting]);
}

export interface RerunPlan {
  /** Rows to pass as ExplainOptions.reuse: their weights stay, their verdicts are re-derived. */
  reuse: ExplanationRow[];
  /** Explainer ids that will actually run. */
  recompute: string[];
}

/**
 * Plans the next explanation of `text` on `modelDir` with `next`, given the previous result and its options.
 * Nothing is reused across texts, models or granularities, or from rows whose explainer failed.
 */
export function planRerun(
  previous: { result: ExplainResult; options: ExplainOptions } | undefined,
  modelDir: string, text: string, next: ExplainOptions,
): RerunPlan {
  const now = resolveExplainOptions(next);
  if (!previous || previous.result.model.dir !== modelDir || previous.result.text !== text) return { reuse: [], recompute: now.explainers };
  const before = resolveExplainOptions(previous.options);
  if (before.granularity !== now.granularity) return { reuse: [], recompute: now.explainers };
  const reuse: ExplanationRow[] = [];
  const recompute: string[] = [];
  for (const id of now.explainers) {
    const row = previous.result.explanations.find((r) => r.id === id && r.weights);
    const stale = explainerById(id).reads.some((s) => settingValue(before, s) !== settingValue(now, s));
    if (row && !stale) reuse.push(row);
    else recompute.push(id);
  }
  return { reuse, recompute };
}
