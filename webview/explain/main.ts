/**
 * The explain panel's webview app. In VS Code it keeps the saved view choices, tells the host it is ready and draws
 * the explanation the host sends (a hidden or reloaded panel comes back as it was); in an exported HTML file it draws
 * the embedded state, read-only.
 */
import type { HostMessage, PanelSavedState, PanelState, WebviewMessage } from '../../src/pages/explain/explainProtocol';
import { STANDALONE_DATA_ID } from '../../src/pages/explain/explainProtocol';
import { createBridge } from '../shared/bridge';
import { PanelApp } from './app/panelApp';
import { adoptBrowserTheme } from '../shared/theme';
import { isHostMessage, isPanelSavedState, isPanelState } from './logic/panelModel';

function start(): void {
  const bridge = createBridge<PanelSavedState, PanelState, HostMessage, WebviewMessage>({
    dataId: STANDALONE_DATA_ID,
    isSaved: isPanelSavedState,
    isEmbedded: isPanelState,
    isHostMessage,
  });
  if (!bridge.live) adoptBrowserTheme();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new PanelApp(root, bridge);
  const embedded = bridge.embedded();
  if (embedded) app.load(embedded);
  else app.start(bridge.saved());
  bridge.onMessage((message) => app.onMessage(message));
  bridge.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
