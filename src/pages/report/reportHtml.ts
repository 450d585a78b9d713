/**
 * The dataset report's HTML document, in two forms: the live webview (the explain panel's document with the report
 * bundle: same CSP, nonce and codicon sheet) and the exported file (the report as a JSON island as well). Both inline
 * everything under a fresh nonce and fetch nothing. Node only; no vscode import, so tests build both.
 *
 * As in panelHtml.ts the page carries no data as HTML: the report's one way in is the JSON island, escaped so that
 * `</script>` or `<!--` in a dataset's text cannot end it, and the app builds every node with textContent.
 */
import type { ReportView } from '../../core/datasetRun/datasetReport';
import { LivePage, makeNonce, panelHtml, standaloneDocument } from '../shared/pageHtml';
import { REPORT_STANDALONE_DATA_ID, ReportViewState, StandaloneReportData } from './reportProtocol';

/** The live webview's document (the panel's skeleton and CSP): dist/webview/report.js with media/panel.css and report.css. */
export function reportHtml(page: LivePage, nonce: string): string {
  return panelHtml(page, nonce);
}

/** The bundle inlined into an exported page: dist/webview/report.js and the stylesheets (panel.css, then report.css). */
export interface ReportBundle {
  script: string;
  css: string | readonly string[];
}

/** The exported page: the panel's self-contained document with the report (and the view it opens in) as its data. */
export function standaloneReportHtml(view: ReportView, bundle: ReportBundle, viewState?: Partial<ReportViewState>, nonce: string = makeNonce()): string {
  const title = `Polarity Lens report: ${view.model.name} on ${view.dataset.path}`;
  const styles = typeof bundle.css === 'string' ? [bundle.css] : bundle.css;
  const data: StandaloneReportData = viewState ? { report: view, view: viewState } : { report: view };
  return standaloneDocument({ title, dataId: REPORT_STANDALONE_DATA_ID, data, script: bundle.script, styles }, nonce);
}
