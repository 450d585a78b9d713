/**
 * The dataset report's HTML document, in two forms: the live webview (the explain panel's document with the report
 * bundle: same CSP, nonce and codicon sheet) and the exported file (one self-contained page: script, styles and the
 * report inlined under a fresh nonce, nothing fetched). Node only; no vscode import, so tests build both.
 *
 * As in panelHtml.ts the page carries no data as HTML: the report's one way in is the JSON island, escaped so that
 * `</script>` or `<!--` in a dataset's text cannot end it, and the app builds every node with textContent.
 */
import type { ReportView } from '../../core/dataset/datasetReport';
import { escapeHtml, inlineScript, inlineStyle, jsonForScript, makeNonce, panelHtml, PanelAssets } from '../panel/panelHtml';
import { REPORT_STANDALONE_DATA_ID, ReportViewState, StandaloneReportData } from './reportProtocol';

/** scriptUri: dist/webview/report.js; styleUris: dist/webview/codicon.css, media/panel.css, media/report.css. */
export type ReportAssets = PanelAssets;

/** The live webview's document (the panel's skeleton and CSP; only the script differs). */
export function reportHtml(assets: ReportAssets, nonce: string): string {
  return panelHtml(assets, nonce);
}

/** The bundle inlined into an exported page: dist/webview/report.js and the stylesheets (panel.css, then report.css). */
export interface ReportBundle {
  script: string;
  css: string | readonly string[];
}

/** The exported page: no remote source at all (the CSP allows the nonce and data: URLs only). */
export function standaloneReportHtml(view: ReportView, bundle: ReportBundle, viewState?: Partial<ReportViewState>, nonce: string = makeNonce()): string {
  const n = escapeHtml(nonce);
  const csp = ["default-src 'none'", 'img-src data:', 'font-src data:', `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  const title = `Polarity Lens report: ${view.model.name} on ${view.dataset.path}`;
  const sheets = typeof bundle.css === 'string' ? [bundle.css] : bundle.css;
  const data: StandaloneReportData = viewState ? { report: view, view: viewState } : { report: view };
  // The exported file ships no source map, so the bundle's trailing sourceMappingURL comment is dropped.
  const script = bundle.script.replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)};">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    '<meta name="generator" content="Polarity Lens">',
    `<title>${escapeHtml(title)}</title>`,
    ...sheets.map((css) => `<style nonce="${n}">\n${inlineStyle(css)}\n</style>`),
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script type="application/json" id="${REPORT_STANDALONE_DATA_ID}">${jsonForScript(data)}</script>`,
    `<script nonce="${n}">\n${inlineScript(script)}\n</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
