/**
 * A webview page's HTML document, in two forms: the live webview and the exported file (with the page's state as a
 * JSON island, readable offline and outside VS Code). Both inline everything under a fresh nonce and a CSP that
 * allows nothing else: the live webview fetches no asset, because VS Code for the web serves webview resources
 * through a service worker that is not always in control when several panels are restored at once (the page then
 * loads without its script and stays blank). Node only; no vscode import, so the CLI and tests build both. The explain
 * panel (explain/explainHtml.ts) and the dataset report (report/reportHtml.ts) build their forms from these pieces.
 *
 * The page itself carries no data: the webview app builds every node with createElement/textContent from the
 * state, so HTML in the explained text stays text. The state's one way into the page is the JSON island below,
 * escaped so nothing inside it can end the <script> element.
 */
import { randomBytes } from 'node:crypto';

/** What a live page inlines: its bundle, its stylesheets, and the codicon sheet with its font embedded. */
export interface LivePage {
  /** The webview bundle (dist/webview/main.js or report.js). */
  script: string;
  /** Stylesheets under media/, in order. */
  styles: readonly string[];
  /** dist/webview/codicon-inline.css: vscode-elements looks the codicon sheet up by its element id. */
  codicons: string;
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
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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

/** Inline pages allow their own nonce and data: URLs (the embedded codicon font), nothing else. */
function inlineCsp(nonce: string): string {
  return [
    "default-src 'none'",
    'img-src data:',
    'font-src data:',
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function styleElement(css: string, nonce: string, id?: string): string {
  return `<style${id ? ` id="${escapeHtml(id)}"` : ''} nonce="${escapeHtml(nonce)}">\n${inlineStyle(css)}\n</style>`;
}

function scriptElement(code: string, nonce: string): string {
  return `<script nonce="${escapeHtml(nonce)}">\n${inlineScript(withoutSourceMap(code))}\n    </script>`;
}

/** The live webview's document (the explain panel's and the report's: only the bundle and styles differ). */
export function panelHtml(page: LivePage, nonce: string): string {
  const styles = [
    styleElement(page.codicons, nonce, 'vscode-codicon-stylesheet'),
    ...page.styles.map((css) => styleElement(css, nonce)),
  ];
  return htmlDocument(
    inlineCsp(nonce),
    `${styles.join('\n    ')}
    <title>Polarity Lens</title>`,
    scriptElement(page.script, nonce),
  );
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
  const styles = page.styles.map((css) => styleElement(css, nonce)).join('\n    ');
  return htmlDocument(
    inlineCsp(nonce),
    `<meta name="generator" content="Polarity Lens">
    <title>${escapeHtml(page.title)}</title>
    ${styles}`,
    `<script type="application/json" id="${escapeHtml(page.dataId)}">${jsonForScript(page.data)}</script>
    ${scriptElement(page.script, nonce)}`,
  );
}
