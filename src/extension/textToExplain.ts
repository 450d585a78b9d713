/**
 * What "Explain Selection" explains: the selection, else the cursor's line; in a notebook, the cell editor's
 * selection or line works the same way (a cell is a text editor), and with only a notebook focused, its selected cell.
 */
import type * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { formatCount } from './displayNumbers';

export interface TextToExplain {
  text: string;
  uri: vscode.Uri;
  /** Offset of the text's first character in its document: unit offsets + this = document offsets. */
  offset: number;
  /** The document's version when the text was read (colours are only placed on the same version). */
  version: number;
  /** Where it came from, for the progress title. */
  source: 'selection' | 'line' | 'cell';
}

/** The parts of VS Code's window this needs (a stub in unit tests). */
export interface ActiveEditors {
  activeTextEditor?: vscode.TextEditor;
  activeNotebookEditor?: vscode.NotebookEditor;
}

export function textToExplain(window: ActiveEditors, maxCharacters: number): TextToExplain | { error: string } {
  const found = pick(window);
  if ('error' in found) return found;
  if (found.text.trim() === '') {
    return {
      error:
        found.source === 'line'
          ? l10n.t('The current line is empty: select the text to explain, or put the cursor on a line with text.')
          : l10n.t('The selection is only whitespace: select the text to explain.'),
    };
  }
  if (found.text.length > maxCharacters) {
    const length = formatCount(found.text.length);
    const limit = formatCount(maxCharacters);
    const tooLong = {
      selection: l10n.t(
        'The selection has {0} characters, more than the {1} Polarity Lens explains at once: select a shorter passage (the model reads only its first tokens anyway).',
        length,
        limit,
      ),
      line: l10n.t(
        'The line has {0} characters, more than the {1} Polarity Lens explains at once: select a shorter passage (the model reads only its first tokens anyway).',
        length,
        limit,
      ),
      cell: l10n.t(
        'The cell has {0} characters, more than the {1} Polarity Lens explains at once: select a shorter passage (the model reads only its first tokens anyway).',
        length,
        limit,
      ),
    };
    return { error: tooLong[found.source] };
  }
  return found;
}

function pick(window: ActiveEditors): TextToExplain | { error: string } {
  const editor = window.activeTextEditor;
  if (editor) {
    const { document, selection } = editor;
    if (!selection.isEmpty) {
      return {
        text: document.getText(selection),
        uri: document.uri,
        offset: document.offsetAt(selection.start),
        version: document.version,
        source: 'selection',
      };
    }
    const line = document.lineAt(selection.active.line);
    return {
      text: line.text,
      uri: document.uri,
      offset: document.offsetAt(line.range.start),
      version: document.version,
      source: 'line',
    };
  }
  const notebook = window.activeNotebookEditor;
  if (notebook) {
    const index = notebook.selection.start;
    if (index < notebook.notebook.cellCount) {
      const document = notebook.notebook.cellAt(index).document;
      return { text: document.getText(), uri: document.uri, offset: 0, version: document.version, source: 'cell' };
    }
  }
  return { error: l10n.t('Open a file and select the text to explain (or put the cursor on a line).') };
}
