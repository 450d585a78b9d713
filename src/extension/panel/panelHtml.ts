/**
 * The explain panel's HTML document, in two forms: the live webview (assets by webview URI, a strict CSP with a
 * nonce) and the exported file (one self-contained page: script, styles and the PanelState inlined under a fresh
 * nonce, readable offline and outside VS Code). Node only; no vscode import, so tests build both. The dataset
 * report (reportHtml.ts) builds both of its forms from the same pieces.
 *
 * The page itself carries no data: the webview app builds every node with createElement/textContent from the
 * state, so HTML in the explained text stays text. The state's one way into the page is the JSON island below,
 * escaped so nothing inside it can end the <script> element.
 */
import { randomBytes } from 'node:crypto';
import type { PanelState } from './webviewProtocol';
import { STANDALONE_DATA_ID } from './webviewProtocol';

export interface PanelAssets {
  /** The webview bundle (dist/webview/main.js) as a webview URI. */
  scriptUri: string;
  /** Stylesheets as webview URIs, in order; one ending in codicon.css is the codicon sheet vscode-elements looks up by id. */
  styleUris: string[];
  /** webview.cspSource. */
  cspSource: string;
}

/** A CSP nonce: 128 random bits, base64 (letters, digits, + and /: safe in an attribute and a CSP source). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Escapes text for HTML element content and double-quoted attribute values (the only kind this module writes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/**
 * JSON that is safe inside <script type="application/json">: <, > and & become \u003c, \u003e, \u0026 (so neither
 * `</script>` nor `<!--` can appear), and U+2028/U+2029 are escaped too (valid in JSON strings, but line breaks
 * for older JavaScript parsers). JSON.parse reads the same value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Inline script text that cannot close its element or open a comment state: `</script` becomes `<\/script` and
 * `<!--` becomes `<\u0021--` (both mean the same thing in JavaScript string, regex and template contexts).
 */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\u0021--');
}

/** Inline CSS that cannot close its <style> element (`\/` is an escaped `/` in CSS). */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/** An export ships no .map file; a dangling sourceMappingURL would only make devtools fetch a missing file. */
export function withoutSourceMap(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

const isCodicon = (uri: string): boolean => /(^|\/)codicon\.css(\?|#|$)/.test(uri);

/** The live webview's document (the explain panel's and the report's: only the assets differ). */
export function panelHtml(assets: PanelAssets, nonce: string): string {
  const csp = [
    "default-src 'none'",
    `img-src ${assets.cspSource} data:`,
    `font-src ${assets.cspSource}`,
    `style-src ${assets.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = assets.styleUris
    .map((uri) => `<link rel="stylesheet"${isCodicon(uri) ? ' id="vscode-codicon-stylesheet"' : ''} nonce="${escapeHtml(nonce)}" href="${escapeHtml(uri)}">`)
    .join('\n    ');
  return htmlDocument(csp, `${links}
    <title>Polarity Lens</title>`, `<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(assets.scriptUri)}"></script>`);
}

/** The document every page shares: the CSP meta first, then its own head and body after the app's root element. */
function htmlDocument(csp: string, head: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)};">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${head}
  </head>
  <body>
    <div id="app"></div>
    ${body}
  </body>
</html>
`;
}

/** What an exported page inlines: its title, the JSON island (id and value), the app bundle and its stylesheets. */
export interface StandalonePage {
  title: string;
  dataId: string;
  data: unknown;
  script: string;
  styles: readonly string[];
}

/**
 * An exported page (the panel's or the report's): everything inline, nothing fetched (the CSP allows no source but
 * the nonce and data: URLs). The bundle's trailing sourceMappingURL is dropped.
 */
export function standaloneDocument(page: StandalonePage, nonce: string): string {
  const csp = ["default-src 'none'", 'img-src data:', 'font-src data:', `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  const styles = page.styles.map((css) => `<style nonce="${escapeHtml(nonce)}">\n${inlineStyle(css)}\n</style>`).join('\n    ');
  return htmlDocument(csp, `<meta name="generator" content="Polarity Lens">
    <title>${escapeHtml(page.title)}</title>
    ${styles}`, `<script type="application/json" id="${escapeHtml(page.dataId)}">${jsonForScript(page.data)}</script>
    <script nonce="${escapeHtml(nonce)}">
${inlineScript(withoutSourceMap(page.script))}
    </script>`);
}

/**
 * The explain panel's exported page. Pass the panel stylesheet; the codicon sheet is not needed (its icons are for
 * controls the file hides) and its relative font URL would be blocked.
 */
export function standaloneHtml(state: PanelState, files: { script: string; styles: string[] }, nonce: string = makeNonce()): string {
  const { result } = state;
  const title = `Polarity Lens: ${result.model.name} predicts ${result.prediction.label}`;
  return standaloneDocument({ title, dataId: STANDALONE_DATA_ID, data: state, script: files.script, styles: files.styles }, nonce);
}
