/** An error message with a Show Log button (the log has the details), as every Polarity Lens failure is shown. */
import * as vscode from 'vscode';

export function showError(log: vscode.LogOutputChannel, message: string): void {
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(vscode.l10n.t('Polarity Lens: {0}', message), showLog).then((pick) => {
    if (pick === showLog) log.show();
  });
}
