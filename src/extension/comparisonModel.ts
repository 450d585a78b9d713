/**
 * The second model of a comparison in the explain panel: picked from the shipped models or a folder (the same list
 * and the same Browse… as Select Model, without the model already on screen). Nothing is remembered: the pick is for
 * this panel only.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { choiceOf, modelPickItems, USE_SETTING, type ModelChoice } from './modelChoice';
import type { ModelRef } from './panelMemory';

export async function pickComparisonModel(
  current: ModelChoice,
  onScreen: string,
  trusted: boolean,
  browse: () => Promise<string | undefined>,
): Promise<ModelRef | undefined> {
  const items = modelPickItems(current, trusted).filter(
    (i) => i.value === 'browse' || (i.value !== USE_SETTING && choiceOf(i.value, 'pick').dir !== onScreen),
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Polarity Lens: Compare with another model'),
    placeHolder: vscode.l10n.t('Explain the same text with this model too, with the same settings'),
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.value !== 'browse') {
    const choice = choiceOf(picked.value, 'pick');
    return { dir: choice.dir, name: choice.name };
  }
  const folder = await browse();
  return folder === undefined ? undefined : { dir: folder, name: basename(folder) };
}
