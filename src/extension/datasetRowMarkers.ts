/**
 * Marks the rows of the report on screen in its dataset file's editors: on the line where each explained row starts,
 * a ✗ or ✓ in the gutter (seen whatever the line's length) and after the line ✗ with the share of violating
 * judgements or ✓ (rowMarks.ts); a hover with the row's prediction and verdicts
 * (rowHover.ts, from the record the inference process holds); a CodeLens that opens the row in the explain panel.
 *
 * The marks belong to the file as the report read it, so they are cleared, not shifted, when it changes: an edit in
 * an editor, a reload from disk, or a file found changed on disk (size or modification time) when an editor shows it.
 * `onStale` is told once, so the user can be offered a new run.
 */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ReportView, SampleRecord } from '../core/views';
import { EXPLAIN_ROW_COMMAND, explainRowLink, HOVER_SAMPLES, rowHover, type ExplainRowArgs } from './rowHover';
import { markedRows, rowMarks, type RowMark } from './rowMarks';

/** The report whose rows are marked, and how to read a sample's full record. */
export interface MarkedReport {
  /** The dataset file as it is on disk now (the report's path, or where a saved report's dataset was found). */
  path: string;
  view: ReportView;
  record(row: number, target?: number): Promise<SampleRecord>;
}

interface Shown {
  report: MarkedReport;
  uri: string;
  marks: Map<number, RowMark>;
  /** The file's size and modification time when it was marked. */
  stamp: { size: number; mtimeMs: number } | undefined;
}

/** Gutter icons (media/rows/*.svg); none for a row no explainer could judge. */
const ICONS: Partial<Record<RowMark['kind'], string>> = {
  violates: 'violates.svg',
  consistent: 'consistent.svg',
  skipped: 'skipped.svg',
};

const COLORS: Record<RowMark['kind'], string> = {
  violates: 'editorError.foreground',
  consistent: 'testing.iconPassed',
  unjudged: 'editorCodeLens.foreground',
  skipped: 'editorWarning.foreground',
};

function fileStamp(path: string): Shown['stamp'] {
  try {
    const { size, mtimeMs } = statSync(path);
    return { size, mtimeMs };
  } catch {
    return undefined;
  }
}

export class DatasetRowMarkers implements vscode.Disposable, vscode.HoverProvider, vscode.CodeLensProvider {
  private shown: Shown | undefined;
  private readonly types: Record<RowMark['kind'], vscode.TextEditorDecorationType>;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  /** `extensionUri`: where media/rows is; `onStale`: told when the marks were cleared because the file changed. */
  constructor(
    extensionUri: vscode.Uri,
    private readonly onStale: (path: string, why: string) => void,
  ) {
    const type = (kind: RowMark['kind']) => {
      const icon = ICONS[kind];
      const color = new vscode.ThemeColor(COLORS[kind]);
      return vscode.window.createTextEditorDecorationType({
        ...(icon
          ? { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'rows', icon), gutterIconSize: '75%' }
          : {}),
        after: { margin: '0 0 0 2em', color },
        ...(kind === 'violates' || kind === 'skipped'
          ? { overviewRulerColor: color, overviewRulerLane: vscode.OverviewRulerLane.Right }
          : {}),
      });
    };
    this.types = Object.fromEntries((Object.keys(COLORS) as RowMark['kind'][]).map((k) => [k, type(k)])) as Record<
      RowMark['kind'],
      vscode.TextEditorDecorationType
    >;
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.shown && e.document.uri.toString() === this.shown.uri && e.contentChanges.length)
          this.stale(vscode.l10n.t('it was edited'));
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((ed) => this.apply(ed))),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, this),
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this),
      this.lensesChanged,
    );
  }

  /** Marks `report`'s rows in every editor of its dataset, now and whenever one is shown, until cleared. */
  show(report: MarkedReport): void {
    this.clear();
    const uri = vscode.Uri.file(report.path).toString();
    this.shown = {
      report,
      uri,
      marks: new Map(rowMarks(report.view).map((m) => [m.line, m])),
      stamp: fileStamp(report.path),
    };
    vscode.window.visibleTextEditors.forEach((ed) => this.apply(ed));
    this.lensesChanged.fire();
  }

  /** The marked file and its marks (for the API and the tests). */
  get current(): { path: string; marks: RowMark[] } | undefined {
    return this.shown && { path: this.shown.report.path, marks: [...this.shown.marks.values()] };
  }

  clear(): void {
    if (!this.shown) return;
    const { uri } = this.shown;
    this.shown = undefined;
    for (const editor of vscode.window.visibleTextEditors)
      if (editor.document.uri.toString() === uri)
        for (const type of Object.values(this.types)) editor.setDecorations(type, []);
    this.lensesChanged.fire();
  }

  private stale(why: string): void {
    const path = this.shown?.report.path;
    this.clear();
    if (path) this.onStale(path, why);
  }

  /** The marks of `document` while they still describe it, else undefined (and stale marks are cleared). */
  private marksOf(document: vscode.TextDocument): Shown | undefined {
    const shown = this.shown;
    if (!shown || document.uri.toString() !== shown.uri) return undefined;
    if (document.isDirty) {
      this.stale(vscode.l10n.t('it has unsaved changes'));
      return undefined;
    }
    const now = fileStamp(shown.report.path);
    if (!now || !shown.stamp || now.size !== shown.stamp.size || now.mtimeMs !== shown.stamp.mtimeMs) {
      this.stale(vscode.l10n.t('it changed on disk'));
      return undefined;
    }
    return shown;
  }

  private apply(editor: vscode.TextEditor): void {
    const shown = this.marksOf(editor.document);
    if (!shown) return;
    const byKind = new Map<RowMark['kind'], vscode.DecorationOptions[]>(
      (Object.keys(this.types) as RowMark['kind'][]).map((k) => [k, []]),
    );
    const lines = editor.document.lineCount;
    for (const mark of shown.marks.values()) {
      if (mark.line >= lines) continue;
      byKind.get(mark.kind)!.push({
        range: editor.document.lineAt(mark.line).range,
        renderOptions: { after: { contentText: mark.text } },
      });
    }
    for (const [kind, options] of byKind) editor.setDecorations(this.types[kind], options);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const shown = this.marksOf(document);
    const mark = shown?.marks.get(position.line);
    if (!shown || !mark) return undefined;
    const { report } = shown;
    const records = await Promise.all(
      mark.samples
        .slice(0, HOVER_SAMPLES)
        .map((s) => report.record(s.row, s.target).catch((e: Error) => ({ row: s.row, error: e.message }))),
    );
    const links = markedRows(mark)
      .slice(0, HOVER_SAMPLES)
      .map((row, _i, rows) =>
        explainRowLink(
          report.path,
          { row },
          rows.length > 1 ? vscode.l10n.t('Explain row {0} in panel', row + 1) : undefined,
        ),
      );
    const markdown = new vscode.MarkdownString(
      `${rowHover(report.view, mark, records)}${links.length ? `\n\n${links.join(' · ')}` : ''}`,
    );
    markdown.isTrusted = { enabledCommands: [EXPLAIN_ROW_COMMAND] };
    return new vscode.Hover(markdown, document.lineAt(mark.line).range);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const shown = this.marksOf(document);
    if (!shown) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const mark of shown.marks.values()) {
      if (mark.line >= document.lineCount) continue;
      const rows = markedRows(mark);
      for (const row of rows.slice(0, HOVER_SAMPLES)) {
        const args: ExplainRowArgs = { path: shown.report.path, row };
        lenses.push(
          new vscode.CodeLens(document.lineAt(mark.line).range, {
            title:
              rows.length > 1
                ? vscode.l10n.t('Explain row {0} in panel', row + 1)
                : vscode.l10n.t('Explain row in panel'),
            tooltip: vscode.l10n.t(
              "Open row {0} in the Polarity Lens panel, with the report's model and settings",
              row + 1,
            ),
            command: EXPLAIN_ROW_COMMAND,
            arguments: [args],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.clear();
    Object.values(this.types).forEach((t) => t.dispose());
    for (const s of this.subscriptions) s.dispose();
  }
}
