/**
 * The run's status line: busy (label, progress ring, Cancel), waiting for the host, failed or cancelled (the
 * previous result stays visible underneath), which explainers the last run recomputed, or where a restored
 * explanation came from.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { RestoredFrom } from '../../../src/pages/explain/explainProtocol';
import { el, replaceChildren } from '../../shared/dom';

export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'busy'; label: string }
  /** Nothing runs that could be cancelled: the webview waits for the host. */
  | { kind: 'waiting'; label: string }
  | { kind: 'failed'; message: string; cancelled: boolean }
  | { kind: 'updated'; recomputed: string[]; total: number }
  | ({ kind: 'restored' } & RestoredFrom);

/** What the status line says of an explanation sent again (the time in the reader's locale). */
export function restoredText(restored: RestoredFrom): string {
  const at = new Date(restored.explainedAt);
  const time = Number.isNaN(at.getTime()) ? restored.explainedAt : at.toLocaleTimeString();
  switch (restored.from) {
    case 'memory':
      return `Restored after the window reload: explained at ${time}; nothing was recomputed.`;
    case 'recomputed':
      return `Explained again after the window reload, at ${time}: its result had not been kept.`;
    case 'session':
      return `Explained at ${time}.`;
  }
}

export function renderStatus(root: HTMLElement, status: RunStatus, live: boolean, onCancel: () => void): void {
  root.dataset.kind = status.kind;
  switch (status.kind) {
    case 'idle':
      replaceChildren(root);
      break;
    case 'busy': {
      const cancel = el('vscode-button', { id: 'cancel', attrs: { secondary: true, hidden: !live } }, 'Cancel');
      cancel.addEventListener('click', onCancel);
      replaceChildren(
        root,
        el(
          'div',
          { class: 'status-busy', attrs: { role: 'status' } },
          el('vscode-progress-ring', { attrs: { 'aria-label': 'Running' } }),
          el('span', { class: 'status-text', text: status.label }),
        ),
        cancel,
      );
      break;
    }
    case 'waiting':
      replaceChildren(
        root,
        el(
          'div',
          { class: 'status-busy', attrs: { role: 'status' } },
          el('vscode-progress-ring', { attrs: { 'aria-label': 'Waiting' } }),
          el('span', { class: 'status-text', text: status.label }),
        ),
      );
      break;
    case 'restored':
      replaceChildren(
        root,
        el('div', { class: 'status-updated', attrs: { role: 'status' }, text: restoredText(status) }),
      );
      break;
    case 'failed':
      replaceChildren(
        root,
        el(
          'div',
          { class: status.cancelled ? 'status-cancelled' : 'status-failed', attrs: { role: 'alert' } },
          // Codicons: the status line only exists in the live panel, where the codicon font is loaded.
          el('span', {
            class: `status-icon codicon ${status.cancelled ? 'codicon-debug-stop' : 'codicon-error'}`,
            attrs: { 'aria-hidden': 'true' },
          }),
          // The host's message may already say it ("Cancelled."); the word is not repeated.
          !new RegExp(`^${status.cancelled ? 'cancel' : 'fail'}`, 'i').test(status.message) &&
            el('strong', { text: status.cancelled ? 'Cancelled. ' : 'Failed. ' }),
          el('span', { class: 'status-text', text: status.message }),
          el('span', { class: 'muted', text: ' The previous result is still shown.' }),
        ),
      );
      break;
    case 'updated': {
      const n = status.recomputed.length;
      const text =
        n === 0
          ? `Nothing recomputed: all ${status.total} explainers were reused.`
          : n >= status.total
            ? `Computed ${status.total} explainer${status.total === 1 ? '' : 's'}.`
            : `Recomputed ${n} of ${status.total} explainer${status.total === 1 ? '' : 's'} (marked ↻); ${status.total - n} reused.`;
      replaceChildren(root, el('div', { class: 'status-updated', attrs: { role: 'status' }, text }));
      break;
    }
  }
}
