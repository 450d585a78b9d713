import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveEditors } from '../../src/extension/textToExplain';
import { textToExplain } from '../../src/extension/textToExplain';
import { Position, Selection, StubDocument, StubEditor, Uri } from '../helpers/vscodeStub';

const editor = (text: string, from: [number, number], to: [number, number] = from) =>
  new StubEditor(
    new StubDocument(Uri.file('/tmp/doc.txt'), text),
    new Selection(new Position(...from), new Position(...to)),
  );

/** A notebook editor whose cells are documents over the given texts, with `selected` the selected cell range start. */
function notebook(cells: string[], selected: number) {
  const documents = cells.map((c, i) => new StubDocument(Uri.file(`/tmp/nb.ipynb#cell${i}`), c));
  return {
    selection: { start: selected, end: selected + 1 },
    notebook: { cellCount: cells.length, cellAt: (i: number) => ({ document: documents[i] }) },
  };
}
const windowWith = (w: { activeTextEditor?: StubEditor; activeNotebookEditor?: unknown }) =>
  w as unknown as ActiveEditors;

describe('textToExplain: what Explain Selection explains', () => {
  it('a multi-line selection keeps its line breaks and its offset in the document', () => {
    const found = textToExplain(
      windowWith({ activeTextEditor: editor('title\nthe cast is great\nbut the plot\nis thin', [1, 4], [3, 2]) }),
      1000,
    );
    assert.ok(!('error' in found));
    assert.equal(found.text, 'cast is great\nbut the plot\nis');
    assert.equal(found.offset, 'title\nthe '.length);
    assert.equal(found.source, 'selection');
  });

  it('with no selection, the cursor line', () => {
    const found = textToExplain(windowWith({ activeTextEditor: editor('one\nsecond line here\nthree', [1, 3]) }), 1000);
    assert.ok(!('error' in found));
    assert.deepEqual([found.text, found.offset, found.source], ['second line here', 4, 'line']);
  });

  it('with only a notebook focused, its selected cell, whole', () => {
    const found = textToExplain(
      windowWith({ activeNotebookEditor: notebook(['print(1)', 'a moving, funny film\nwith heart'], 1) }),
      1000,
    );
    assert.ok(!('error' in found));
    assert.deepEqual([found.text, found.offset, found.source], ['a moving, funny film\nwith heart', 0, 'cell']);
    assert.equal(found.uri.toString(), 'file:///tmp/nb.ipynb#cell1');
  });

  it('a text editor (a focused cell editor too) wins over the notebook around it', () => {
    const found = textToExplain(
      windowWith({
        activeTextEditor: editor('cell text', [0, 0], [0, 4]),
        activeNotebookEditor: notebook(['other'], 0),
      }),
      1000,
    );
    assert.ok(!('error' in found));
    assert.equal(found.text, 'cell');
  });

  it('explains why when there is nothing to explain', () => {
    assert.match((textToExplain(windowWith({}), 1000) as { error: string }).error, /Open a file and select/);
    assert.match(
      (textToExplain(windowWith({ activeNotebookEditor: notebook([], 0) }), 1000) as { error: string }).error,
      /Open a file/,
    );
    assert.match(
      (textToExplain(windowWith({ activeTextEditor: editor('a\n   \nb', [1, 1]) }), 1000) as { error: string }).error,
      /current line is empty/,
    );
    assert.match(
      (textToExplain(windowWith({ activeTextEditor: editor('a  \n b', [0, 1], [1, 1]) }), 1000) as { error: string })
        .error,
      /only whitespace/,
    );
    assert.match(
      (textToExplain(windowWith({ activeNotebookEditor: notebook(['  \n'], 0) }), 1000) as { error: string }).error,
      /only whitespace/,
    );
  });

  it('refuses overlong text with its length and the limit, before anything reaches the engine', () => {
    const long = 'word '.repeat(20_001);
    const found = textToExplain(windowWith({ activeTextEditor: editor(long, [0, 0], [0, long.length]) }), 100_000);
    assert.ok('error' in found);
    assert.match(found.error, /100,005 characters, more than the 100,000/);
    const atLimit = 'x'.repeat(100_000);
    assert.ok(
      !(
        'error' in
        textToExplain(windowWith({ activeTextEditor: editor(atLimit, [0, 0], [0, atLimit.length]) }), 100_000)
      ),
    );
  });
});
