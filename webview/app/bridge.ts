/**
 * Where the panel's state comes from and where its messages go: the VS Code webview API when it exists, else the
 * exported file's embedded JSON island (read-only: nothing to post to, nothing to persist).
 */
import type { HostMessage, PanelState, WebviewMessage } from '../../src/extension/panel/webviewProtocol';
import { STANDALONE_DATA_ID } from '../../src/extension/panel/webviewProtocol';
import { isHostMessage, isPanelState } from '../logic/panelModel';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Defined by VS Code in a webview, once per page.
  // eslint-disable-next-line no-var
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

export interface Bridge {
  /** false in the exported file: controls, cancel, export and decorate are hidden. */
  readonly live: boolean;
  /** The state to draw before the host says anything (saved by setState, or embedded in the file). */
  initialState(): PanelState | undefined;
  post(message: WebviewMessage): void;
  save(state: PanelState): void;
  onMessage(handler: (message: HostMessage) => void): void;
}

export function createBridge(): Bridge {
  const acquire = globalThis.acquireVsCodeApi;
  return typeof acquire === 'function' ? liveBridge(acquire()) : standaloneBridge();
}

function liveBridge(api: VsCodeApi): Bridge {
  return {
    live: true,
    initialState: () => {
      const saved = api.getState();
      return isPanelState(saved) ? saved : undefined;
    },
    post: (message) => api.postMessage(message),
    save: (state) => api.setState(state),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Only the host posts to the webview; anything not shaped like its protocol is ignored.
        if (isHostMessage(event.data)) handler(event.data);
      });
    },
  };
}

function standaloneBridge(): Bridge {
  return {
    live: false,
    initialState: () => {
      const island = document.getElementById(STANDALONE_DATA_ID);
      if (!island?.textContent) return undefined;
      try {
        const parsed: unknown = JSON.parse(island.textContent);
        return isPanelState(parsed) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    post: () => undefined,
    save: () => undefined,
    onMessage: () => undefined,
  };
}
