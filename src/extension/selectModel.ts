/**
 * "Select Model…": a shipped model, a folder (checked by the doctor in the inference process), or "Use the setting",
 * which forgets this workspace's pick. That a pick overrides the `polarityLens.model` the user has set is said once per
 * setting value, in a notification with the way back, so the setting is never silently ignored.
 */
import * as vscode from 'vscode';
import { chooseOnnxFile, formatDoctorReport } from '../core/views';
import type { ExplainSession } from './explainSession';
import type { InferenceClient } from './inference/inferenceClient';
import {
  checkModelFolder,
  currentModel,
  doctorVerdict,
  forgetModel,
  modelPickItems,
  onnxPickItems,
  pickedModel,
  rememberModel,
  USE_SETTING,
  type ModelChoiceDeps,
} from './modelChoice';

/** The setting value the override notice was last shown for (it is shown once per value, whatever is picked). */
const NOTICED_KEY = 'polarityLens.modelOverrideNoticed';

export async function selectModel(
  models: ModelChoiceDeps,
  session: ExplainSession,
  log: vscode.LogOutputChannel,
  client: InferenceClient,
): Promise<void> {
  const trusted = vscode.workspace.isTrusted;
  const setting = pickedModel(models) === undefined ? undefined : models.setting().value;
  const picked = await vscode.window.showQuickPick(modelPickItems(currentModel(models), trusted, setting), {
    title: vscode.l10n.t('Polarity Lens: Select Model'),
    placeHolder: vscode.l10n.t('The model Explain Selection runs (remembered for this workspace)'),
    matchOnDetail: true,
  });
  if (!picked) return;
  if (picked.value === USE_SETTING) {
    await forgetModel(models);
    log.info(`model: the workspace's pick is forgotten; the setting decides (${setting || 'empty'})`);
    session.refreshStatus();
    return;
  }
  const value =
    picked.value === 'browse'
      ? await browseModelFolder(trusted, session, log, client, vscode.l10n.t('Use this model'))
      : picked.value;
  if (!value) return;
  await rememberModel(models, value);
  log.info(`model: ${value}`);
  session.refreshStatus();
  await noticeOverride(models, () => session.refreshStatus());
}

/**
 * Browse…: a folder (with its ONNX file chosen when it holds several), checked by the doctor; its path, or undefined
 * when the user gave up or it cannot be used. Select Model and the panel's comparison both browse through it.
 */
export async function browseModelFolder(
  trusted: boolean,
  session: ExplainSession,
  log: vscode.LogOutputChannel,
  client: InferenceClient,
  openLabel: string,
): Promise<string | undefined> {
  if (!trusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'Polarity Lens: restricted mode runs only the shipped models. Trust this workspace to load your own.',
        ),
        manage,
      )
      .then((pick) => {
        if (pick === manage) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return undefined;
  }
  const [folder] =
    (await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel,
      title: vscode.l10n.t('A folder with model.onnx and tokenizer.json'),
    })) ?? [];
  if (!folder) return undefined;
  // Several ONNX files (a quantized or half-precision sibling): the user picks one; none is taken silently.
  const files = onnxPickItems(folder.fsPath);
  if (files) {
    const file = await vscode.window.showQuickPick(files, {
      title: vscode.l10n.t('Polarity Lens: which ONNX file of this folder?'),
      placeHolder: vscode.l10n.t('The folder holds several exports of the model'),
    });
    if (!file) return undefined;
    if (!file.inUse) {
      try {
        chooseOnnxFile(folder.fsPath, file.file);
      } catch (e) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t('Polarity Lens: cannot record the choice in polarity-lens.json: {0}', (e as Error).message),
        );
        return undefined;
      }
    }
  }
  const problem = checkModelFolder(folder.fsPath);
  if (problem) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Polarity Lens: {0}', problem));
    return undefined;
  }
  // The doctor loads the model and tries every explainer once, in the inference process.
  const report = await Promise.resolve(
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Polarity Lens: checking the model (every explainer, once)…'),
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
  const details = vscode.l10n.t('Show Details');
  void show(verdict.text, details).then((pick) => {
    if (pick === details) log.show();
  });
  return verdict.level === 'error' ? undefined : folder.fsPath;
}

/**
 * Says, once per setting value, that this workspace's pick overrides the `polarityLens.model` the user set, with
 * "Use the Setting" to go back to it. Called after a pick, when the setting changes, and at activation.
 */
export async function noticeOverride(models: ModelChoiceDeps, refresh: () => void): Promise<void> {
  const choice = currentModel(models);
  if (!choice.overridesSetting || choice.setting === undefined) return;
  if (models.workspaceState.get<string>(NOTICED_KEY) === choice.setting) return;
  await models.workspaceState.update(NOTICED_KEY, choice.setting);
  const use = vscode.l10n.t('Use the Setting');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Polarity Lens: this workspace uses {0}, picked with Select Model…; it overrides the polarityLens.model setting ({1}).',
      choice.name,
      choice.setting ?? '',
    ),
    use,
  );
  if (answer !== use) return;
  await forgetModel(models);
  refresh();
}
