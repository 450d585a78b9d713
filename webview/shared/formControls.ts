/**
 * Form pieces both webview apps use: a labelled single select, a labelled field, and the export buttons (a click hands
 * its format to the host, which writes the file).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import { el } from './dom';

interface Option {
  value: string;
  label: string;
  description?: string;
}

export function singleSelect(id: string, options: Option[], value: string, label: string): VscodeSingleSelect {
  const select = el('vscode-single-select', { id, attrs: { 'aria-label': label } });
  for (const o of options)
    select.appendChild(
      el(
        'vscode-option',
        { attrs: { value: o.value, selected: o.value === value, description: o.description } },
        o.label,
      ),
    );
  return select;
}

/** A labelled control, label above; the label's `for` names the control (by its id), so it is read. `modifier`: an extra class. */
export function field(labelText: string, control: HTMLElement, modifier?: string): HTMLElement {
  return el(
    'div',
    { class: modifier ? `field ${modifier}` : 'field' },
    el('label', { attrs: { for: control.id } }, labelText),
    control,
  );
}

/** One export button: the format the host is asked to write, the button's text and tooltip. */
export interface ExportChoice<F extends string> {
  format: F;
  label: string;
  title: string;
  /** What assistive technology reads instead of a terse label. */
  ariaLabel?: string;
}

/** The export buttons (live webview only): a click hands its format to onExport, and the host writes the file. */
export function exportButtons<F extends string>(
  group: { id: string; label: string; caption?: string },
  choices: readonly ExportChoice<F>[],
  onExport: (format: F) => void,
): HTMLElement {
  return el(
    'div',
    { id: group.id, class: 'actions', attrs: { role: 'group', 'aria-label': group.label } },
    group.caption !== undefined &&
      el('span', { class: 'muted actions-label', text: group.caption, attrs: { 'aria-hidden': 'true' } }),
    ...choices.map((c) => {
      const b = el(
        'vscode-button',
        { id: `export-${c.format}`, attrs: { secondary: true, title: c.title, 'aria-label': c.ariaLabel } },
        c.label,
      );
      b.addEventListener('click', () => onExport(c.format));
      return b;
    }),
  );
}
