/**
 * The host side of a Polarity Lens webview panel (the explain panel, the dataset report): creates or revives the
 * webview, gives it the page with every asset inlined under a strict CSP and a fresh nonce (it may load nothing, see
 * panelHtml.ts), and passes typed messages both ways. It holds no logic of either panel.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { LivePage, makeNonce, panelHtml } from '../../pages/shared/pageHtml';

/** The page's assets, read once per extension host: they change only with the extension. */
const assets = new Map<string, string>();
function readAsset(extensionUri: vscode.Uri, ...path: string[]): string {
  const file = vscode.Uri.joinPath(extensionUri, ...path).fsPath;
  let text = assets.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    assets.set(file, text);
  }
  return text;
}

function livePage(extensionUri: vscode.Uri, page: WebviewPage): LivePage {
  return {
    script: readAsset(extensionUri, 'dist', 'webview', page.script),
    styles: page.styles.map((s) => readAsset(extensionUri, 'media', s)),
    codicons: readAsset(extensionUri, 'dist', 'webview', 'codicon-inline.css'),
  };
}

export interface WebviewPage {
  viewType: string;
  title: string;
  /** The bundle under dist/webview and the stylesheets under media/ (codicons always come first). */
  script: string;
  styles: string[];
}

export class WebviewHost<HostMessage, WebviewMessage> implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    page: WebviewPage,
    onMessage: (m: WebviewMessage) => void,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [] };
    webview.html = panelHtml(livePage(extensionUri, page), makeNonce());
    this.subscriptions.push(
      webview.onDidReceiveMessage(onMessage),
      panel.onDidDispose(() => {
        this.disposed = true;
        for (const s of this.subscriptions) s.dispose();
        onDispose();
      }),
    );
  }

  static create<H, W>(
    extensionUri: vscode.Uri,
    page: WebviewPage,
    onMessage: (m: W) => void,
    onDispose: () => void,
  ): WebviewHost<H, W> {
    const panel = vscode.window.createWebviewPanel(
      page.viewType,
      page.title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    return new WebviewHost<H, W>(panel, extensionUri, page, onMessage, onDispose);
  }

  /** A panel VS Code restored after a reload: same webview, fresh HTML; the webview renders its saved state. */
  static revive<H, W>(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    page: WebviewPage,
    onMessage: (m: W) => void,
    onDispose: () => void,
  ): WebviewHost<H, W> {
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
