/**
 * The manifest's VS Code conventions: a default keybinding no keyboard layout types a character with, documented as
 * declared, and `when` clauses that offer Explain Selection where it has text to explain (a text editor, a notebook
 * cell's editor, a notebook) and nowhere else. The clauses are evaluated, not compared as strings.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { localizedManifest } from '../helpers/manifest';
import { ROOT } from '../helpers/paths';

interface Keybinding {
  command: string;
  key: string;
  mac?: string;
  win?: string;
  linux?: string;
  when?: string;
}
interface MenuItem {
  command: string;
  when?: string;
}
const manifest = localizedManifest<{
  contributes: {
    keybindings: Keybinding[];
    menus: Record<string, MenuItem[]>;
    walkthroughs: { steps: { id: string; description: string }[] }[];
  };
}>();
const { keybindings, menus } = manifest.contributes;
const EXPLAIN = 'polarityLens.explainSelection';

type Context = Record<string, string | boolean | undefined>;

/**
 * VS Code's when-clause language, as much as the manifest uses: keys, !, ==, !=, =~ /regex/, &&, || (|| binds
 * loosest), parentheses.
 */
function evaluate(when: string, context: Context): boolean {
  const tokens = when.match(/\/(?:\\.|[^/])+\/[a-z]*|&&|\|\||==|!=|=~|!|\(|\)|[^\s!=()&|~]+/g) ?? [];
  let at = 0;
  const next = () => tokens[at++];
  const peek = () => tokens[at];
  const or = (): boolean => {
    let value = and();
    while (peek() === '||') {
      next();
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (peek() === '&&') {
      next();
      value = unary() && value;
    }
    return value;
  };
  const unary = (): boolean => {
    if (peek() === '!') {
      next();
      return !unary();
    }
    if (peek() === '(') {
      next();
      const value = or();
      assert.equal(next(), ')', when);
      return value;
    }
    const key = next();
    const actual = context[key];
    const op = peek();
    if (op === '==' || op === '!=') {
      next();
      const equal = String(actual) === next();
      return op === '==' ? equal : !equal;
    }
    if (op === '=~') {
      next();
      const [, source, flags] = /^\/(.*)\/([a-z]*)$/.exec(next())!;
      return typeof actual === 'string' && new RegExp(source, flags).test(actual);
    }
    return Boolean(actual);
  };
  const value = or();
  assert.equal(at, tokens.length, `${when}: parsed to the end`);
  return value;
}

const shown = (when: string | undefined, context: Context) => when === undefined || evaluate(when, context);

/** Where the user may be when they reach for Explain Selection. */
const PLACES: Record<string, { context: Context; explains: boolean }> = {
  'a text editor': {
    context: { editorTextFocus: true, editorIsOpen: true, activeEditor: 'workbench.editors.files.textFileEditor' },
    explains: true,
  },
  "a notebook cell's editor": {
    context: { editorTextFocus: true, editorIsOpen: true, activeEditor: 'workbench.editor.notebook' },
    explains: true,
  },
  'a notebook, a cell selected': {
    context: { notebookEditorFocused: true, editorIsOpen: true, activeEditor: 'workbench.editor.notebook' },
    explains: true,
  },
  'the explain panel (a webview)': {
    context: { editorIsOpen: true, activeEditor: 'WebviewEditor', activeWebviewPanelId: 'polarityLens.explain' },
    explains: false,
  },
  'no editor at all (the terminal, the explorer)': { context: { terminalFocus: true }, explains: false },
};

/** "ctrl+k ctrl+e" → [["ctrl", "k"], ["ctrl", "e"]]. */
const chords = (key: string) => key.split(' ').map((chord) => chord.split('+'));
/** "ctrl+k ctrl+e" → "Ctrl+K Ctrl+E", as the docs write a key. */
const written = (key: string) =>
  key
    .split(' ')
    .map((chord) =>
      chord
        .split('+')
        .map((k) => k[0].toUpperCase() + k.slice(1))
        .join('+'),
    )
    .join(' ');

describe('the manifest: keybinding and when clauses', () => {
  it('no default keybinding is an AltGr chord on Windows or Linux (Ctrl+Alt types €, @, [ … on German, French, Spanish layouts)', () => {
    assert.ok(keybindings.length > 0);
    for (const binding of keybindings) {
      for (const key of [binding.key, binding.win, binding.linux].filter((k): k is string => k !== undefined)) {
        for (const chord of chords(key))
          assert.ok(!(chord.includes('ctrl') && chord.includes('alt')), `${binding.command}: ${key}`);
      }
      // On macOS Option+letter types a character too; with Cmd it does not.
      for (const chord of chords(binding.mac ?? binding.key))
        assert.ok(!chord.includes('alt') || chord.includes('cmd'), `${binding.command}: ${binding.mac}`);
    }
  });

  it("Explain Selection's keybinding, its editor context menu entry and its palette entry show exactly where it has text", () => {
    const keybinding = keybindings.find((k) => k.command === EXPLAIN);
    assert.ok(keybinding, 'Explain Selection has a default keybinding');
    const contextMenu = menus['editor/context'].find((m) => m.command === EXPLAIN);
    assert.ok(contextMenu?.when, 'the editor context menu entry has a when clause');
    const palette = menus.commandPalette.find((m) => m.command === EXPLAIN);
    assert.ok(palette?.when, 'the palette entry has a when clause');
    for (const [place, { context, explains }] of Object.entries(PLACES)) {
      assert.equal(shown(palette.when, context), explains, `palette, in ${place}`);
      // The keybinding and the context menu need a focused text editor (a cell's editor is one); with only the notebook
      // focused, the palette and the notebook's own selection serve.
      const textFocus = context.editorTextFocus === true;
      assert.equal(shown(keybinding.when, context), textFocus, `keybinding, in ${place}`);
      assert.equal(shown(contextMenu.when, context), textFocus, `context menu, in ${place}`);
    }
  });

  it('the README and the walkthrough name the keybinding the manifest declares, for Windows/Linux and macOS', () => {
    const keybinding = keybindings.find((k) => k.command === EXPLAIN)!;
    const keys = [written(keybinding.key), written(keybinding.mac ?? keybinding.key)];
    const docs = {
      README: readFileSync(join(ROOT, 'README.md'), 'utf8'),
      'media/walkthrough/explain.md': readFileSync(join(ROOT, 'media', 'walkthrough', 'explain.md'), 'utf8'),
      'the walkthrough step': manifest.contributes.walkthroughs[0].steps.find((s) => s.id === 'explain')!.description,
    };
    for (const [doc, text] of Object.entries(docs)) {
      for (const key of keys) assert.ok(text.includes(key), `${doc} names ${key}`);
      assert.doesNotMatch(text, /(Ctrl|Cmd)\+Alt\+E/, `${doc} still names the old keybinding`);
    }
  });
});
