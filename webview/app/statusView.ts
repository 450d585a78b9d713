/**
 * The run's status line: busy (label, progress ring, Cancel), failed or cancelled (the previous result stays
 * visible underneath), or which explainers the last run recomputed.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { el, replaceChildren } from './dom';

export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'busy'; label: string }
  | { kind: 'failed'; message: string; cancelled: boolean }
  | { kind: 'updated'; recomputed: string[]; total: number };

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
        el('div', { class: 'status-busy', attrs: { role: 'status' } }, el('vscode-progress-ring', { attrs: { 'aria-label': 'Running' } }), el('span', { class: 'status-text', text: status.label })),
        cancel,
      );
      break;
    }
    case 'failed':
      replaceChildren(
        root,
        el(
          'div',
          { class: status.cancelled ? 'status-cancelled' : 'status-failed', attrs: { role: 'alert' } },
          // Codicons: the status line only exists in the live panel, where the codicon font is loaded.
          el('span', { class: `status-icon codicon ${status.cancelled ? 'codicon-debug-stop' : 'codicon-error'}`, attrs: { 'aria-hidden': 'true' } }),
          // The host's message may already say it ("Cancelled."); the word is not repeated.
          !new RegExp(`^${status.cancelled ? 'cancel' : 'fail'}`, 'i').test(status.message) && el('strong', { text: status.cancelled ? 'Cancelled. ' : 'Failed. ' }),
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
