import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, inlineScript, jsonForScript, makeNonce, panelHtml } from '../../src/pages/shared/pageHtml';
import { standaloneHtml } from '../../src/pages/explain/explainHtml';
import { STANDALONE_DATA_ID } from '../../src/pages/explain/explainProtocol';
import type { PanelState } from '../../src/pages/explain/explainProtocol';
import { fakeResult } from './fakeResult';
import { islandText } from './jsonIsland';

const HOSTILE = '</script><script>alert(1)</script> <!-- & \u2028 \u2029 "quotes"';

function hostileState(): PanelState {
  const result = fakeResult([{ id: 'a' }]);
  result.text = HOSTILE;
  result.units[0].text = '</script><script>alert(1)</script>';
  result.model.name = 'toy <b>"model"</b> & co';
  return {
    result,
    settings: { explainers: ['a'], operator: 'delete', granularity: 'word', objective: 'probability', igSteps: 20 },
    catalog: { explainers: [], operators: [] },
    view: { sort: { column: 'violationMean', descending: true }, attentionLayer: 0, attentionHead: 'mean' },
  };
}

const island = (html: string): string => islandText(html, STANDALONE_DATA_ID);

describe('panel HTML documents', () => {
  it('keeps a state whose text contains </script><script>… inside the JSON island, and reads it back intact', () => {
    const state = hostileState();
    const html = standaloneHtml(state, { script: 'console.log("app")', styles: ['body { color: red; }'] }, 'N0NCE');
    const json = island(html);
    assert.doesNotMatch(json, /<|>|\u2028|\u2029/);
    assert.deepEqual(JSON.parse(json), state, 'the island ends where it should and parses back to the state');
    // Only two script elements open: the island and the app (the data's <script> never becomes one).
    assert.equal(html.match(/<script/gi)?.length, 2);
    assert.doesNotMatch(html, /alert\(1\)<\/script>/);
  });

  it('escapes the title and puts everything inline under one nonce with no remote source', () => {
    const html = standaloneHtml(
      hostileState(),
      { script: 'var a = "</script>"; var b = "<!--";', styles: ['a::after { content: "</style>"; }'] },
      'N0NCE',
    );
    assert.match(
      html,
      /<title>Polarity Lens: toy &lt;b&gt;&quot;model&quot;&lt;\/b&gt; &amp; co predicts positive<\/title>/,
    );
    assert.match(
      html,
      /content="default-src 'none'; img-src data:; font-src data:; style-src 'nonce-N0NCE'; script-src 'nonce-N0NCE';"/,
    );
    assert.match(html, /<style nonce="N0NCE">/);
    assert.match(html, /<script nonce="N0NCE">/);
    assert.doesNotMatch(html, /\b(src|href)=/i, 'nothing is fetched');
    assert.equal(html.match(/<\/script/gi)?.length, 2, 'the inlined code cannot close its element');
    assert.equal(html.match(/<\/style/gi)?.length, 1);
  });

  it('rewrites </script and <!-- in inline code without changing what the code does', () => {
    const code = 'globalThis.out = ["</script>", "</SCRIPT x>", "<!--", /<\\/script>/.source, `<!-- ${1 + 1}`];';
    const safe = inlineScript(code);
    assert.doesNotMatch(safe, /<\/script|<!--/i);
    const run = (c: string): unknown =>
      // Running the rewritten code is the test: it must still evaluate to the same values.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      new Function(`const globalThis = {}; ${c.replace('globalThis.out =', 'return')}`)();
    assert.deepEqual(run(safe), run(code));
  });

  it('writes JSON that parses back to the same value', () => {
    const value = { s: HOSTILE, n: [1, 2.5, -3e-7], nested: { '<k>': '&' } };
    assert.deepEqual(JSON.parse(jsonForScript(value)), value);
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), `&lt;a href=&quot;x&quot;&gt;'&amp;'&lt;/a&gt;`);
  });

  it('builds the live document with everything inline under one nonce, the codicon sheet id vscode-elements looks for, and nothing to fetch', () => {
    const html = panelHtml(
      {
        script: 'var a = "</script>";\n//# sourceMappingURL=main.js.map\n',
        styles: ['.panel { color: red; }'],
        codicons: '@font-face { font-family: "codicon"; src: url("data:font/ttf;base64,AAAA"); }',
      },
      'abc123',
    );
    assert.match(
      html,
      /content="default-src 'none'; img-src data:; font-src data:; style-src 'nonce-abc123'; script-src 'nonce-abc123';"/,
    );
    assert.match(html, /<style id="vscode-codicon-stylesheet" nonce="abc123">\n@font-face/);
    assert.equal(html.match(/id="vscode-codicon-stylesheet"/g)?.length, 1);
    assert.match(html, /<style nonce="abc123">\n\.panel \{ color: red; \}/);
    assert.match(html, /<script nonce="abc123">\nvar a = "<\\\/script>";/);
    assert.equal(html.match(/<\/script/gi)?.length, 1, 'the inlined code cannot close its element');
    assert.doesNotMatch(
      html,
      /\b(src|href)=/i,
      'nothing is fetched (the service worker that would serve it is not always ready)',
    );
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline styles or handlers');
  });

  it('makes a fresh, unguessable nonce each time', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(a, makeNonce());
  });
});
