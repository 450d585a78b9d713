/**
 * Dataset rows in the editor and Open Report… (the extension glue against the vscode stub, with the real inference
 * process): after a run the dataset's editor is marked row by row, hovers and CodeLenses read the report, a change to
 * the file clears the marks, and a saved report opens in the panel with its rows marked again.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import type { DatasetReport, ReportView } from '../../src/core/datasetRun/datasetReport';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { EXPLAIN_ROW_COMMAND, type ExplainRowArgs } from '../../src/extension/rowHover';
import { rowMarks } from '../../src/extension/rowMarks';
import { disposeAll, loadExtension, startExtension } from '../helpers/extensionHarness';
import { DATA } from '../helpers/paths';
import { Position, Selection, stub, StubDocument, StubEditor, StubWebviewPanel, Uri } from '../helpers/vscodeStub';

const { activate } = loadExtension();
type Api = ReturnType<typeof activate>;
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-markers-'));
after(() => {
  disposeAll();
  rmSync(tmp, { recursive: true, force: true });
});
const rows = readLabelledCsv(join(DATA, 'sst2', 'test.csv')).slice(0, 6);
// The third text spans two lines in the file (a quoted field): the rows after it start one line further down.
const texts = rows.map((r, i) => (i === 2 ? `${r.text}\nand a second line` : r.text));
const dataset = join(tmp, 'reviews.csv');
const content = stringify([['text', 'label'], ...texts.map((t, i) => [t, rows[i].label])]);
writeFileSync(dataset, content);
const fileUri = (path: string) => Uri.file(path) as unknown as import('vscode').Uri;

type Decorated = { range: { start: Position }; renderOptions?: { after?: { contentText?: string } } };
/** Every mark drawn in `editor`: [0-based line, text after it]. */
const drawn = (editor: StubEditor): [number, string][] =>
  [...editor.decorations.values()]
    .flat()
    .map(
      (d) =>
        [(d as Decorated).range.start.line, (d as Decorated).renderOptions?.after?.contentText ?? ''] as [
          number,
          string,
        ],
    )
    .sort((a, b) => a[0] - b[0]);
const editorOn = (path: string, text = readFileSync(path, 'utf8')) =>
  new StubEditor(new StubDocument(Uri.file(path), text), new Selection(new Position(0, 0), new Position(0, 0)));
const reportPanel = (): StubWebviewPanel => stub.panels.find((p) => p.viewType === 'polarityLens.report')!;
const posted = () => reportPanel().posted as { type: string; report?: ReportView; message?: string }[];
const hover = (editor: StubEditor, line: number) =>
  stub.hoverProviders.at(-1)!.provideHover(editor.document, new Position(line, 3));
const lenses = (editor: StubEditor) => stub.codeLensProviders.at(-1)!.provideCodeLenses(editor.document);

async function waitFor(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(done(), what);
}

let api: Api;
let view: ReportView;
let editor: StubEditor;
let reportFile: string;

describe('dataset rows in the editor', () => {
  before(async () => {
    api = startExtension(activate, { explainers: ['raw-attention', 'occlusion'] });
    editor = editorOn(dataset);
    stub.showEditors([editor]); // open before the run: marked when it ends
    ({ view } = (await api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
    })) as { view: ReportView });
  });
  beforeEach(() => (stub.messages.length = 0));

  it('marks the line where each row starts, with the share of explainers that violate', () => {
    assert.equal(view.samples, texts.length);
    assert.deepEqual(
      view.sampleRows.map((s) => s.line),
      [2, 3, 4, 6, 7, 8],
      'rows after the two-line field start one line later',
    );
    const expected = rowMarks(view).map((m) => [m.line, m.text]);
    assert.deepEqual(drawn(editor), expected);
    for (const [line, text] of drawn(editor)) {
      const s = view.sampleRows.find((r) => r.line === line + 1)!;
      const violating = s.violation.filter((v) => v !== null && v > 0).length;
      assert.equal(text, `${violating ? '✗' : '✓'} ${violating}/2`);
      const firstLine = s.text.split('\n')[0].replace(/"/g, '""');
      assert.ok(editor.document.lineAt(line).text.includes(firstLine), `line ${line} holds row ${s.row}`);
    }
    assert.equal(api.rowMarks()?.path, dataset);
    // Each judged line also has its ✗ or ✓ in the gutter, from the extension's media.
    const icons = [...editor.decorations]
      .filter(([, ranges]) => ranges.length)
      .map(([type]) => (type as { options: { gutterIconPath?: { fsPath: string } } }).options.gutterIconPath?.fsPath);
    assert.ok(icons.length > 0 && icons.every((f) => f !== undefined && existsSync(f)), `${icons}`);
  });

  it("hovers a marked line with the row's prediction, gold label and verdicts; nothing on the header", async () => {
    const sample = view.sampleRows[3];
    const shown = await hover(editor, sample.line - 1);
    assert.ok(shown, 'a hover on a marked line');
    const text = shown.contents.value.replace(/\\(.)/g, '$1');
    assert.match(text, new RegExp(`row 4 \\(line ${sample.line}\\)`));
    assert.ok(
      text.includes(
        `Predicted ŷ = **${sample.prediction}**, p(ŷ) = ${sample.probability.toFixed(3)} (softmax probability)`,
      ),
      text,
    );
    assert.ok(text.includes(`gold **${sample.label}**`), text);
    assert.match(text, /\| Raw attention \| .+ \| [✗✓] Δ [−+]\d/);
    assert.match(text, /\[Explain row in panel\]\(command:polarityLens\.explainDatasetRow\?/);
    assert.deepEqual(shown.contents.isTrusted, { enabledCommands: [EXPLAIN_ROW_COMMAND] });
    assert.equal(await hover(editor, 0), undefined);
    assert.equal(await hover(editor, 4), undefined, 'the second line of a two-line field has no mark');
  });

  it('offers a CodeLens per row that opens it in the explain panel with the report’s model and explainers', async () => {
    const all = lenses(editor);
    assert.deepEqual(
      all.map((l) => l.range.start.line),
      view.sampleRows.map((s) => s.line - 1),
    );
    const lens = all[2];
    assert.equal(lens.command!.title, 'Explain row in panel');
    assert.deepEqual(lens.command!.arguments, [{ path: dataset, row: 2 }]);
    await stub.commands.get(lens.command!.command)!(...(lens.command!.arguments ?? []));
    await waitFor(() => api.lastResult()?.text === texts[2], 'the panel explains the two-line row');
    assert.equal(api.lastResult()!.model.name, view.model.name);
    assert.deepEqual(
      api.lastResult()!.explanations.map((e) => e.id),
      view.settings.explainers,
    );
  });

  it('clears the marks when the file is edited, and offers to run again', () => {
    const scratch = editorOn(dataset);
    stub.showEditors([scratch]);
    assert.ok(drawn(scratch).length > 0);
    scratch.document.edit(`${content}extra,positive\n`);
    assert.deepEqual(drawn(scratch), []);
    assert.equal(api.rowMarks(), undefined);
    assert.deepEqual(lenses(scratch), []);
    assert.match(stub.messages.at(-1)!.text, /reviews\.csv changed \(it was edited\), so its row markers were cleared/);
  });

  it('Open Report… shows a saved report in the panel and marks its rows again; an exported report opens from the palette', async () => {
    reportFile = (await api.exportReport('json', async () => 'overwrite'))!;
    assert.match(reportFile, /reviews\.polarity-lens\.report\.json$/);
    stub.openDialog = () => [Uri.file(reportFile)];
    const fresh = editorOn(dataset);
    stub.showEditors([fresh]);
    const outcome = (await stub.commands.get('polarityLens.openReport')!()) as { view: ReportView };
    assert.deepEqual(outcome.view.sampleRows, view.sampleRows);
    assert.equal(posted().at(-2)!.report!.createdAt, view.createdAt);
    assert.equal(posted().at(-1)!.type, 'finished');
    assert.deepEqual(
      drawn(fresh),
      rowMarks(view).map((m) => [m.line, m.text]),
    );
    const shown = await hover(fresh, view.sampleRows[0].line - 1);
    assert.match(shown!.contents.value, /Raw attention/, 'the hover reads the opened report');
    // An opened report has no run here to repeat: "Run Again Measuring Everything" says how to get one instead.
    const before = posted().length;
    reportPanel().send({ type: 'measureAll' });
    await new Promise((r) => setTimeout(r, 50));
    assert.match(stub.messages.at(-1)!.text, /this report was opened from a file\. To compute what it lacks, run/);
    assert.equal(posted().length, before, 'nothing runs');
  });

  it('opens a report whose dataset changed without marking it, and says why', async () => {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DatasetReport;
    const changed = join(tmp, 'changed.csv');
    writeFileSync(
      changed,
      stringify([['text', 'label'], ['a new first row', 'positive'], ...texts.map((t, i) => [t, rows[i].label])]),
    );
    const other = join(tmp, 'changed.report.json');
    writeFileSync(other, JSON.stringify({ ...report, dataset: { ...report.dataset, path: changed } }));
    const outcome = await api.openReport(fileUri(other));
    assert.ok(outcome && 'view' in outcome);
    assert.equal(api.rowMarks(), undefined);
    assert.match(
      stub.messages.at(-1)!.text,
      /its rows are not marked in the dataset because the text of row 1 \(line 2\) changed/,
    );
    // Its exports are named after the dataset found; one whose dataset is nowhere exports beside the report.
    assert.equal(await api.exportReport('md'), join(tmp, 'changed.polarity-lens.summary.md'));
    const away = join(tmp, 'away');
    mkdirSync(away);
    writeFileSync(
      join(away, 'r.json'),
      JSON.stringify({ ...report, dataset: { ...report.dataset, path: '/gone/x.csv' } }),
    );
    await api.openReport(fileUri(join(away, 'r.json')));
    assert.match(stub.messages.at(-1)!.text, /because its dataset \/gone\/x\.csv is not there, nor beside the report/);
    assert.equal(await api.exportReport('md'), join(away, 'x.polarity-lens.summary.md'));
  });

  it('refuses a file that is not a report with a clear error, and keeps the report shown', async () => {
    await api.openReport(fileUri(reportFile));
    const before = posted().length;
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DatasetReport;
    const cases: [string, string, RegExp][] = [
      ['broken.json', '{"schema": ', /broken\.json is not valid JSON/],
      ['result.json', JSON.stringify({ schema: 'polarity-lens/explain@2' }), /is one explanation/],
      [
        'newer.json',
        JSON.stringify({ ...report, schema: 'polarity-lens/dataset-report@3' }),
        /written by a newer Polarity Lens/,
      ],
    ];
    for (const [name, text, message] of cases) {
      writeFileSync(join(tmp, name), text);
      const outcome = await api.openReport(fileUri(join(tmp, name)));
      assert.ok(outcome && 'error' in outcome, name);
      assert.equal(stub.messages.at(-1)!.level, 'error');
      assert.match(stub.messages.at(-1)!.text, message);
    }
    assert.equal(posted().length, before, 'the panel still shows the last report');
    assert.equal(api.rowMarks()?.path, dataset, 'and its marks');
  });

  it('a link from a report no longer shown is refused, and a file changed on disk loses its marks when shown', async () => {
    const stale: ExplainRowArgs = { path: join(tmp, 'elsewhere.csv'), row: 0 };
    await stub.commands.get(EXPLAIN_ROW_COMMAND)!(stale);
    assert.match(stub.messages.at(-1)!.text, /belongs to a report that is no longer shown/);
    appendFileSync(dataset, 'one more,positive\n');
    const later = editorOn(dataset);
    stub.showEditors([later]);
    assert.deepEqual(drawn(later), []);
    assert.match(stub.messages.at(-1)!.text, /changed \(it changed on disk\)/);
  });

  it('a report panel revived after a reload reads its report file again', async () => {
    const kept = [...stub.workspaceState];
    startExtension(activate, { explainers: ['raw-attention', 'occlusion'] });
    kept.forEach(([k, v]) => stub.workspaceState.set(k, v));
    const panel = new StubWebviewPanel('polarityLens.report', {});
    await stub.serializers.get('polarityLens.report')!.deserializeWebviewPanel(panel, { view: {} });
    const messages = panel.posted as { type: string; report?: ReportView }[];
    await waitFor(() => messages.some((m) => m.type === 'finished'), 'the revived panel is filled');
    assert.equal(messages.filter((m) => m.type === 'report').at(-1)?.report?.createdAt, view.createdAt);
  });
});
