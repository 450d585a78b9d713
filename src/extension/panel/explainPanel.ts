/**
 * The host side of the explain panel: creates (or revives) the webview, gives it a strict CSP with a fresh nonce and
 * only the extension's own assets, and passes typed messages both ways. It holds no explanation logic.
 */
import * as vscode from 'vscode';
import { makeNonce, panelHtml } from './panelHtml';
import type { HostMessage, PanelState, WebviewMessage } from './webviewProtocol';

export const PANEL_VIEW_TYPE = 'polarityLens.explain';

/** Where the webview's assets live, relative to the extension root (the only folders it may load from). */
const ASSET_ROOTS = ['dist/webview', 'media'];

export class ExplainPanel implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    onMessage: (message: WebviewMessage) => void,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: ASSET_ROOTS.map((p) => vscode.Uri.joinPath(extensionUri, p)) };
    const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    webview.html = panelHtml({
      scriptUri: asset('dist', 'webview', 'main.js'),
      styleUris: [asset('dist', 'webview', 'codicon.css'), asset('media', 'panel.css')],
      cspSource: webview.cspSource,
    }, makeNonce());
    this.subscriptions.push(
      webview.onDidReceiveMessage(onMessage),
      panel.onDidDispose(() => {
        this.disposed = true;
        this.subscriptions.forEach((s) => s.dispose());
        onDispose();
      }),
    );
  }

  static create(extensionUri: vscode.Uri, onMessage: (m: WebviewMessage) => void, onDispose: () => void): ExplainPanel {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Polarity Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: ASSET_ROOTS.map((p) => vscode.Uri.joinPath(extensionUri, p)),
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    return new ExplainPanel(panel, extensionUri, onMessage, onDispose);
  }

  /** A panel VS Code restored after a reload: same webview, fresh HTML; the webview renders its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, onMessage: (m: WebviewMessage) => void, onDispose: () => void): ExplainPanel {
    return new ExplainPanel(panel, extensionUri, onMessage, onDispose);
  }

  post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    if (!this.disposed) this.panel.dispose();
  }
}

/** A saved state is only trusted as far as its shape: a reload must not crash on an older or damaged state. */
export function isPanelState(value: unknown): value is PanelState {
  const s = value as Partial<PanelState> | undefined;
  return !!s && typeof s === 'object' && !!s.result && typeof s.result.text === 'string' && typeof s.result.model?.dir === 'string'
    && !!s.settings && Array.isArray(s.settings.explainers);
}
