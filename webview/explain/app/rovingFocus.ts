/**
 * Keyboard movement through the token rows: Tab enters a row once (roving tabindex), ←/→ and Home/End move along
 * it, ↑/↓ jump to the same unit in the row above or below, so a reader can compare one word across explainers
 * and with its real impact.
 */

const LIST = '.units[role="list"]';
const ITEM = '.unit';

function items(list: Element): HTMLElement[] {
  return Array.from(list.querySelectorAll<HTMLElement>(ITEM));
}

function focusItem(list: Element, index: number): void {
  const all = items(list);
  if (all.length === 0) return;
  const i = Math.max(0, Math.min(all.length - 1, index));
  for (const [j, item] of all.entries()) item.tabIndex = j === i ? 0 : -1;
  all[i].focus();
}

/** Gives each list one tab stop (its first unit) and handles arrow keys for every list inside `container`. */
export function enableRovingFocus(container: HTMLElement): void {
  for (const list of container.querySelectorAll(LIST))
    items(list).forEach((item, i) => (item.tabIndex = i === 0 ? 0 : -1));
  container.addEventListener('keydown', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(ITEM);
    const list = item?.closest(LIST);
    if (!item || !list) return;
    const index = items(list).indexOf(item);
    const lists = Array.from(container.querySelectorAll(LIST)).filter((l) => items(l).length > 0);
    const row = lists.indexOf(list);
    switch (event.key) {
      case 'ArrowRight':
        focusItem(list, index + 1);
        break;
      case 'ArrowLeft':
        focusItem(list, index - 1);
        break;
      case 'Home':
        focusItem(list, 0);
        break;
      case 'End':
        focusItem(list, items(list).length - 1);
        break;
      case 'ArrowDown':
        if (row + 1 < lists.length) focusItem(lists[row + 1], index);
        break;
      case 'ArrowUp':
        if (row > 0) focusItem(lists[row - 1], index);
        break;
      default:
        return;
    }
    event.preventDefault();
  });
  // A click moves the row's tab stop too, so Tab returns to where the reader was.
  container.addEventListener('focusin', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(ITEM);
    const list = item?.closest(LIST);
    if (item && list) for (const other of items(list)) other.tabIndex = other === item ? 0 : -1;
  });
}
