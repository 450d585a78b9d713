/**
 * Follows the theme. VS Code marks it with a body class (vscode-light, vscode-dark, vscode-high-contrast,
 * vscode-high-contrast-light) and changes that class live; the exported file has no VS Code, so it takes the
 * browser's light/dark preference. The palette's endpoints go on the body as CSS variables (CSSOM, allowed by the
 * CSP) for the token tints, and listeners (the attention canvas) redraw when the theme changes.
 */
import { PALETTES, Palette, themeKind, ThemeKind } from './colorScale';

const THEME_CLASSES = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];

export function currentTheme(): ThemeKind {
  return themeKind(document.body.classList);
}

export function currentPalette(): Palette {
  return PALETTES[currentTheme()];
}

function applyPalette(): void {
  const p = currentPalette();
  document.body.style.setProperty('--pl-positive', p.positive);
  document.body.style.setProperty('--pl-negative', p.negative);
  if (p.strongText) document.body.style.setProperty('--pl-strong-text', p.strongText);
  else document.body.style.removeProperty('--pl-strong-text');
}

/** Standalone only: pick a theme class from the browser preference when no VS Code class is present. */
export function adoptBrowserTheme(): void {
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');
  const set = (): void => {
    document.body.classList.remove(...THEME_CLASSES);
    document.body.classList.add(media?.matches ? 'vscode-dark' : 'vscode-light');
  };
  if (!THEME_CLASSES.some((c) => document.body.classList.contains(c))) set();
  media?.addEventListener('change', set);
}

/** Applies the palette now and on every theme change; calls onChange after each change. */
export function watchTheme(onChange: () => void): void {
  applyPalette();
  let last = currentTheme();
  new MutationObserver(() => {
    const now = currentTheme();
    if (now === last) return;
    last = now;
    applyPalette();
    onChange();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
