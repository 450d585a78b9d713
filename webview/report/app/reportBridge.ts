/**
 * Where the report's data comes from and where its messages go: the VS Code webview API when it exists (saved view
 * choices; the host sends the report after 'ready'), else the exported page's JSON island (read-only).
 * The explain panel's bridge.ts does the same for PanelState; its types are the panel's, hence this twin.
 */
import type { ReportView } from '../../../src/core/dataset/datasetReport';
import type { ReportHostMessage, ReportSavedState, ReportViewState, ReportWebviewMessage } from '../../../src/extension/report/reportProtocol';
import { REPORT_STANDALONE_DATA_ID } from '../../../src/extension/report/reportProtocol';
import { isReportHostMessage, isSavedState, isStandaloneData } from '../logic/reportModel';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface ReportBridge {
  /** false in the exported file: progress, cancel and export are hidden, nothing is posted or saved. */
  readonly live: boolean;
  /** What to draw before the host says anything: the embedded report, and the saved or embedded view. */
  initial(): { report?: ReportView; view?: Partial<ReportViewState> };
  post(message: ReportWebviewMessage): void;
  save(state: ReportSavedState): void;
  onMessage(handler: (message: ReportHostMessage) => void): void;
}

export function createReportBridge(): ReportBridge {
  const acquire = (globalThis as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi;
  return typeof acquire === 'function' ? liveBridge(acquire()) : standaloneBridge();
}

function liveBridge(api: VsCodeApi): ReportBridge {
  return {
    live: true,
    initial: () => {
      const saved = api.getState();
      return isSavedState(saved) ? { view: saved.view } : {};
    },
    post: (message) => api.postMessage(message),
    save: (state) => api.setState(state),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Only the host posts to the webview; anything not shaped like its protocol is ignored.
        if (isReportHostMessage(event.data)) handler(event.data);
      });
    },
  };
}

function standaloneBridge(): ReportBridge {
  return {
    live: false,
    initial: () => {
      const island = document.getElementById(REPORT_STANDALONE_DATA_ID);
      if (!island?.textContent) return {};
      try {
        const parsed: unknown = JSON.parse(island.textContent);
        return isStandaloneData(parsed) ? { report: parsed.report, view: parsed.view } : {};
      } catch {
        return {};
      }
    },
    post: () => undefined,
    save: () => undefined,
    onMessage: () => undefined,
  };
}
