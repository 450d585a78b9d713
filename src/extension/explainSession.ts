/**
 * Ties the pieces together for Explain Selection: the text, the model, the run, the panel, the editor colours and the
 * status bar. It keeps the last explanation so the panel's controls re-run only what changed.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { PartialExplanation, PastExplanation, planRerun, withPart, type ExplainResult } from '../core/views';
import { explainOptions, ExtensionSettings, readSettings, type SampleEngineSettings } from './config';
import type { EditorDecorations } from './editorDecorations';
import type { ExplainRunner, JobOutcome } from './explainRunner';
import type { WireExplainOptions, WireLoadOptions } from './inference/protocol';
import { currentModel, ModelChoice, ModelChoiceDeps } from './modelChoice';
import { EXPLAIN_PAGE, ExplainPanel } from './webviews/explainPanel';
import { ExplanationRecipe, ModelRef, newRevision, PanelMemory } from './panelMemory';
import { WebviewHost } from './webviews/webviewHost';
import { CATALOG } from '../pages/explain/catalog';
import { standaloneHtml } from '../pages/explain/explainHtml';
import type { PanelSettings, PanelState, PanelViewState, WebviewMessage } from '../pages/explain/explainProtocol';
import type { ModelStatusBar } from './statusBar';
import { showError } from './showError';
import { textToExplain } from './textToExplain';
import { pickComparisonModel } from './comparisonModel';

/**
 * The `polarityLens` settings. `polarityLens.model` is resource-scoped (a folder can choose its model); null asks for
 * the value that applies to the workspace as a whole, which is what Explain and dataset runs use.
 */
export function polarityLensConfiguration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('polarityLens', null);
}

interface LastExplanation {
  result: ExplainResult;
  options: WireExplainOptions;
  load: WireLoadOptions;
  settings: PanelSettings;
  /** "the selection", "row 4 of test.csv". */
  what: string;
  /** ISO time the result was computed. */
  explainedAt: string;
  /** Where the text sits in its document and the document's version then (unknown after a reload). */
  source?: { uri: vscode.Uri; offset: number; version: number };
}

/** One explanation to compute: a recipe (the text, the model and every setting it runs with), and where it came from. */
type ExplainSpec = Pick<ExplanationRecipe, 'text' | 'what' | 'model' | 'options' | 'load' | 'settings'> & {
  source?: LastExplanation['source'];
  /** The explainer to colour the editor with, when there is an editor range. */
  editorExplainer?: string;
  /** It runs again after a window reload because its result was not kept. */
  restoring?: boolean;
};

export interface SessionDeps {
  extensionUri: vscode.Uri;
  runner: ExplainRunner;
  decorations: EditorDecorations;
  statusBar: ModelStatusBar;
  models: ModelChoiceDeps;
  /** Where the panel's content is remembered across window reloads. */
  memory: PanelMemory;
  log: vscode.LogOutputChannel;
  /** Browse… for a model folder, checked (Select Model's): the comparison's second model may be one. */
  browseModel(): Promise<string | undefined>;
}

export class ExplainSession implements vscode.Disposable {
  private panel: ExplainPanel | undefined;
  private last: LastExplanation | undefined;
  /** Earlier explanations of the same text (newest last), whose rows a re-run may reuse. */
  private history: PastExplanation[] = [];
  /** The panel's controls, once the user has touched them; until then the settings decide. */
  private panelSettings: PanelSettings | undefined;
  /** The last explanation came back from the panel memory (a revived panel), not from a run in this window. */
  private restored = false;
  /** What the run in flight is doing, for a webview that loads while it runs. */
  private busyLabel = vscode.l10n.t('Explaining…');
  /** The panel's second model, while the reader compares (for this window only), and its result for the text on screen. */
  private comparing: ModelRef | undefined;
  private comparison: ExplainResult | undefined;

  constructor(private readonly deps: SessionDeps) {}

  get lastResult(): ExplainResult | undefined {
    return this.last?.result;
  }

  settings(): ExtensionSettings {
    return readSettings(polarityLensConfiguration(), (m) => {
      this.deps.log.warn(m);
      void vscode.window.showWarningMessage(vscode.l10n.t('Polarity Lens: {0}', m));
    });
  }

  model(): ModelChoice {
    return currentModel(this.deps.models);
  }

  refreshStatus(): void {
    // Quietly: Explain itself warns about settings it cannot use.
    const explainers = readSettings(polarityLensConfiguration()).panel.explainers;
    this.deps.statusBar.update(this.model(), this.last?.result, explainers);
  }

  /** The settings changed: the panel's controls follow them again. */
  settingsChanged(): void {
    this.panelSettings = undefined;
    this.refreshStatus();
  }

  /** Explain Selection: the selection (or the cursor's line) with every enabled explainer. */
  async explainSelection(): Promise<JobOutcome | undefined> {
    const settings = this.settings();
    const found = textToExplain(vscode.window, settings.maxCharacters);
    if ('error' in found) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Polarity Lens: {0}', found.error));
      return undefined;
    }
    const model = this.model();
    if (model.warning) void vscode.window.showWarningMessage(vscode.l10n.t('Polarity Lens: {0}', model.warning));
    const what =
      found.source === 'line'
        ? vscode.l10n.t('the current line')
        : found.source === 'cell'
          ? vscode.l10n.t('the notebook cell')
          : vscode.l10n.t('the selection');
    // A class chosen in the panel carries over to the next text of the same model; another model has other classes.
    const chosen = this.panelSettings ?? settings.panel;
    const { target, ...rest } = chosen;
    const panelSettings = target === undefined || this.last?.result.model.dir === model.dir ? chosen : rest;
    return this.explain({
      text: found.text,
      what,
      model: { dir: model.dir, name: model.name },
      options: explainOptions(settings, panelSettings),
      load: settings.load,
      settings: panelSettings,
      source: { uri: found.uri, offset: found.offset, version: found.version },
      editorExplainer: settings.editorExplainer,
    });
  }

  /** A dataset sample opened from a report: the same panel, with the report's model and settings; no editor to colour. */
  async explainSample(
    text: string,
    model: ModelRef,
    what: string,
    panelSettings: PanelSettings,
    engine: SampleEngineSettings,
    load: { maxTokens: number },
  ): Promise<JobOutcome> {
    this.panelSettings = panelSettings;
    const settings = this.settings();
    return this.explain({
      text,
      what,
      model,
      options: explainOptions({ ...settings, explain: { ...settings.explain, ...engine } }, panelSettings),
      load: { ...settings.load, ...load },
      settings: panelSettings,
    });
  }

  private async explain(spec: ExplainSpec): Promise<JobOutcome> {
    const { text, what, model, options, load, settings } = spec;
    const label = spec.restoring
      ? vscode.l10n.t('Explaining {0} again after the window reload (its result was not kept)…', what)
      : vscode.l10n.t('Explaining {0} with {1}…', what, model.name);
    this.busyLabel = label;
    this.showPanel().post({ type: 'busy', label });
    // Each part is drawn as it comes; the panel keeps what finished if the run is cancelled.
    let partial: PartialExplanation | undefined;
    const outcome = await this.deps.runner.run(
      { modelDir: model.dir, text, options, load, title: vscode.l10n.t('explaining {0} with {1}', what, model.name) },
      (part) => {
        partial = withPart(partial, part);
        if (partial)
          this.panel?.post({
            type: 'partial',
            result: partial.result,
            settings,
            catalog: CATALOG,
            pending: partial.pending,
          });
      },
    );
    if ('result' in outcome) {
      this.setLast({
        result: outcome.result,
        options,
        load,
        settings,
        what,
        explainedAt: new Date().toISOString(),
        source: spec.source,
      });
      this.history = [{ result: outcome.result, options }];
      this.panel?.post({
        type: 'show',
        result: outcome.result,
        settings,
        catalog: CATALOG,
        recomputed: options.explainers ?? [],
        ...(spec.restoring ? { restored: { explainedAt: this.last!.explainedAt, from: 'recomputed' } } : {}),
      });
      if (spec.source && spec.editorExplainer) this.decorate(spec.editorExplainer);
      this.refreshStatus();
      if (this.comparing) await this.compareLast();
    } else {
      this.reportFailure(outcome, partial);
    }
    return outcome;
  }

  /** The result of the second model for the text on screen (the extension's API, for tests). */
  get lastComparison(): ExplainResult | undefined {
    return this.comparison;
  }

  /**
   * Compare with a second model: `model` (a shipped name or folder; the API's way) or one the user picks. The text on
   * screen is explained with it at once, and every next text too, until the reader stops comparing.
   */
  async compareWith(model?: ModelRef): Promise<JobOutcome | undefined> {
    const last = this.last;
    if (!last) return undefined;
    const chosen =
      model ??
      (await pickComparisonModel(this.model(), last.result.model.dir, vscode.workspace.isTrusted, () =>
        this.deps.browseModel(),
      ));
    if (!chosen) return undefined;
    this.comparing = chosen;
    return this.compareLast();
  }

  stopComparing(): void {
    this.comparing = undefined;
    this.comparison = undefined;
    this.panel?.post({ type: 'comparison', result: null });
  }

  /** The second model on the text on screen, with the same settings; a model that cannot run ends the comparison. */
  private async compareLast(): Promise<JobOutcome | undefined> {
    const last = this.last;
    const model = this.comparing;
    if (!last || !model) return undefined;
    this.comparison = undefined;
    this.busyLabel = vscode.l10n.t('Explaining the same text with {0}, to compare…', model.name);
    this.panel?.post({ type: 'busy', label: this.busyLabel });
    const { reuse: _reuse, ...options } = last.options;
    const outcome = await this.deps.runner.run({
      modelDir: model.dir,
      text: last.result.text,
      options,
      load: last.load,
      title: vscode.l10n.t('comparing with {0}', model.name),
    });
    if ('result' in outcome) {
      this.comparison = outcome.result;
      this.panel?.post({ type: 'comparison', result: outcome.result });
    } else {
      if ('error' in outcome) this.comparing = undefined;
      this.reportFailure(outcome);
    }
    return outcome;
  }

  /** The explanation now on screen; remembered so a panel revived after a window reload shows it. */
  private setLast(last: LastExplanation): void {
    this.last = last;
    this.restored = false;
    const { result } = last;
    void this.deps.memory.rememberExplanation(
      {
        revision: newRevision(),
        text: result.text,
        what: last.what,
        model: { dir: result.model.dir, name: result.model.name },
        options: last.options,
        load: last.load,
        settings: last.settings,
        explainedAt: last.explainedAt,
      },
      result,
    );
  }

  /** The panel's controls changed: re-run only the explainers whose weights depend on what changed. */
  async rerun(next: PanelSettings): Promise<JobOutcome | undefined> {
    this.panelSettings = next;
    const last = this.last;
    if (!last) return undefined;
    const settings = this.settings();
    const options = explainOptions(settings, next);
    const { result } = last;
    const plan = planRerun(this.history, result.model.dir, result.text, options);
    if (plan.recompute.length === 0 && next.operator === last.settings.operator) {
      // Only explainers were hidden, shown again or reordered: every row is at hand, nothing runs.
      const shown = { ...result, explanations: plan.reuse };
      this.setLast({ ...last, result: shown, options, settings: next });
      this.panel?.post({ type: 'show', result: shown, settings: next, catalog: CATALOG, recomputed: [] });
      if (this.comparison) this.panel?.post({ type: 'comparison', result: this.comparison });
      return { result: shown, ms: 0 };
    }
    this.busyLabel =
      plan.recompute.length === 1
        ? vscode.l10n.t('Re-running 1 explainer…')
        : plan.recompute.length
          ? vscode.l10n.t('Re-running {0} explainers…', plan.recompute.length)
          : vscode.l10n.t('Re-measuring the metrics…');
    this.panel?.post({ type: 'busy', label: this.busyLabel });
    const outcome = await this.deps.runner.run({
      modelDir: result.model.dir,
      text: result.text,
      options: { ...options, reuse: plan.reuse },
      load: settings.load,
      title: vscode.l10n.t('re-running {0} explainer(s) with {1}', plan.recompute.length, result.model.name),
    });
    if ('result' in outcome) {
      this.setLast({
        ...last,
        result: outcome.result,
        options,
        load: settings.load,
        settings: next,
        explainedAt: new Date().toISOString(),
      });
      this.history = [...this.history.slice(-7), { result: outcome.result, options }];
      this.panel?.post({
        type: 'show',
        result: outcome.result,
        settings: next,
        catalog: CATALOG,
        recomputed: plan.recompute,
      });
      if (this.deps.decorations.explainer) this.decorate(this.deps.decorations.explainer);
      if (this.comparing) await this.compareLast();
    } else {
      this.reportFailure(outcome);
    }
    return outcome;
  }

  /** Colours the editor with one explainer's weights (from the panel or the settings). */
  decorate(explainer: string): void {
    const last = this.last;
    if (!last?.source) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Polarity Lens: explain the text again to colour it in the editor (its position is not known after a reload).',
        ),
      );
      return;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === last.source!.uri.toString());
    if (!document || document.version !== last.source.version) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Polarity Lens: the text changed since it was explained; explain it again to colour it.'),
      );
      return;
    }
    const error = this.deps.decorations.show(last.source.uri, last.source.offset, last.result, explainer);
    if (error) this.deps.log.warn(`editor colours: ${error}`);
  }

  /** Writes the last explanation as JSON or as a self-contained HTML page, where the user chooses. */
  async export(format: 'json' | 'html', target?: vscode.Uri, view?: PanelViewState): Promise<vscode.Uri | undefined> {
    const last = this.last;
    if (!last) return undefined;
    const base =
      last.source && last.source.uri.scheme === 'file'
        ? vscode.Uri.joinPath(last.source.uri, '..')
        : vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `polarity-lens-${last.result.model.name}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.${format}`;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
        filters: format === 'json' ? { JSON: ['json'] } : { HTML: ['html'] },
        title: vscode.l10n.t('Export the explanation as {0}', format.toUpperCase()),
      }));
    if (!uri) return undefined;
    const content = format === 'json' ? JSON.stringify(last.result, null, 2) : this.standalonePage(last, view);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
    this.deps.log.info(`exported ${format} to ${uri.toString()}`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Polarity Lens: exported to {0}', uri.fsPath || uri.toString()),
    );
    return uri;
  }

  private standalonePage(last: LastExplanation, view?: PanelViewState): string {
    const file = (...p: string[]) => readFileSync(vscode.Uri.joinPath(this.deps.extensionUri, ...p).fsPath, 'utf8');
    const state: PanelState = {
      result: last.result,
      settings: last.settings,
      catalog: CATALOG,
      view: view ?? { sort: { column: 'explainer', descending: false }, attentionLayer: 0, attentionHead: 'mean' },
      ...(this.comparison ? { comparison: this.comparison } : {}),
    };
    return standaloneHtml(state, { script: file('dist', 'webview', 'main.js'), styles: [file('media', 'panel.css')] });
  }

  /**
   * VS Code revived the panel (after a window reload, or reopening a closed one). It shows the explanation the panel
   * memory holds, the latest whatever the workbench saved of the webview; if its result was not kept, the same text
   * runs again with the same model and settings, and the panel says so. The webview's own saved state holds only the
   * reader's view choices.
   */
  async revivePanel(panel: vscode.WebviewPanel): Promise<void> {
    const recalled = this.last ? undefined : await this.deps.memory.recallExplanation();
    this.panel?.dispose();
    this.panel = WebviewHost.revive(
      panel,
      this.deps.extensionUri,
      EXPLAIN_PAGE,
      (m: WebviewMessage) => this.onMessage(m),
      () => (this.panel = undefined),
    );
    if (!recalled) return;
    const { recipe, result } = recalled;
    this.panelSettings = recipe.settings;
    if (result) {
      this.last = {
        result,
        options: recipe.options,
        load: recipe.load,
        settings: recipe.settings,
        what: recipe.what,
        explainedAt: recipe.explainedAt,
      };
      this.history = [{ result, options: recipe.options }];
      this.restored = true;
      this.refreshStatus();
      return;
    }
    this.deps.log.info(`panel: the result of ${recipe.what} was not kept; explaining it again`);
    void this.explain({ ...recipe, restoring: true });
  }

  private showPanel(): ExplainPanel {
    if (!this.panel)
      this.panel = WebviewHost.create(
        this.deps.extensionUri,
        EXPLAIN_PAGE,
        (m: WebviewMessage) => this.onMessage(m),
        () => (this.panel = undefined),
      );
    else this.panel.reveal();
    return this.panel;
  }

  private onMessage(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        // A webview that (re)loads draws nothing of its own: it gets the explanation on screen from here.
        if (this.last) {
          const { result, settings, explainedAt } = this.last;
          this.panel?.post({
            type: 'show',
            result,
            settings,
            catalog: CATALOG,
            recomputed: [],
            restored: { explainedAt, from: this.restored ? 'memory' : 'session' },
          });
          if (this.comparison) this.panel?.post({ type: 'comparison', result: this.comparison });
        }
        if (this.deps.runner.running) this.panel?.post({ type: 'busy', label: this.busyLabel });
        else if (!this.last) this.panel?.post({ type: 'empty' });
        break;
      case 'settings':
        void this.rerun(message.settings);
        break;
      case 'cancel':
        this.deps.runner.cancel();
        break;
      case 'export':
        void this.export(message.format, undefined, message.view).catch((e) =>
          this.showError(vscode.l10n.t('export failed: {0}', (e as Error).message)),
        );
        break;
      case 'decorate':
        this.decorate(message.explainer);
        break;
      case 'compare':
        void this.compareWith();
        break;
      case 'compare-off':
        this.stopComparing();
        break;
    }
  }

  /**
   * `partial`: what a streamed run had finished, which the panel keeps showing. A run stopped before any explainer
   * finished leaves only a prediction: the panel goes back to the previous result instead.
   */
  private reportFailure(outcome: { cancelled: true } | { error: string }, partial?: PartialExplanation): void {
    if (partial && partial.result.explanations.length === 0 && this.last) {
      this.panel?.post({
        type: 'show',
        result: this.last.result,
        settings: this.last.settings,
        catalog: CATALOG,
        recomputed: [],
      });
      partial = undefined;
    }
    if ('cancelled' in outcome) {
      const done = partial?.result.explanations.length ?? 0;
      const pending = partial?.pending.join(', ') || vscode.l10n.t('the metrics');
      const message =
        partial && done === 1
          ? vscode.l10n.t('Cancelled: the 1 explainer that finished is shown; not run: {0}.', pending)
          : partial && done > 0
            ? vscode.l10n.t('Cancelled: the {0} explainers that finished are shown; not run: {1}.', done, pending)
            : vscode.l10n.t('Cancelled.');
      this.panel?.post({ type: 'failed', message, cancelled: true });
      return;
    }
    this.panel?.post({ type: 'failed', message: outcome.error, cancelled: false });
    this.showError(outcome.error);
  }

  private showError(message: string): void {
    showError(this.deps.log, message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
