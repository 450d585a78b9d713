/** One bridge for both webviews: VS Code's webview API when it exists, else the exported file's JSON island (read-only). */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Defined by VS Code in a webview, once per page.

  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

/** What a page tells the bridge: the shapes it accepts from setState, the JSON island and the host. */
export interface BridgeShapes<Saved, Embedded, HostMessage> {
  /** The id of the exported page's JSON island. */
  dataId: string;
  isSaved(x: unknown): x is Saved;
  isEmbedded(x: unknown): x is Embedded;
  isHostMessage(x: unknown): x is HostMessage;
}

export interface Bridge<Saved, Embedded, HostMessage, WebviewMessage> {
  /** false in the exported file: whatever would post to the host (controls, cancel, export) is hidden. */
  readonly live: boolean;
  /** What the live webview saved with setState, if it is of the page's shape (never in the exported file). */
  saved(): Saved | undefined;
  /** The exported file's embedded data, if it is of the page's shape (never in the live webview). */
  embedded(): Embedded | undefined;
  post(message: WebviewMessage): void;
  save(state: Saved): void;
  onMessage(handler: (message: HostMessage) => void): void;
}

export function createBridge<Saved, Embedded, HostMessage, WebviewMessage>(
  shapes: BridgeShapes<Saved, Embedded, HostMessage>,
): Bridge<Saved, Embedded, HostMessage, WebviewMessage> {
  const acquire = globalThis.acquireVsCodeApi;
  return typeof acquire === 'function' ? liveBridge(acquire(), shapes) : standaloneBridge(shapes);
}

function liveBridge<S, E, H, W>(api: VsCodeApi, shapes: BridgeShapes<S, E, H>): Bridge<S, E, H, W> {
  return {
    live: true,
    saved: () => {
      const saved = api.getState();
      return shapes.isSaved(saved) ? saved : undefined;
    },
    embedded: () => undefined,
    post: (message) => api.postMessage(message),
    save: (state) => api.setState(state),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Only the host posts to the webview; anything not shaped like its protocol is ignored.
        if (shapes.isHostMessage(event.data)) handler(event.data);
      });
    },
  };
}

function standaloneBridge<S, E, H, W>(shapes: BridgeShapes<S, E, H>): Bridge<S, E, H, W> {
  return {
    live: false,
    saved: () => undefined,
    embedded: () => {
      const island = document.getElementById(shapes.dataId);
      if (!island?.textContent) return undefined;
      try {
        const parsed: unknown = JSON.parse(island.textContent);
        return shapes.isEmbedded(parsed) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    post: () => undefined,
    save: () => undefined,
    onMessage: () => undefined,
  };
}
