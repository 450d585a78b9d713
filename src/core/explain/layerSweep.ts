/**
 * The depth sweep (`--layer all`): each explainer that reads one attention layer, run at every layer with its verdicts,
 * to test the paper's claim that violations rise with depth. Run after every impact row is known, so its verdicts cost
 * no model run; the gradients of every layer come from the one backward pass the explainers already share.
 */
import type { ConstructionFacts, ExplainContext, Explainer } from '../explainers/explainer';
import type { ResolvedExplainOptions } from './explainOptions';
import type { DepthRow } from './explainResult';
import { marksOf, settingsRead, violationMean } from './runExplainers';
import { verdictRows, type ImpactSource } from './verdicts';

/** The explainers a depth sweep runs: those whose weights depend on the attention layer. */
export function layerReading(explainers: readonly Explainer[]): Explainer[] {
  return explainers.filter((e) => (e.reads as readonly string[]).includes('attentionLayer'));
}

export async function layerSweep(
  explainers: readonly Explainer[],
  layers: number,
  stage: { context: ExplainContext; settings: ResolvedExplainOptions; impacts: ImpactSource; facts: ConstructionFacts },
): Promise<DepthRow[]> {
  const rows: DepthRow[] = [];
  for (const explainer of layerReading(explainers)) {
    for (let layer = 0; layer < layers; layer++) {
      const settings = { ...stage.settings, attentionLayer: layer };
      const base = { id: explainer.id, label: explainer.label, layer };
      try {
        const { weights } = await explainer.explain(stage.context, settingsRead(explainer, settings));
        const verdicts = await verdictRows(weights, explainer.signed, stage.impacts, marksOf(explainer, stage.facts));
        rows.push({ ...base, weights, verdicts, violationMean: violationMean(verdicts) });
      } catch (e) {
        rows.push({ ...base, weights: null, error: (e as Error).message, verdicts: [], violationMean: null });
      }
    }
  }
  return rows;
}
