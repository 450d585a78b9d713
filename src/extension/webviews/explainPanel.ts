/** The explain panel's page: its view type, bundle and styles (the hosting itself is WebviewHost's). */
import * as vscode from 'vscode';
import type { WebviewHost, WebviewPage } from './webviewHost';
import type { HostMessage, WebviewMessage } from '../../pages/explain/explainProtocol';

export const PANEL_VIEW_TYPE = 'polarityLens.explain';

export const EXPLAIN_PAGE: WebviewPage = {
  viewType: PANEL_VIEW_TYPE,
  // A getter: VS Code may load the translations after this module.
  get title() {
    return vscode.l10n.t('Polarity Lens');
  },
  script: 'main.js',
  styles: ['panel.css'],
};

export type ExplainPanel = WebviewHost<HostMessage, WebviewMessage>;
