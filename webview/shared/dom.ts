/**
 * The one way the panel builds DOM: createElement, attributes and text nodes. Data never goes through an HTML
 * parser (no innerHTML and friends), so a unit like `<img src=x onerror=…>` or `</script>` is only ever text.
 */

export type Child = Node | string | null | undefined | false;

export interface Props {
  id?: string;
  class?: string;
  text?: string;
  title?: string;
  /** Attributes, set with setAttribute; undefined or false skips one, true sets it empty. */
  attrs?: Record<string, string | number | boolean | undefined>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.id) node.id = props.id;
  if (props.class) node.className = props.class;
  if (props.title !== undefined) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  if (props.text !== undefined) node.textContent = props.text;
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces an element's children (textContent = '' removes them without parsing anything). */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, ...children);
}

/** A main section of either webview, named by its heading (the panel-section class styles both pages' sections). */
export function panelSection(id: string, headingId: string): HTMLElement {
  return el('section', { id, class: 'panel-section', attrs: { 'aria-labelledby': headingId } });
}

/** Text only assistive technology reads (the .sr-only class hides it visually). */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', { class: 'sr-only', text });
}
