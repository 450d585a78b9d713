/**
 * The typed messages between the explain panel's host side and its webview (GitLens-style: one module both sides
 * import, type-only, so they cannot drift). The webview never sees a model or a file: only this.
 */
import type { ExplainResult } from '../../core/explain/explainResult';
import type { Granularity } from '../../core/tokenize/units';
import type { ErasureOperatorName } from '../../core/erasure/erasureOperator';
import type { Objective } from '../../core/gradients/objective';

/** The panel's controls. Changing them re-runs only the explainers whose weights depend on what changed. */
export interface PanelSettings {
  /** Explainer ids shown (and computed), in display order. */
  explainers: string[];
  /** The erasure operator perturbation explainers and metrics use (the violation test always runs the paper's three). */
  operator: ErasureOperatorName;
  granularity: Granularity;
  /** What gradient explainers differentiate: p(ŷ) or the logit z_ŷ (of the class explained). */
  objective: Objective;
  igSteps: number;
  /**
   * The class to explain, by index (a multi-label model: the label); absent: the prediction ŷ (multi-label: the most
   * likely label). Every Δ, gradient and verdict is then about that class.
   */
  target?: number;
}

/** What the controls can choose from (the engine's registries, which the webview does not bundle). */
export interface Catalog {
  explainers: { id: string; label: string; family: string; signed: boolean; citation: string }[];
  operators: { name: ErasureOperatorName; paperName?: string; description: string }[];
}

/** Sortable columns of the violation summary. */
export type SummaryColumn = 'explainer' | 'violationMean' | 'tokenLevelRate' | 'runtimeMs' | `operator:${string}`;

/** A panel's whole content: what the webview draws, and what an exported page embeds. */
export interface PanelState {
  result: ExplainResult;
  settings: PanelSettings;
  catalog: Catalog;
  view: PanelViewState;
  /** The same text explained by a second model with the same settings, shown beside the first with what differs. */
  comparison?: ExplainResult;
}

/**
 * What the webview persists with setState: the reader's view choices only. The explanation itself comes from the host
 * (its panel memory) whenever the webview loads, so a stale saved state can never show an old explanation.
 */
export interface PanelSavedState {
  view: PanelViewState;
}

/** Where a re-sent explanation comes from: the panel memory after a reload, a run after a reload, or this window. */
export interface RestoredFrom {
  /** ISO time the result was computed. */
  explainedAt: string;
  from: 'memory' | 'recomputed' | 'session';
}

/** View-only choices: changing them never runs the model. */
export interface PanelViewState {
  sort: { column: SummaryColumn; descending: boolean };
  attentionLayer: number;
  /** A head index, or 'mean' for heads averaged. */
  attentionHead: number | 'mean';
  /** The explainer whose weights colour the editor. */
  editorExplainer?: string;
  /** The operator whose Δ the impact row shows, when the reader picked one other than the settings' operator. */
  impactOperator?: string;
  /** The compact view shows every explainer, not only the paper's core ones. */
  storyAll?: boolean;
}

/** host → webview */
export type HostMessage =
  /**
   * A finished explanation; `recomputed` names the explainers that ran for it (the rest were reused). `restored`: the
   * explanation on screen sent again to a webview that (re)loaded, or explained again after a window reload.
   */
  | {
      type: 'show';
      result: ExplainResult;
      settings: PanelSettings;
      catalog: Catalog;
      recomputed: string[];
      restored?: RestoredFrom;
    }
  /** Nothing to show: a (re)loaded webview that waited for an explanation shows its empty state. */
  | { type: 'empty' }
  /** An explanation in flight: what has finished so far (see ExplainPart); `pending` lists explainers still running. */
  | { type: 'partial'; result: ExplainResult; settings: PanelSettings; catalog: Catalog; pending: string[] }
  /** A run started; the webview shows `label` and a Cancel button, and keeps showing the previous result. */
  | { type: 'busy'; label: string }
  /** A run ended without a result (failed or cancelled); the previous result stays. */
  | { type: 'failed'; message: string; cancelled: boolean }
  /** The text on screen explained by the second model (null: comparing stopped). */
  | { type: 'comparison'; result: ExplainResult | null };

/** webview → host */
export type WebviewMessage =
  /** The webview loaded (the host answers with 'show' when it has an explanation). */
  | { type: 'ready' }
  /** The user changed a control. */
  | { type: 'settings'; settings: PanelSettings }
  | { type: 'cancel' }
  /** `view`: the reader's view choices, so the exported page opens as the panel looks. */
  | { type: 'export'; format: 'json' | 'html'; view?: PanelViewState }
  /** Colour the editor's range with this explainer's weights. */
  | { type: 'decorate'; explainer: string }
  /** Explain the text on screen with a second model the user picks, and keep doing so for the next texts. */
  | { type: 'compare' }
  /** Stop comparing. */
  | { type: 'compare-off' };

/** The element id of the JSON island a standalone (exported) page reads its state from. */
export const STANDALONE_DATA_ID = 'polarity-lens-state';
