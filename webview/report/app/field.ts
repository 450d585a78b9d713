/** A labelled control (label above, as in the panel's toolbar): the label's `for` names the control, so it is read. */
import { el } from '../../app/dom';

export function pickerField(labelText: string, control: HTMLElement): HTMLElement {
  return el('div', { class: 'field' }, el('label', { attrs: { for: control.id } }, labelText), control);
}
