/**
 * Reads `polarityLens.model` where it applies. The setting is resource-scoped (a folder's .vscode/settings.json can
 * choose its own model), so it is read for a workspace folder: the one holding `resource` (a dataset file) or the active
 * document; with no document in any folder, the first folder. That folder is also what a relative path means
 * (modelChoice.ts resolves it), so "models/mine" names the same folder whichever process reads it.
 */
import * as vscode from 'vscode';
import type { ModelSetting } from './modelChoice';

export function readModelSetting(resource?: vscode.Uri): ModelSetting {
  const uri =
    resource ?? vscode.window.activeTextEditor?.document.uri ?? vscode.window.activeNotebookEditor?.notebook.uri;
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) || vscode.workspace.workspaceFolders?.[0];
  const value = vscode.workspace.getConfiguration('polarityLens', folder?.uri ?? null).get<unknown>('model');
  return {
    value: typeof value === 'string' ? value.trim() : '',
    // Model folders must be on disk: a virtual workspace's folder cannot anchor a relative path.
    ...(folder?.uri.scheme === 'file' ? { folder: folder.uri.fsPath } : {}),
  };
}
