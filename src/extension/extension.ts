/**
 * Polarity Lens's VS Code entry point: registers the commands, the panel serializer and the status bar, and owns the
 * inference process. Everything it does is in the modules it wires; this file only connects them.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  chooseOnnxFile,
  formatDoctorReport,
  type ExplainResult,
  type ReportFormat,
  type ReportView,
} from '../core/views';
import { DatasetOutcome, DatasetRunChoices, DatasetSession, REPORT_VIEW_TYPE } from './datasetSession';
import { EditorDecorations } from './editorDecorations';
import { ExplainRunner, JobOutcome } from './explainRunner';
import { ExplainSession, polarityLensConfiguration } from './explainSession';
import { InferenceClient } from './inference/inferenceClient';
import {
  checkModelFolder,
  currentModel,
  doctorVerdict,
  ModelChoiceDeps,
  modelPickItems,
  onnxPickItems,
  rememberModel,
} from './modelChoice';
import { PANEL_VIEW_TYPE } from './webviews/explainPanel';
import { PanelMemory } from './panelMemory';
import { EXPLAIN_ROW_COMMAND, type ExplainRowArgs } from './rowHover';
import type { RowMark } from './rowMarks';
import { ModelStatusBar } from './statusBar';

/** What activate() returns: used by the end-to-end tests, and by other extensions that want an explanation. */
export interface PolarityLensApi {
  explainSelection(): Promise<JobOutcome | undefined>;
  lastResult(): ExplainResult | undefined;
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
    setting: () => polarityLensConfiguration().get<string>('model') ?? '',
    isTrusted: () => vscode.workspace.isTrusted,
  };
  const memory = new PanelMemory(context.workspaceState, context.storageUri?.fsPath, (m) => log.warn(m));
  const session = new ExplainSession({
    extensionUri: context.extensionUri,
    runner,
    decorations,
    statusBar,
    models,
    memory,
    log,
  });
  const cacheRoot = process.env.POLARITY_LENS_CACHE_DIR || context.globalStorageUri.fsPath;
  const datasets = new DatasetSession({
    extensionUri: context.extensionUri,
    client,
    workspaceState: context.workspaceState,
    memory,
    explain: session,
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
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => session.refreshStatus()),
  );
  session.refreshStatus();
  log.info(
    `Polarity Lens ${(context.extension.packageJSON as { version: string }).version} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`,
  );

  return {
    explainSelection: () => session.explainSelection(),
    lastResult: () => session.lastResult,
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

async function selectModel(
  models: ModelChoiceDeps,
  session: ExplainSession,
  log: vscode.LogOutputChannel,
  client: InferenceClient,
): Promise<void> {
  const trusted = vscode.workspace.isTrusted;
  const picked = await vscode.window.showQuickPick(modelPickItems(currentModel(models), trusted), {
    title: 'Polarity Lens: Select Model',
    placeHolder: 'The model Explain Selection runs (remembered for this workspace)',
    matchOnDetail: true,
  });
  if (!picked) return;
  let value = picked.value;
  if (value === 'browse') {
    if (!trusted) {
      void vscode.window
        .showWarningMessage(
          'Polarity Lens: restricted mode runs only the shipped models. Trust this workspace to load your own.',
          'Manage Workspace Trust',
        )
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
        });
      return;
    }
    const [folder] =
      (await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        openLabel: 'Use this model',
        title: 'A folder with model.onnx and tokenizer.json',
      })) ?? [];
    if (!folder) return;
    // Several ONNX files (a quantized or half-precision sibling): the user picks one; none is taken silently.
    const files = onnxPickItems(folder.fsPath);
    if (files) {
      const file = await vscode.window.showQuickPick(files, {
        title: 'Polarity Lens: which ONNX file of this folder?',
        placeHolder: 'The folder holds several exports of the model',
      });
      if (!file) return;
      if (!file.inUse) {
        try {
          chooseOnnxFile(folder.fsPath, file.file);
        } catch (e) {
          void vscode.window.showErrorMessage(
            `Polarity Lens: cannot record the choice in polarity-lens.json: ${(e as Error).message}`,
          );
          return;
        }
      }
    }
    const problem = checkModelFolder(folder.fsPath);
    if (problem) {
      void vscode.window.showErrorMessage(`Polarity Lens: ${problem}`);
      return;
    }
    // The doctor loads the model and tries every explainer once, in the inference process.
    const report = await Promise.resolve(
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Polarity Lens: checking the model (every explainer, once)…',
        },
        () => client.doctor(folder.fsPath, session.settings().load),
      ),
    ).catch((e: Error) => ({
      dir: folder.fsPath,
      status: 'unusable' as const,
      error: e.message,
      explainers: [],
      operators: [],
      notes: [],
    }));
    log.info(formatDoctorReport(report));
    const verdict = doctorVerdict(report);
    const show =
      verdict.level === 'error'
        ? vscode.window.showErrorMessage
        : verdict.level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    void show(verdict.text, 'Show Details').then((pick) => {
      if (pick) log.show();
    });
    if (verdict.level === 'error') return;
    value = folder.fsPath;
  }
  await rememberModel(models, value);
  log.info(`model: ${value}`);
  session.refreshStatus();
}

export function deactivate(): void {
  // Disposables registered in activate() stop the inference process.
}
