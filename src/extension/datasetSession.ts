/**
 * "Run Violation Test on Dataset": asks for the columns and rows, runs the test in the inference process behind a
 * cancellable progress notification, shows the report panel as it fills, exports report files next to the dataset
 * (never over an existing file without asking), and opens a sample in the explain panel. "Open Report…" shows a saved
 * report JSON in the same panel. The rows of the report shown are marked in its dataset's editors (datasetRowMarkers.ts).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import {
  columnsNeedConfirming,
  DATASET_EXTENSIONS,
  ENGINE_SETTINGS,
  MEASURE_IDS,
  defaultReportPath,
  formatDuration,
  freePath,
  previewDataset,
  resolveModelDir,
  type ColumnChoice,
  type DatasetPreview,
  type ReportFormat,
  type ReportView,
  type SampleSpec,
} from '../core/views';
import { explainOptions, readSettings, type SampleEngineSettings } from './config';
import type { DatasetRunRecipe, PanelMemory } from './panelMemory';
import { polarityLensConfiguration, type ExplainSession } from './explainSession';
import { currentModel, type ModelChoiceDeps } from './modelChoice';
import { formatCount, formatFixed } from './displayNumbers';
import { reportWarnings, RunWarnings, stoppedEarly } from './runWarnings';
import type { DatasetRunHandle, InferenceClient } from './inference/inferenceClient';
import type { DatasetProgress } from '../core';
import { WebviewHost, type WebviewPage } from './webviews/webviewHost';
import { DatasetRowMarkers } from './datasetRowMarkers';
import type { ExplainRowArgs } from './rowHover';
import { showError } from './showError';
import type {
  ReportHostMessage,
  ReportProgress,
  ReportViewState,
  ReportWebviewMessage,
} from '../pages/report/reportProtocol';
import {
  columnItems,
  columnsKey,
  describeSelection,
  noLabel,
  parseSelection,
  rememberedColumns,
  SELECTION_KEY,
  selectionItems,
} from './datasetChoices';

export const REPORT_VIEW_TYPE = 'polarityLens.report';
const REPORT_PAGE: WebviewPage = {
  viewType: REPORT_VIEW_TYPE,
  // A getter: VS Code may load the translations after this module.
  get title() {
    return vscode.l10n.t('Polarity Lens Report');
  },
  script: 'report.js',
  styles: ['panel.css', 'report.css'],
};

export interface DatasetDeps {
  extensionUri: vscode.Uri;
  client: InferenceClient;
  workspaceState: vscode.Memento;
  /** Where the report panel's run is remembered, so a panel revived after a window reload runs it again. */
  memory: PanelMemory;
  explain: ExplainSession;
  /** Which model a run uses: the one that applies to the dataset file's folder. */
  models: ModelChoiceDeps;
  log: vscode.LogOutputChannel;
  /** Where finished samples are cached (per model hash and settings), so a later run resumes. */
  cacheDir: string;
}

/** Answers that skip the questions (tests, other extensions). */
export interface DatasetRunChoices {
  columns?: ColumnChoice;
  selection?: SampleSpec;
}

export type DatasetOutcome = { view: ReportView } | { error: string };

export class DatasetSession implements vscode.Disposable {
  private panel: WebviewHost<ReportHostMessage, ReportWebviewMessage> | undefined;
  private handle: DatasetRunHandle | undefined;
  private view: ReportView | undefined;
  private progress: ReportProgress | undefined;
  private running: AbortController | undefined;
  /** The run the panel shows, to run again (undefined for a report opened from a file). */
  private recipe: DatasetRunRecipe | undefined;
  /**
   * Where exports of an opened report go (named after its dataset): beside the dataset where it was found, else beside
   * the report, since the folder the report names may not exist here. Undefined for a run: beside its dataset.
   */
  private exportBase: string | undefined;
  readonly markers: DatasetRowMarkers;

  constructor(private readonly deps: DatasetDeps) {
    this.markers = new DatasetRowMarkers(deps.extensionUri, (path, why) => this.markersCleared(path, why));
  }

  get lastView(): ReportView | undefined {
    return this.view;
  }

  cancel(): void {
    this.running?.abort();
  }

  /** The command: `uri` from the explorer's context menu, else the active editor's file. */
  async run(uri?: vscode.Uri, choices: DatasetRunChoices = {}): Promise<DatasetOutcome | undefined> {
    const path = (uri ?? vscode.window.activeTextEditor?.document.uri)?.fsPath;
    if (!path || !DATASET_EXTENSIONS.includes(extname(path).toLowerCase())) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Polarity Lens: right-click a dataset file ({0}) in the Explorer, or open one, to run the violation test on it.',
          DATASET_EXTENSIONS.join(', '),
        ),
      );
      return undefined;
    }
    let preview: DatasetPreview;
    try {
      preview = await previewDataset(path);
    } catch (e) {
      return this.fail(vscode.l10n.t('cannot read {0}: {1}', path, (e as Error).message));
    }
    // Settings it cannot use and the model it falls back to are said once, with the run's other warnings, at its end.
    const warnings = new RunWarnings();
    const settings = readSettings(polarityLensConfiguration(), (m) => warnings.add(m));
    const columns = choices.columns ?? (await this.chooseColumns(path, preview));
    if (!columns) return undefined;
    const selection = choices.selection ?? (await this.chooseSelection(settings.explain.seed));
    if (!selection) return undefined;
    const model = currentModel(this.deps.models, vscode.Uri.file(path));
    if (model.warning) warnings.add(model.warning);
    return this.start(
      {
        path,
        columns,
        selection,
        model: { dir: model.dir, name: model.name },
        explain: explainOptions(settings),
        load: settings.load,
        measure: settings.datasetMeasure,
      },
      warnings,
    );
  }

  private async chooseColumns(path: string, preview: DatasetPreview): Promise<ColumnChoice | undefined> {
    const saved = rememberedColumns(this.deps.workspaceState.get(columnsKey(path)), preview.columns);
    if (saved) return saved;
    const { guess } = preview;
    if (!columnsNeedConfirming(guess) && guess.text) return { text: guess.text, label: guess.label };
    const text = await vscode.window.showQuickPick(
      columnItems(preview.columns, guess.textCandidates, preview.rows, guess.text),
      {
        title: vscode.l10n.t('Polarity Lens: which column holds the text?'),
        placeHolder: vscode.l10n.t(
          '{0} columns; the choice is remembered for this file',
          formatCount(preview.columns.length),
        ),
      },
    );
    if (!text) return undefined;
    const labelItems = [
      {
        label: noLabel(),
        value: '',
        description: vscode.l10n.t('no accuracy, the violation test still runs'),
      },
      ...columnItems(
        preview.columns.filter((c) => c !== text.value),
        guess.labelCandidates,
        preview.rows,
        guess.label,
      ),
    ];
    const label = await vscode.window.showQuickPick(labelItems, {
      title: vscode.l10n.t('Polarity Lens: which column holds the gold label?'),
    });
    if (!label) return undefined;
    const choice = { text: text.value, label: label.value || null };
    await this.deps.workspaceState.update(columnsKey(path), choice);
    return choice;
  }

  private async chooseSelection(seed: number): Promise<SampleSpec | undefined> {
    const picked = await vscode.window.showQuickPick(selectionItems(null, seed), {
      title: vscode.l10n.t('Polarity Lens: which rows?'),
      placeHolder: vscode.l10n.t('Finished samples are cached: a later run resumes'),
    });
    if (!picked) return undefined;
    if (picked.value !== 'custom') return picked.value;
    const last = this.deps.workspaceState.get<string>(SELECTION_KEY) ?? 'random 1000';
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Polarity Lens: rows to explain'),
      value: last,
      prompt: vscode.l10n.t('"first N", "random N", "stratified N" (seeded by polarityLens.seed) or "all"'),
      validateInput: (v) => {
        const r = parseSelection(v, seed);
        return 'error' in r ? r.error : undefined;
      },
    });
    if (!text) return undefined;
    await this.deps.workspaceState.update(SELECTION_KEY, text);
    const spec = parseSelection(text, seed);
    return 'error' in spec ? undefined : spec;
  }

  /**
   * `warnings`: what the run has to say so far, shown with what its report adds as one notification when it ends.
   * `restoring`: the run of a report panel revived after a window reload (its finished samples are in the cache).
   */
  private async start(run: DatasetRunRecipe, warnings: RunWarnings, restoring = false): Promise<DatasetOutcome> {
    const { path, columns, selection, model, explain, load } = run;
    this.recipe = run;
    void this.deps.memory.rememberDatasetRun(run);
    this.cancel();
    this.handle?.close();
    this.handle = undefined;
    this.exportBase = undefined;
    this.markers.clear();
    const settings = readSettings(polarityLensConfiguration(), (m) => warnings.add(m));
    const controller = new AbortController();
    this.running = controller;
    this.view = undefined;
    const reading = restoring
      ? vscode.l10n.t(
          "Running the report's dataset again after the window reload (finished samples come from the cache): reading {0}…",
          path,
        )
      : vscode.l10n.t('Reading {0}…', path);
    this.progress = { done: 0, total: null, perSecond: 0, etaSeconds: null, label: reading };
    // A panel VS Code is reviving is not revealed: revealing it while the workbench restores it can leave its
    // webview without content in VS Code for the web (seen in CI: the revived report stayed blank).
    if (!restoring) this.showPanel();
    this.post({ type: 'progress', ...this.progress });
    const file = vscode.workspace.asRelativePath(path);
    this.deps.log.info(
      `dataset: ${file} with ${model.name}, ${JSON.stringify(selection)}; columns ${JSON.stringify(columns)}; explainers ${explain.explainers?.join(',')}`,
    );
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t(
          'Polarity Lens: violation test on {0} of {1} with {2}',
          describeSelection(selection),
          file,
          model.name,
        ),
        cancellable: true,
      },
      async (report, token) => {
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        try {
          const handle = await this.deps.client.runDataset(
            model.dir,
            {
              path,
              columns,
              selection,
              explain,
              // A run remembered before runs could choose measured everything.
              measure: run.measure ?? [...MEASURE_IDS],
              cacheDir: this.deps.cacheDir,
              workers: settings.datasetWorkers,
            },
            {
              signal: controller.signal,
              load,
              onProgress: (p, partial) => {
                if (this.running !== controller) return; // replaced by a newer run
                const label = progressLabel(p);
                const share = p.total ? (p.done / p.total) * 100 : 0;
                report.report({ message: label, increment: share - reported });
                reported = share;
                this.progress = {
                  done: p.done,
                  total: p.total,
                  perSecond: p.perSecond,
                  etaSeconds: p.etaSeconds,
                  label,
                };
                this.post({ type: 'progress', ...this.progress });
                if (partial) this.show(partial);
              },
            },
          );
          if (this.running !== controller) {
            // A newer run replaced this one while it finished: its report is not what the panel shows any more.
            handle.close();
            return { view: handle.view };
          }
          this.handle = handle;
          this.show(handle.view);
          this.markers.show({ path, view: handle.view, record: (row, target) => handle.record(row, target) });
          const cancelled = controller.signal.aborted;
          const stopped = stoppedEarly(handle.view, cancelled);
          this.post(
            stopped ? { type: 'finished', cancelled: false, message: stopped } : { type: 'finished', cancelled },
          );
          this.deps.log.info(
            `dataset: ${cancelled ? 'cancelled after' : 'done:'} ${handle.view.samples} samples, ${handle.view.resumed} from cache, ${handle.view.dataset.badRowCount} bad rows, ${handle.view.timing.seconds.toFixed(1)} s`,
          );
          reportWarnings(handle.view, cancelled).forEach((w) => warnings.add(w));
          void warnings.notify(this.deps.log, path);
          return { view: handle.view };
        } catch (e) {
          if (this.running === controller)
            this.post({ type: 'finished', cancelled: false, message: (e as Error).message });
          // The error is the run's one notification; what it had to warn about before is in the log.
          warnings.log(this.deps.log, path);
          return this.fail((e as Error).message);
        } finally {
          if (this.running === controller) {
            this.running = undefined;
            this.progress = undefined;
          }
        }
      },
    );
  }

  private show(view: ReportView): void {
    this.view = view;
    this.post({ type: 'report', report: view });
  }

  private post(message: ReportHostMessage): void {
    this.panel?.post(message);
  }

  private showPanel(): void {
    if (this.panel) this.panel.reveal();
    else
      this.panel = WebviewHost.create(
        this.deps.extensionUri,
        REPORT_PAGE,
        (m: ReportWebviewMessage) => this.onMessage(m),
        () => (this.panel = undefined),
      );
  }

  /**
   * A report panel VS Code revived (after a window reload, or reopening a closed one). Its run ended with the old
   * window, so the last run the panel memory holds runs again with the same model and settings, whatever the workbench
   * saved of the webview; its finished samples come back from the cache, so the report is the same, in seconds.
   */
  revivePanel(panel: vscode.WebviewPanel): Promise<DatasetOutcome> | undefined {
    this.panel?.dispose();
    this.panel = WebviewHost.revive(
      panel,
      this.deps.extensionUri,
      REPORT_PAGE,
      (m: ReportWebviewMessage) => this.onMessage(m),
      () => (this.panel = undefined),
    );
    if (this.view || this.running) return undefined;
    const reportFile = this.deps.memory.recallReportFile();
    if (reportFile && existsSync(reportFile)) return this.openReportFile(reportFile, true);
    const last = this.deps.memory.recallDatasetRun();
    if (last && existsSync(last.path)) return this.start(last, new RunWarnings(), true);
    const why = last ? vscode.l10n.t('its dataset {0} is gone', last.path) : vscode.l10n.t('its run was not kept');
    this.post({
      type: 'finished',
      cancelled: false,
      message: vscode.l10n.t(
        'This report cannot be shown again: {0}. Run the violation test on a dataset again: finished samples come from the cache, so it takes seconds.',
        why,
      ),
    });
    return undefined;
  }

  /**
   * The report's "Run Again Measuring Everything": the run on screen, same dataset, rows, model and settings, with
   * every measure. A report opened from a file has no run here to repeat: the message says how to get one.
   */
  async measureAll(): Promise<DatasetOutcome | undefined> {
    if (!this.recipe) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Polarity Lens: this report was opened from a file. To compute what it lacks, run the violation test on its dataset with the setting polarityLens.dataset.measure listing every measure.',
        ),
      );
      return undefined;
    }
    return this.start({ ...this.recipe, measure: [...MEASURE_IDS] }, new RunWarnings());
  }

  private onMessage(message: ReportWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        if (this.view) this.post({ type: 'report', report: this.view });
        if (this.progress) this.post({ type: 'progress', ...this.progress });
        break;
      case 'cancel':
        this.cancel();
        break;
      case 'measureAll':
        void this.measureAll();
        break;
      case 'openSample':
        void this.openSample(message.row, message.target);
        break;
      case 'export':
        void this.export(message.format, message.view).catch((e) =>
          this.fail(vscode.l10n.t('export failed: {0}', (e as Error).message)),
        );
        break;
    }
  }

  /**
   * Opens data row `row` of the report in the explain panel, with the report's model and settings; `tested` is the
   * label a multi-label sample row tests, so the panel explains that label's σ(z) as the report did (and a run that
   * explained one class for every sample opens with that class).
   */
  async openSample(row: number, tested?: number): Promise<void> {
    const view = this.view;
    if (!view || !this.handle) return;
    try {
      const text = await this.handle.sampleText(row);
      const { explainers, operator, granularity, objective, igSteps, maxTokens } = view.settings;
      const target = tested ?? view.settings.target;
      const label = target === undefined ? undefined : view.model.labels[target];
      const file = vscode.workspace.asRelativePath(view.dataset.path);
      const what =
        label === undefined
          ? vscode.l10n.t('row {0} of {1}', formatCount(row + 1), file)
          : vscode.l10n.t('row {0} of {1}, explaining {2}', formatCount(row + 1), file, label);
      // Every setting the report was computed with (every declared explain setting, the token limit), whatever the
      // settings say now, so the panel shows the weights the report counted.
      const panel = {
        explainers,
        operator,
        granularity,
        objective,
        igSteps,
        ...(target === undefined ? {} : { target }),
      };
      const reported = view.settings as unknown as Record<string, unknown>;
      const engine = Object.fromEntries(
        ENGINE_SETTINGS.filter((s) => s.scope === 'explain').map((s) => [s.key, reported[s.key] ?? undefined]),
      ) as SampleEngineSettings;
      // A report from another machine names a model folder that is not here; a shipped model is found by its name.
      const shipped = resolveModelDir(view.model.name);
      const dir = existsSync(view.model.dir) || !existsSync(shipped) ? view.model.dir : shipped;
      await this.deps.explain.explainSample(text, { dir, name: view.model.name }, what, panel, engine, { maxTokens });
    } catch (e) {
      this.fail(vscode.l10n.t('cannot open row {0}: {1}', formatCount(row + 1), (e as Error).message));
    }
  }

  /**
   * "Open Report…": a saved report JSON (`uri` from the Explorer, else picked) in the report panel, with its rows marked
   * in its dataset's editors when the file still holds them. A file that is not a report this version reads is an
   * error message, and the panel keeps what it showed.
   */
  async openReport(uri?: vscode.Uri): Promise<DatasetOutcome | undefined> {
    let path = uri?.fsPath;
    if (!path) {
      const [picked] =
        (await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: false,
          canSelectMany: false,
          filters: { [vscode.l10n.t('Polarity Lens report')]: ['json'] },
          openLabel: vscode.l10n.t('Open Report'),
          title: vscode.l10n.t(
            'Polarity Lens: a dataset report (the JSON of polarity-lens check --json or of Export JSON)',
          ),
        })) ?? [];
      if (!picked) return undefined;
      path = picked.fsPath;
    }
    return this.openReportFile(path);
  }

  private async openReportFile(path: string, restoring = false): Promise<DatasetOutcome> {
    let opened: Awaited<ReturnType<InferenceClient['openReport']>>;
    try {
      opened = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Polarity Lens: opening {0}…', basename(path)),
        },
        () => this.deps.client.openReport(path),
      );
    } catch (e) {
      if (restoring)
        this.post({
          type: 'finished',
          cancelled: false,
          message: vscode.l10n.t('This report cannot be shown again: {0}', (e as Error).message),
        });
      return this.fail((e as Error).message);
    }
    // It replaces whatever the panel showed, a run in progress included (its finished samples stay in the cache).
    this.cancel();
    this.recipe = undefined;
    this.running = undefined;
    this.progress = undefined;
    this.handle?.close();
    this.markers.clear();
    const { handle, dataset } = opened;
    this.handle = handle;
    this.exportBase = dataset.path ?? join(dirname(path), basename(handle.view.dataset.path));
    void this.deps.memory.rememberReportFile(path);
    if (!restoring) this.showPanel();
    this.show(handle.view);
    this.post({ type: 'finished', cancelled: false });
    this.deps.log.info(`report: opened ${path} (${handle.view.samples} samples of ${handle.view.dataset.path})`);
    if (dataset.matches && dataset.path) {
      this.markers.show({ path: dataset.path, view: handle.view, record: (row, target) => handle.record(row, target) });
    } else if (!restoring) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Polarity Lens: the report is open; its rows are not marked in the dataset because {0}.',
          dataset.matches ? vscode.l10n.t('the dataset was not found') : dataset.reason,
        ),
      );
    }
    return { view: handle.view };
  }

  /**
   * A marker's CodeLens or hover link: opens its row in the explain panel. A multi-label row asks which label (each
   * has its own verdicts); a link left from a report no longer shown says so instead of opening another row.
   */
  async explainRow(args?: ExplainRowArgs): Promise<void> {
    const marked = this.markers.current;
    if (!args || !this.view || !marked || marked.path !== args.path) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Polarity Lens: that row belongs to a report that is no longer shown; run the test or open the report again.',
        ),
      );
      return;
    }
    let target = args.target;
    const samples = this.view.sampleRows.filter((s) => s.row === args.row);
    if (target === undefined && samples.length > 1) {
      const names = this.view.model.labels;
      const picked = await vscode.window.showQuickPick(
        samples.map((s) => ({
          label: names[s.target ?? 0] ?? String(s.target),
          description: `σ(z) = ${formatFixed(s.probability, 3)}`,
          value: s.target,
        })),
        { title: vscode.l10n.t('Polarity Lens: which label of row {0}?', args.row + 1) },
      );
      if (!picked) return;
      target = picked.value;
    }
    return this.openSample(args.row, target ?? samples[0]?.target);
  }

  /** The markers' file changed under them: they are gone, and a new run would mark it again. */
  private markersCleared(path: string, why: string): void {
    const runAgain = vscode.l10n.t('Run Again');
    this.deps.log.info(`dataset: row markers of ${path} cleared: ${why}`);
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          'Polarity Lens: {0} changed ({1}), so its row markers were cleared. Run the test again to mark it anew.',
          basename(path),
          why,
        ),
        runAgain,
      )
      .then((pick) => {
        if (pick) void this.run(vscode.Uri.file(path));
      });
  }

  /** Writes a report file next to the dataset under a new name; an existing file is replaced only if the user says so. */
  async export(format: ReportFormat, view?: Partial<ReportViewState>, ask = askOverwrite): Promise<string | undefined> {
    if (!this.handle || !this.view) return undefined;
    let target = defaultReportPath(this.exportBase ?? this.view.dataset.path, format);
    let overwrite = false;
    const free = freePath(target);
    if (free !== target) {
      const answer = await ask(target, free);
      if (!answer) return undefined;
      if (answer === 'overwrite') overwrite = true;
      else target = free;
    }
    const written = await this.handle.export(format, target, overwrite, view);
    this.deps.log.info(`dataset: exported ${format} to ${written}`);
    const open = vscode.l10n.t('Open');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('Polarity Lens: report written to {0}', written), open)
      .then((pick) => {
        if (pick === open) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(written));
      });
    return written;
  }

  private fail(message: string): { error: string } {
    this.deps.log.error(`dataset: ${message}`);
    showError(this.deps.log, message);
    return { error: message };
  }

  dispose(): void {
    this.cancel();
    this.handle?.close();
    this.panel?.dispose();
    this.markers.dispose();
  }
}

async function askOverwrite(existing: string, free: string): Promise<'overwrite' | 'new' | undefined> {
  const newName = vscode.l10n.t('Save as {0}', basename(free));
  const overwrite = vscode.l10n.t('Overwrite');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} already exists.', existing),
    { modal: true },
    newName,
    overwrite,
  );
  return pick === overwrite ? 'overwrite' : pick === newName ? 'new' : undefined;
}

/** The progress notification's and the report panel's line: "120 of 500 samples (20 from cache), 4.2 samples/s, 2 min left". */
function progressLabel(p: DatasetProgress): string {
  const done = formatCount(p.done);
  const resumed = formatCount(p.resumed);
  const rate = formatFixed(p.perSecond, 1);
  const counted =
    p.total === null
      ? vscode.l10n.t('{0} samples ({1} from cache), {2} samples/s', done, resumed, rate)
      : vscode.l10n.t('{0} of {1} samples ({2} from cache), {3} samples/s', done, formatCount(p.total), resumed, rate);
  return p.etaSeconds === null ? counted : vscode.l10n.t('{0}, {1} left', counted, formatDuration(p.etaSeconds));
}
