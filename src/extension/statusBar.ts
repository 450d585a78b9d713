/** The status bar item: the model Explain will use and, after a run, its prediction. Click to choose the model. */
import * as vscode from 'vscode';
import type { ExplainResult } from '../core/explain/explainResult';
import type { ModelChoice } from './modelChoice';

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('polarityLens.model', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Polarity Lens model';
    this.item.command = 'polarityLens.selectModel';
  }

  update(model: ModelChoice, last?: ExplainResult): void {
    const prediction = last && last.model.dir === model.dir ? ` · ${last.prediction.label} ${last.prediction.probability.toFixed(2)}` : '';
    this.item.text = `$(symbol-color) ${model.name}${prediction}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`Polarity Lens model: ${model.dir}`);
    if (prediction) tooltip.appendText(`\n\nLast prediction: ${last!.prediction.label}, p = ${last!.prediction.probability.toFixed(3)} (softmax probability)`);
    if (model.warning) tooltip.appendText(`\n\n${model.warning}`);
    tooltip.appendText('\n\nClick to choose another model.');
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
