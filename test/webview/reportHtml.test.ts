import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panelHtml } from '../../src/pages/shared/pageHtml';
import { standaloneReportHtml } from '../../src/pages/report/reportHtml';
import { REPORT_STANDALONE_DATA_ID } from '../../src/pages/report/reportProtocol';
import { fakeReport, XSS_COMMENT, XSS_SCRIPT } from './fakeReport';
import { islandText } from './jsonIsland';

const HOSTILE = '</script><script>alert(1)</script> <!-- & \u2028 \u2029 "quotes"';

const island = (html: string): string => islandText(html, REPORT_STANDALONE_DATA_ID);

describe('report HTML documents', () => {
  it('keeps a report whose texts contain </script> and <!-- inside the JSON island, and reads it back intact', () => {
    const report = fakeReport({ rows: 12 });
    report.sampleRows[3].text = HOSTILE;
    report.model.name = 'toy <b>"model"</b> & co';
    const view = {
      sampleScroll: 56,
      filters: { correctness: 'wrong' as const, violation: 'any' as const, search: '</script>' },
    };
    const html = standaloneReportHtml(
      report,
      { script: 'console.log("app")', css: 'body { color: red; }' },
      view,
      'N0NCE',
    );
    const json = island(html);
    assert.doesNotMatch(json, /<|>|\u2028|\u2029/);
    assert.deepEqual(JSON.parse(json), { report, view }, 'the island ends where it should and parses back');
    assert.ok(
      report.sampleRows.some((r) => r.text.includes(XSS_SCRIPT)) &&
        report.sampleRows.some((r) => r.text.includes(XSS_COMMENT)),
    );
    assert.equal(html.match(/<script/gi)?.length, 2, 'only the island and the app open a script element');
    assert.doesNotMatch(html, /alert\(1\)<\/script>/);
    assert.doesNotMatch(html, /<!--/);
  });

  it('escapes the title, inlines everything under one nonce, and fetches nothing', () => {
    const report = fakeReport({ rows: 3 });
    report.model.name = 'toy <b>"model"</b>';
    const script = 'var a = "</script>"; var b = "<!--";\n//# sourceMappingURL=report.js.map\n';
    const html = standaloneReportHtml(
      report,
      { script, css: ['a::after { content: "</style>"; }', '.b { color: blue; }'] },
      undefined,
      'N0NCE',
    );
    assert.match(
      html,
      /<title>Polarity Lens report: toy &lt;b&gt;&quot;model&quot;&lt;\/b&gt; on data\/reviews &lt;\/script&gt;&lt;b&gt;x&lt;\/b&gt;\.csv<\/title>/,
    );
    assert.match(
      html,
      /content="default-src 'none'; img-src data:; font-src data:; style-src 'nonce-N0NCE'; script-src 'nonce-N0NCE';"/,
    );
    assert.equal(html.match(/<style nonce="N0NCE">/g)?.length, 2);
    assert.match(html, /<script nonce="N0NCE">/);
    // The island's JSON holds the dataset's own text (`<img src=x …>`, escaped); the markup around it fetches nothing.
    assert.doesNotMatch(html.replace(island(html), ''), /\b(src|href)=/i, 'nothing is fetched');
    assert.doesNotMatch(html, /sourceMappingURL/, 'no dangling source map');
    assert.equal(html.match(/<\/script/gi)?.length, 2, 'the inlined code cannot close its element');
    assert.equal(html.match(/<\/style/gi)?.length, 2);
    assert.deepEqual(JSON.parse(island(html)), { report }, 'no view: the island holds the report alone');
  });

  it('builds the live document like the panel’s: everything inline under one nonce, the codicon sheet id, the report bundle', () => {
    const html = panelHtml(
      { script: 'window.report = 1;', styles: ['.panel {}', '.report { color: blue; }'], codicons: '.codicon {}' },
      'abc123',
    );
    assert.match(
      html,
      /content="default-src 'none'; img-src data:; font-src data:; style-src 'nonce-abc123'; script-src 'nonce-abc123';"/,
    );
    assert.match(html, /<style id="vscode-codicon-stylesheet" nonce="abc123">\n\.codicon \{\}/);
    assert.match(html, /<style nonce="abc123">\n\.report \{ color: blue; \}/);
    assert.match(html, /<script nonce="abc123">\nwindow\.report = 1;/);
    assert.doesNotMatch(html, /\b(src|href)=/i, 'nothing is fetched');
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline styles or handlers');
  });
});
