/**
 * The dataset report's webview app (dist/webview/report.js). In VS Code it restores the saved view choices, tells
 * the host it is ready and draws the report the host sends; in an exported HTML file it draws the embedded report,
 * read-only.
 */
import { adoptBrowserTheme } from './app/theme';
import { createReportBridge } from './report/app/reportBridge';
import { ReportApp } from './report/app/reportApp';

function start(): void {
  const bridge = createReportBridge();
  if (!bridge.live) adoptBrowserTheme();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new ReportApp(root, bridge);
  app.start(bridge.initial());
  bridge.onMessage((message) => app.onMessage(message));
  bridge.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
