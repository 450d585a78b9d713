/**
 * The second model of a comparison in the explain panel: picked from the shipped models or a folder (the same list
 * as Select Model, without the model already on screen). Nothing is remembered: the pick is for this panel only.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { checkModelFolder, choiceOf, modelPickItems, type ModelChoice } from './modelChoice';
import type { ModelRef } from './panelMemory';

export async function pickComparisonModel(
  current: ModelChoice,
  onScreen: string,
  trusted: boolean,
): Promise<ModelRef | undefined> {
  const items = modelPickItems(current, trusted).filter(
    (i) => i.value === 'browse' || choiceOf(i.value).dir !== onScreen,
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Polarity Lens: Compare with another model',
    placeHolder: 'Explain the same text with this model too, with the same settings',
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.value !== 'browse') {
    const choice = choiceOf(picked.value);
    return { dir: choice.dir, name: choice.name };
  }
  if (!trusted) {
    void vscode.window.showWarningMessage(
      'Polarity Lens: restricted mode runs only the shipped models. Trust this workspace to compare with your own.',
    );
    return undefined;
  }
  const [folder] =
    (await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Compare with this model',
      title: 'A folder with model.onnx and tokenizer.json',
    })) ?? [];
  if (!folder) return undefined;
  const problem = checkModelFolder(folder.fsPath);
  if (problem) {
    void vscode.window.showErrorMessage(`Polarity Lens: ${problem}`);
    return undefined;
  }
  return { dir: folder.fsPath, name: basename(folder.fsPath) };
}
