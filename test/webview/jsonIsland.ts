/** Reads an exported page's JSON island back as an HTML parser would, for the panel's and the report's HTML tests. */
import assert from 'node:assert/strict';

/** The text between the island's opening tag and the first `</script` after it. */
export function islandText(html: string, dataId: string): string {
  const open = `<script type="application/json" id="${dataId}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0, 'the page has the JSON island');
  const from = start + open.length;
  return html.slice(from, html.toLowerCase().indexOf('</script', from));
}
