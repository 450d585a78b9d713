/**
 * The explain panel's page: its view type, bundle and styles (the hosting itself is WebviewHost's), and the check
 * that a restored state has the right shape.
 */
import type { WebviewHost, WebviewPage } from './webviewHost';
import type { HostMessage, PanelState, WebviewMessage } from './webviewProtocol';

export const PANEL_VIEW_TYPE = 'polarityLens.explain';

export const EXPLAIN_PAGE: WebviewPage = { viewType: PANEL_VIEW_TYPE, title: 'Polarity Lens', script: 'main.js', styles: ['panel.css'] };

export type ExplainPanel = WebviewHost<HostMessage, WebviewMessage>;

/** A saved state is only trusted as far as its shape: a reload must not crash on an older or damaged state. */
export function isPanelState(value: unknown): value is PanelState {
  const s = value as Partial<PanelState> | undefined;
  return !!s && typeof s === 'object' && !!s.result && typeof s.result.text === 'string' && typeof s.result.model?.dir === 'string'
    && !!s.settings && Array.isArray(s.settings.explainers);
}
