/** An error message with a Show Log button (the log has the details), as every Polarity Lens failure is shown. */
import * as vscode from 'vscode';

export function showError(log: vscode.LogOutputChannel, message: string): void {
  void vscode.window.showErrorMessage(`Polarity Lens: ${message}`, 'Show Log').then((pick) => {
    if (pick) log.show();
  });
}
