/**
 * The host side of a Polarity Lens webview panel (the explain panel, the dataset report): creates or revives the
 * webview, gives it a strict CSP with a fresh nonce and only the extension's own assets, and passes typed messages
 * both ways. It holds no logic of either panel.
 */
import * as vscode from 'vscode';
import { makeNonce, panelHtml } from './panelHtml';

/** Where webview assets live, relative to the extension root (the only folders a webview may load from). */
const ASSET_ROOTS = ['dist/webview', 'media'];

export interface WebviewPage {
  viewType: string;
  title: string;
  /** The bundle under dist/webview and the stylesheets under media/ (codicons are always loaded first). */
  script: string;
  styles: string[];
}

export class WebviewHost<HostMessage, WebviewMessage> implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: WebviewPage, onMessage: (m: WebviewMessage) => void, onDispose: () => void) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: ASSET_ROOTS.map((p) => vscode.Uri.joinPath(extensionUri, p)) };
    const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    webview.html = panelHtml({
      scriptUri: asset('dist', 'webview', page.script),
      styleUris: [asset('dist', 'webview', 'codicon.css'), ...page.styles.map((s) => asset('media', s))],
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

  static create<H, W>(extensionUri: vscode.Uri, page: WebviewPage, onMessage: (m: W) => void, onDispose: () => void): WebviewHost<H, W> {
    const panel = vscode.window.createWebviewPanel(page.viewType, page.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: ASSET_ROOTS.map((p) => vscode.Uri.joinPath(extensionUri, p)),
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    return new WebviewHost<H, W>(panel, extensionUri, page, onMessage, onDispose);
  }

  /** A panel VS Code restored after a reload: same webview, fresh HTML; the webview renders its saved state. */
  static revive<H, W>(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: WebviewPage, onMessage: (m: W) => void, onDispose: () => void): WebviewHost<H, W> {
    return new WebviewHost<H, W>(panel, extensionUri, page, onMessage, onDispose);
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
