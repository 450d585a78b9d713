/**
 * Hover already shows an element's title; keyboard focus does not, so a focused element with data-tip (a token,
 * a verdict) gets the same text in a floating tooltip. Its text is set with textContent only.
 */
import { el } from './dom';

export function enableFocusTooltips(root: HTMLElement): void {
  const tip = el('div', { id: 'tooltip', class: 'tooltip', attrs: { role: 'tooltip', hidden: true } });
  document.body.appendChild(tip);
  const hide = (): void => {
    tip.hidden = true;
  };
  root.addEventListener('focusin', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-tip]');
    if (!target || !target.matches(':focus-visible')) return hide();
    tip.textContent = target.dataset.tip ?? '';
    tip.hidden = false;
    const box = target.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.max(4, Math.min(window.innerWidth - width - 4, box.left));
    const below = box.bottom + 6 + tip.offsetHeight < window.innerHeight;
    tip.style.left = `${left + window.scrollX}px`;
    tip.style.top = `${(below ? box.bottom + 6 : box.top - tip.offsetHeight - 6) + window.scrollY}px`;
  });
  root.addEventListener('focusout', hide);
  window.addEventListener('scroll', hide, { passive: true });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hide();
  });
}
