/**
 * Polarity Lens's VS Code entry point: registers the commands, the panel serializer and the status bar, and owns the
 * inference process. Everything it does is in the modules it wires; this file only connects them.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExplainResult, ReportFormat, ReportView } from '../core/views';
import { DatasetOutcome, DatasetRunChoices, DatasetSession, REPORT_VIEW_TYPE } from './datasetSession';
import { useDisplayLanguage } from './displayLanguage';
import { EditorDecorations } from './editorDecorations';
import { ExplainRunner, JobOutcome } from './explainRunner';
import { ExplainSession } from './explainSession';
import { InferenceClient } from './inference/inferenceClient';
import { choiceOf, type ModelChoiceDeps } from './modelChoice';
import { readModelSetting } from './modelSetting';
import { PANEL_VIEW_TYPE } from './webviews/explainPanel';
import { PanelMemory } from './panelMemory';
import { browseModelFolder, noticeOverride, selectModel } from './selectModel';
import { EXPLAIN_ROW_COMMAND, type ExplainRowArgs } from './rowHover';
import type { RowMark } from './rowMarks';
import { ModelStatusBar } from './statusBar';

/** What activate() returns: used by the end-to-end tests, and by other extensions that want an explanation. */
export interface PolarityLensApi {
  explainSelection(): Promise<JobOutcome | undefined>;
  lastResult(): ExplainResult | undefined;
  /** Explains the text on screen with a second model too (a shipped name or a folder), and keeps comparing. */
  compareWith(model: string): Promise<JobOutcome | undefined>;
  lastComparison(): ExplainResult | undefined;
  cancel(): void;
  /** The inference process's pid, while one runs. */
  inferencePid(): number | undefined;
  exportLast(format: 'json' | 'html', target: vscode.Uri): Promise<vscode.Uri | undefined>;
  /** Run Violation Test on Dataset; `choices` answers its questions. */
  runDatasetTest(uri: vscode.Uri, choices?: DatasetRunChoices): Promise<DatasetOutcome | undefined>;
  datasetReport(): ReportView | undefined;
  cancelDataset(): void;
  openSample(row: number, target?: number): Promise<void>;
  /** Open Report…: a saved report JSON in the report panel (and its rows marked in its dataset). */
  openReport(uri: vscode.Uri): Promise<DatasetOutcome | undefined>;
  /** The dataset file whose rows are marked now, and its marks (0-based lines). */
  rowMarks(): { path: string; marks: RowMark[] } | undefined;
  /** Writes a report file next to the dataset; `ask` answers the question when the default name is taken. */
  exportReport(
    format: ReportFormat,
    ask?: (existing: string, free: string) => Promise<'overwrite' | 'new' | undefined>,
  ): Promise<string | undefined>;
}

export function activate(context: vscode.ExtensionContext): PolarityLensApi {
  useDisplayLanguage();
  // Telemetry off for anything onnxruntime-related this process might ever load (the inference process sets it too).
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const log = vscode.window.createOutputChannel('Polarity Lens', { log: true });
  const client = new InferenceClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'inferenceWorker.js').fsPath, {
    log: (line) => log.info(line),
  });
  const runner = new ExplainRunner(client, log);
  const decorations = new EditorDecorations();
  const statusBar = new ModelStatusBar();
  const models: ModelChoiceDeps = {
    workspaceState: context.workspaceState,
    setting: readModelSetting,
    isTrusted: () => vscode.workspace.isTrusted,
  };
  const memory = new PanelMemory(context.workspaceState, context.storageUri?.fsPath, (m) => log.warn(m));
  const session: ExplainSession = new ExplainSession({
    extensionUri: context.extensionUri,
    runner,
    decorations,
    statusBar,
    models,
    memory,
    log,
    browseModel: (): Promise<string | undefined> =>
      browseModelFolder(vscode.workspace.isTrusted, session, log, client, vscode.l10n.t('Compare with this model')),
  });
  const cacheRoot = process.env.POLARITY_LENS_CACHE_DIR || context.globalStorageUri.fsPath;
  const datasets = new DatasetSession({
    extensionUri: context.extensionUri,
    client,
    workspaceState: context.workspaceState,
    memory,
    explain: session,
    models,
    log,
    cacheDir: join(cacheRoot, 'dataset-runs'),
  });

  context.subscriptions.push(
    log,
    { dispose: () => client.dispose() },
    runner,
    decorations,
    statusBar,
    session,
    datasets,
    vscode.commands.registerCommand('polarityLens.runDatasetTest', (uri?: vscode.Uri) =>
      datasets.run(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand('polarityLens.openReport', (uri?: vscode.Uri) =>
      datasets.openReport(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(EXPLAIN_ROW_COMMAND, (args?: ExplainRowArgs) => datasets.explainRow(args)),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => void datasets.revivePanel(panel),
    }),
    vscode.commands.registerCommand('polarityLens.explainSelection', () => session.explainSelection()),
    vscode.commands.registerCommand('polarityLens.selectModel', () => selectModel(models, session, log, client)),
    vscode.commands.registerCommand('polarityLens.clearDecorations', () => decorations.clear()),
    vscode.commands.registerCommand('polarityLens.showLog', () => log.show()),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => session.revivePanel(panel),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('polarityLens')) session.settingsChanged();
      if (e.affectsConfiguration('polarityLens.model')) void noticeOverride(models, () => session.refreshStatus());
    }),
    // The model setting is read for the active document's folder (a multi-root workspace can differ per folder).
    vscode.window.onDidChangeActiveTextEditor(() => session.refreshStatus()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => session.refreshStatus()),
  );
  session.refreshStatus();
  void noticeOverride(models, () => session.refreshStatus());
  log.info(
    `Polarity Lens ${(context.extension.packageJSON as { version: string }).version} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`,
  );

  return {
    explainSelection: () => session.explainSelection(),
    lastResult: () => session.lastResult,
    compareWith: (model) => {
      const choice = choiceOf(model, 'pick');
      return session.compareWith({ dir: choice.dir, name: choice.name });
    },
    lastComparison: () => session.lastComparison,
    cancel: () => runner.cancel(),
    inferencePid: () => client.pid,
    exportLast: (format, target) => session.export(format, target),
    runDatasetTest: (uri, choices) => datasets.run(uri, choices),
    datasetReport: () => datasets.lastView,
    cancelDataset: () => datasets.cancel(),
    openSample: (row, target) => datasets.openSample(row, target),
    openReport: (uri) => datasets.openReport(uri),
    rowMarks: () => datasets.markers.current,
    exportReport: (format, ask) => datasets.export(format, undefined, ask),
  };
}

export function deactivate(): void {
  // Disposables registered in activate() stop the inference process.
}
