/**
 * VS Code's display language for everything the extension host shows. Modules that load `vscode` translate with
 * vscode.l10n.t; the pure ones (kept free of `vscode` so they are tested without it) with @vscode/l10n's t, which is
 * given here the same bundle VS Code loaded (l10n/bundle.l10n.<language>.json), so both read one set of translations.
 * Numbers follow the same language (displayNumbers.ts).
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { setNumberLanguage } from './displayNumbers';

/** Called once, first thing in activate(). */
export function useDisplayLanguage(): void {
  // No bundle (English, or a language nobody translated yet): both t's return the English source strings.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  setNumberLanguage(vscode.env.language);
}
