/**
 * A dataset run's warnings (settings it could not use, the model it fell back to, a file read only in part, bad rows,
 * labels that name no class, explainers that failed on some samples), gathered while it runs and shown when it ends as
 * one notification with their count and Show Details, which opens the log where every one is listed. A run used to
 * end in up to three separate notifications.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ReportView } from '../core/views';
import { formatCount } from './displayNumbers';

/** Warnings quoted in the notification itself; the rest are counted there and listed in the log. */
const QUOTED = 3;

export class RunWarnings {
  private readonly list: string[] = [];

  /** The same warning twice (a setting read at each step) counts once. */
  add(message: string): void {
    if (!this.list.includes(message)) this.list.push(message);
  }

  get all(): readonly string[] {
    return this.list;
  }

  /**
   * Lists every warning in the log and shows one notification for the run (none when nothing went wrong); resolves
   * once the user has answered it (or closed it).
   */
  async notify(log: vscode.LogOutputChannel, dataset: string): Promise<void> {
    const n = this.list.length;
    if (n === 0) return;
    this.log(log, dataset);
    const file = basename(dataset);
    const quoted = this.list.slice(0, QUOTED).join(' ');
    const text =
      n === 1
        ? vscode.l10n.t('Polarity Lens: the violation test on {0}: {1}', file, quoted)
        : n <= QUOTED
          ? vscode.l10n.t(
              'Polarity Lens: {0} warnings from the violation test on {1}: {2}',
              formatCount(n),
              file,
              quoted,
            )
          : vscode.l10n.t(
              'Polarity Lens: {0} warnings from the violation test on {1}: {2} … and {3} more (Show Details lists them).',
              formatCount(n),
              file,
              quoted,
              formatCount(n - QUOTED),
            );
    const details = vscode.l10n.t('Show Details');
    const pick = await vscode.window.showWarningMessage(text, details);
    if (pick === details) log.show();
  }

  /** Lists every warning in the log, numbered (what Show Details opens). */
  log(log: vscode.LogOutputChannel, dataset: string): void {
    const n = this.list.length;
    if (n === 0) return;
    log.warn(`dataset: ${n} warning${n === 1 ? '' : 's'} from the run on ${dataset}:`);
    this.list.forEach((w, i) => log.warn(`  ${i + 1}. ${w}`));
  }
}

/** A run stopped by a row it could not read (not cancelled): the sentence that says so, else undefined. */
export function stoppedEarly(view: ReportView, cancelled: boolean): string | undefined {
  const stop = !view.complete && !cancelled ? view.dataset.badRows.at(-1) : undefined;
  return (
    stop &&
    vscode.l10n.t(
      'The file could not be read past line {0} ({1}); the report covers the rows before it.',
      stop.line,
      stop.reason,
    )
  );
}

/** What a run's report says went wrong, each as one sentence. */
export function reportWarnings(view: ReportView, cancelled: boolean): string[] {
  const warnings: string[] = [];
  const stopped = stoppedEarly(view, cancelled);
  if (stopped) warnings.push(stopped);
  const bad = view.dataset.badRowCount;
  if (bad === 1) warnings.push(vscode.l10n.t('1 bad row was skipped (listed in the report, with its line number).'));
  else if (bad > 1)
    warnings.push(
      vscode.l10n.t('{0} bad rows were skipped (listed in the report, with line numbers).', formatCount(bad)),
    );
  if (view.dataset.unmappedLabels.length)
    warnings.push(
      vscode.l10n.t(
        'Labels {0} name no class of {1} ({2}); those rows count as unlabelled.',
        view.dataset.unmappedLabels.join(', '),
        view.model.name,
        view.model.labels.join(', '),
      ),
    );
  for (const e of view.explainers.filter((x) => x.failures > 0))
    warnings.push(
      vscode.l10n.t(
        '{0} failed on {1} of {2} samples: {3}',
        e.label,
        formatCount(e.failures),
        formatCount(e.runs + e.failures),
        e.error ?? '?',
      ),
    );
  return warnings;
}
