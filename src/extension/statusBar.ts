/**
 * The status bar item: the model Explain will use, how many explainers it runs when the settings choose some of them,
 * and, after a run, its prediction. Click to choose the model.
 */
import * as vscode from 'vscode';
import { EXPLAINERS, headWords, type ExplainResult } from '../core/views';
import type { ModelChoice } from './modelChoice';

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('polarityLens.model', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Polarity Lens model';
    this.item.command = 'polarityLens.selectModel';
  }

  /** `explainers`: the ids Explain runs (all of the registry's unless the settings choose). */
  update(model: ModelChoice, last?: ExplainResult, explainers: readonly string[] = EXPLAINERS.map((e) => e.id)): void {
    const prediction =
      last && last.model.dir === model.dir
        ? ` · ${last.prediction.label} ${last.prediction.probability.toFixed(2)}`
        : '';
    const some = explainers.length < EXPLAINERS.length;
    const count = some ? ` · ${explainers.length} of ${EXPLAINERS.length} explainers` : '';
    this.item.text = `$(symbol-color) ${model.name}${count}${prediction}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`Polarity Lens model: ${model.dir}`);
    if (some)
      tooltip.appendText(
        `\n\nExplainers (polarityLens.explainers): ${EXPLAINERS.filter((e) => explainers.includes(e.id))
          .map((e) => e.label)
          .join(', ')}`,
      );
    if (prediction) {
      const words = headWords(last!.head);
      tooltip.appendText(
        `\n\nLast prediction: ${last!.prediction.label}, ${words.symbol} = ${last!.prediction.probability.toFixed(3)} (${words.quantity})`,
      );
    }
    if (model.warning) tooltip.appendText(`\n\n${model.warning}`);
    tooltip.appendText('\n\nClick to choose another model.');
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
