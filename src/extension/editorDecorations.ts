/**
 * Colours the explained range in the editor by one explainer's weights, with a hover per unit. Decorations clear when
 * the document changes (offsets would no longer match) and come back when the editor is shown again.
 */
import * as vscode from 'vscode';
import type { ExplainResult } from '../core/views';
import { decorationPlan, DecorationPlan, LEVELS, Tint } from './decorationPlan';

// The panel's colour-blind-safe palette (webview/shared/colorScale.ts): orange claims support for ŷ, blue claims
// suppression; unsigned weights, which can only claim support, use the orange ramp. Translucent tints, so they read on
// light, dark and high-contrast themes alike.
const RGB: Record<Tint, string> = { positive: '230, 97, 1', negative: '33, 102, 172', unsigned: '230, 97, 1' };

interface Shown {
  uri: string;
  plan: DecorationPlan;
}

export class EditorDecorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  private readonly topType = vscode.window.createTextEditorDecorationType({
    borderWidth: '0 0 2px 0',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('editorCursor.foreground'),
  });
  /** Zero-weight units get no tint but keep their hover. */
  private readonly hoverOnlyType = vscode.window.createTextEditorDecorationType({});
  private shown: Shown | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.shown && e.document.uri.toString() === this.shown.uri && e.contentChanges.length) this.clear();
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((ed) => this.apply(ed))),
    );
  }

  /** Shows `explainer`'s weights over the explained text; returns an error message instead when it has none. */
  show(uri: vscode.Uri, offset: number, result: ExplainResult, explainer: string): string | undefined {
    const plan = decorationPlan(result, explainer, offset);
    if ('error' in plan) return plan.error;
    this.clear();
    this.shown = { uri: uri.toString(), plan };
    vscode.window.visibleTextEditors.forEach((ed) => this.apply(ed));
    return undefined;
  }

  get explainer(): string | undefined {
    return this.shown?.plan.explainer.id;
  }

  clear(): void {
    this.shown = undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      for (const type of [...this.types.values(), this.hoverOnlyType, this.topType]) editor.setDecorations(type, []);
    }
  }

  private type(tint: Tint, level: number): vscode.TextEditorDecorationType {
    const key = `${tint}:${level}`;
    let type = this.types.get(key);
    if (!type) {
      type = vscode.window.createTextEditorDecorationType({
        backgroundColor: `rgba(${RGB[tint]}, ${(0.12 + 0.5 * (level / LEVELS)).toFixed(2)})`,
        borderRadius: '2px',
      });
      this.types.set(key, type);
    }
    return type;
  }

  private apply(editor: vscode.TextEditor): void {
    if (!this.shown || editor.document.uri.toString() !== this.shown.uri) return;
    const { document } = editor;
    const byType = new Map<vscode.TextEditorDecorationType, vscode.DecorationOptions[]>(
      [...this.types.values()].map((t) => [t, []]),
    );
    byType.set(this.hoverOnlyType, []);
    byType.set(this.topType, []);
    for (const unit of this.shown.plan.units) {
      const range = new vscode.Range(document.positionAt(unit.start), document.positionAt(unit.end));
      const hoverMessage = new vscode.MarkdownString();
      // appendText escapes Markdown: unit text comes from the user's file and must not render as links or HTML.
      unit.hover.forEach((line, i) => hoverMessage.appendText(i ? `\n\n${line}` : line));
      const tinted = unit.level > 0 ? this.type(unit.tint, unit.level) : this.hoverOnlyType;
      if (!byType.has(tinted)) byType.set(tinted, []);
      byType.get(tinted)!.push({ range, hoverMessage });
      if (unit.top) byType.get(this.topType)!.push({ range });
    }
    for (const [type, ranges] of byType) editor.setDecorations(type, ranges);
  }

  dispose(): void {
    this.clear();
    [...this.types.values(), this.hoverOnlyType, this.topType].forEach((t) => t.dispose());
    for (const s of this.subscriptions) s.dispose();
  }
}
