/**
 * The dataset report's webview app (dist/webview/report.js). In VS Code it restores the saved view choices, tells
 * the host it is ready and draws the report the host sends; in an exported HTML file it draws the embedded report,
 * read-only.
 */
import type {
  ReportHostMessage,
  ReportSavedState,
  ReportWebviewMessage,
  StandaloneReportData,
} from '../../src/pages/report/reportProtocol';
import { REPORT_STANDALONE_DATA_ID } from '../../src/pages/report/reportProtocol';
import { createBridge } from '../shared/bridge';
import { adoptBrowserTheme } from '../shared/theme';
import { ReportApp } from './app/reportApp';
import { isReportHostMessage, isSavedState, isStandaloneData } from './logic/reportModel';

function start(): void {
  const bridge = createBridge<ReportSavedState, StandaloneReportData, ReportHostMessage, ReportWebviewMessage>({
    dataId: REPORT_STANDALONE_DATA_ID,
    isSaved: isSavedState,
    isEmbedded: isStandaloneData,
    isHostMessage: isReportHostMessage,
  });
  if (!bridge.live) adoptBrowserTheme();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new ReportApp(root, bridge);
  // The exported page embeds the report and its view; the live webview saved only the view (the host sends the report).
  const embedded = bridge.embedded();
  app.start(embedded ? { report: embedded.report, view: embedded.view } : { view: bridge.saved()?.view });
  bridge.onMessage((message) => app.onMessage(message));
  bridge.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
