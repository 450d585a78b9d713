/**
 * The status bar item: the model Explain will use and where that choice comes from (Select Model…'s pick for this
 * workspace, marked with a pin, the `polarityLens.model` setting, or the default), how many explainers it runs when
 * the settings choose some of them, and, after a run, its prediction. Click to choose the model.
 */
import * as vscode from 'vscode';
import { EXPLAINERS, headWords, type ExplainResult } from '../core/views';
import { formatFixed } from './displayNumbers';
import type { ModelChoice } from './modelChoice';

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('polarityLens.model', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = vscode.l10n.t('Polarity Lens model');
    this.item.command = 'polarityLens.selectModel';
  }

  /** `explainers`: the ids Explain runs (all of the registry's unless the settings choose). */
  update(model: ModelChoice, last?: ExplainResult, explainers: readonly string[] = EXPLAINERS.map((e) => e.id)): void {
    const predicted = last && last.model.dir === model.dir ? last : undefined;
    const some = explainers.length < EXPLAINERS.length;
    const parts = [`$(symbol-color) ${model.name}${model.source === 'pick' ? ' $(pin)' : ''}`];
    if (some) parts.push(vscode.l10n.t('{0} of {1} explainers', explainers.length, EXPLAINERS.length));
    if (predicted) parts.push(`${predicted.prediction.label} ${formatFixed(predicted.prediction.probability, 2)}`);
    this.item.text = parts.join(' · ');
    const lines = [vscode.l10n.t('Polarity Lens model: {0}', model.dir), modelSourceText(model)];
    if (some)
      lines.push(
        vscode.l10n.t(
          'Explainers (polarityLens.explainers): {0}',
          EXPLAINERS.filter((e) => explainers.includes(e.id))
            .map((e) => e.label)
            .join(', '),
        ),
      );
    if (predicted) {
      const words = headWords(predicted.head);
      lines.push(
        vscode.l10n.t(
          'Last prediction: {0}, {1} = {2} ({3})',
          predicted.prediction.label,
          words.symbol,
          formatFixed(predicted.prediction.probability, 3),
          words.quantity,
        ),
      );
    }
    if (model.warning) lines.push(model.warning);
    lines.push(vscode.l10n.t('Click to choose another model.'));
    const tooltip = new vscode.MarkdownString();
    lines.forEach((line, i) => tooltip.appendText(i ? `\n\n${line}` : line));
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = {
      label: `${vscode.l10n.t('Polarity Lens model: {0}', model.name)}. ${modelSourceText(model)}`,
    };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** Where the model comes from, in words. */
export function modelSourceText(model: ModelChoice): string {
  switch (model.source) {
    case 'pick':
      return model.overridesSetting
        ? vscode.l10n.t(
            'Picked for this workspace with Select Model… (the pin); it overrides the polarityLens.model setting ({0}). Select Model… → Use the setting goes back to it.',
            model.setting ?? '',
          )
        : vscode.l10n.t('Picked for this workspace with Select Model… (the pin).');
    case 'setting':
      return vscode.l10n.t('From the polarityLens.model setting ({0}).', model.setting ?? '');
    case 'default':
      return model.setting === undefined
        ? vscode.l10n.t('The default: polarityLens.model is not set.')
        : vscode.l10n.t('The default, in place of the polarityLens.model setting ({0}).', model.setting);
  }
}
