/**
 * The dataset report's exported HTML document (the report as a JSON island). The live webview is the shared page
 * document (pageHtml.ts's panelHtml) with the report bundle: same CSP, nonce and codicon sheet. Both inline
 * everything under a fresh nonce and fetch nothing. Node only; no vscode import, so tests build both.
 *
 * As in panelHtml.ts the page carries no data as HTML: the report's one way in is the JSON island, escaped so that
 * `</script>` or `<!--` in a dataset's text cannot end it, and the app builds every node with textContent.
 */
import type { ReportView } from '../../core/datasetRun/datasetReport';
import { makeNonce, standaloneDocument } from '../shared/pageHtml';
import { REPORT_STANDALONE_DATA_ID, ReportViewState, StandaloneReportData } from './reportProtocol';

/** The bundle inlined into an exported page: dist/webview/report.js and the stylesheets (panel.css, then report.css). */
export interface ReportBundle {
  script: string;
  css: string | readonly string[];
}

/** The exported page: the panel's self-contained document with the report (and the view it opens in) as its data. */
export function standaloneReportHtml(
  view: ReportView,
  bundle: ReportBundle,
  viewState?: Partial<ReportViewState>,
  nonce: string = makeNonce(),
): string {
  const title = `Polarity Lens report: ${view.model.name} on ${view.dataset.path}`;
  const styles = typeof bundle.css === 'string' ? [bundle.css] : bundle.css;
  const data: StandaloneReportData = viewState ? { report: view, view: viewState } : { report: view };
  return standaloneDocument({ title, dataId: REPORT_STANDALONE_DATA_ID, data, script: bundle.script, styles }, nonce);
}
