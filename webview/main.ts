/**
 * The explain panel's webview app. In VS Code it draws the saved state at once (a hidden or reloaded panel comes
 * back as it was), then tells the host it is ready; in an exported HTML file it draws the embedded state, read-only.
 */
import type { HostMessage, PanelState, WebviewMessage } from '../src/extension/panel/webviewProtocol';
import { STANDALONE_DATA_ID } from '../src/extension/panel/webviewProtocol';
import { createBridge } from './app/bridge';
import { PanelApp } from './app/panelApp';
import { adoptBrowserTheme } from './app/theme';
import { isHostMessage, isPanelState } from './logic/panelModel';

function start(): void {
  const bridge = createBridge<PanelState, PanelState, HostMessage, WebviewMessage>({ dataId: STANDALONE_DATA_ID, isSaved: isPanelState, isEmbedded: isPanelState, isHostMessage });
  if (!bridge.live) adoptBrowserTheme();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new PanelApp(root, bridge);
  const initial = bridge.saved() ?? bridge.embedded();
  if (initial) app.load(initial);
  bridge.onMessage((message) => app.onMessage(message));
  bridge.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
