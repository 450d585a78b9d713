/**
 * The run's status (live webview only): a progress bar with count/total, rate and ETA and a Cancel button while the
 * check runs; then whether it finished, was cancelled or failed. The running view is built once and only updated,
 * so a progress message every few hundred milliseconds never takes focus from Cancel.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { ReportProgress } from '../../../src/pages/report/reportProtocol';
import { el, replaceChildren } from '../../shared/dom';
import { formatCount, formatDuration, formatRate, plural } from '../logic/reportFormat';

export type ReportRun =
  | { kind: 'idle' }
  | { kind: 'running'; progress: ReportProgress }
  | { kind: 'finished'; cancelled: boolean; message?: string };

/** "1,234 of 5,000 samples (25%) · 12/s · about 5 min 10 s left". */
export function progressText(p: ReportProgress): string {
  const count =
    p.total === null
      ? `${formatCount(p.done)} samples`
      : `${formatCount(p.done)} of ${formatCount(p.total)} samples (${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0}%)`;
  const eta = p.etaSeconds === null ? '' : ` · about ${formatDuration(p.etaSeconds)} left`;
  return `${count} · ${formatRate(p.perSecond)}${eta}`;
}

export class RunStatusView {
  private bar?: VscodeProgressBar;
  private text?: HTMLElement;
  private label?: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly onCancel: () => void,
    /** Samples in the report on screen, for the "finished" line. */
    private readonly samples: () => number | undefined,
  ) {}

  show(run: ReportRun): void {
    this.root.dataset.kind = run.kind;
    if (run.kind === 'idle') {
      this.bar = undefined;
      replaceChildren(this.root);
      return;
    }
    if (run.kind === 'finished') {
      this.bar = undefined;
      const n = this.samples();
      const word = run.cancelled
        ? 'Cancelled.'
        : run.message
          ? 'Stopped.'
          : `Finished${n === undefined ? '' : `: ${plural(n, 'sample')} explained`}.`;
      const role = run.cancelled || run.message ? 'alert' : 'status';
      replaceChildren(
        this.root,
        el(
          'div',
          {
            class: run.cancelled ? 'status-cancelled' : run.message ? 'status-failed' : 'status-updated',
            attrs: { role },
          },
          el('strong', { text: `${word} ` }),
          run.message && el('span', { class: 'status-text', text: `${run.message} ` }),
          run.cancelled &&
            el('span', { class: 'muted', text: 'The report below covers the samples explained before the cancel.' }),
        ),
      );
      return;
    }
    if (!this.bar) {
      this.bar = el('vscode-progress-bar', { id: 'report-progress', attrs: { 'aria-label': 'Samples explained' } });
      this.label = el('span', { id: 'report-progress-label', class: 'status-text' });
      this.text = el('span', { id: 'report-progress-text', class: 'progress-text' });
      const cancel = el(
        'vscode-button',
        {
          id: 'report-cancel',
          attrs: { secondary: true, title: 'Stop the check; the samples explained so far stay in the report' },
        },
        'Cancel',
      );
      cancel.addEventListener('click', () => this.onCancel());
      replaceChildren(
        this.root,
        el('div', { class: 'progress-line', attrs: { role: 'status' } }, this.label, this.text),
        this.bar,
        cancel,
      );
    }
    const p = run.progress;
    this.bar.max = p.total ?? 100;
    this.bar.indeterminate = p.total === null;
    this.bar.value = p.total === null ? undefined : p.done;
    this.label!.textContent = p.label ? `${p.label}: ` : '';
    this.text!.textContent = progressText(p);
  }
}
