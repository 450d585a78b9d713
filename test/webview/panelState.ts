import type { ExplainResult } from '../../src/core/explain/explainResult';
import { CATALOG } from '../../src/pages/explain/catalog';
import type { PanelSettings, PanelState } from '../../src/pages/explain/explainProtocol';

/** A panel's state for `result` with the default settings (every explainer shown) and `view` over the default view. */
export function stateOf(result: ExplainResult, view: Partial<PanelState['view']> = {}): PanelState {
  const settings: PanelSettings = {
    explainers: result.explanations.map((e) => e.id),
    operator: 'delete',
    granularity: 'word',
    objective: 'probability',
    igSteps: 20,
  };
  return {
    result,
    settings,
    catalog: CATALOG,
    view: { sort: { column: 'violationMean', descending: true }, attentionLayer: 0, attentionHead: 'mean', ...view },
  };
}
