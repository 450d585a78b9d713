/**
 * The manifest's `when` clauses against the code they describe: the dataset menus list exactly the extensions the
 * readers read, and Open Report… is offered on the names report files are written under (and not on datasets).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DATASET_EXTENSIONS } from '../../src/core/datasetFiles/datasetReader';
import { defaultReportPath } from '../../src/core/datasetRun/reportFiles';
import { ROOT } from '../helpers/paths';

interface MenuItem {
  command: string;
  when?: string;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, MenuItem[]> };
};
const items = Object.values(manifest.contributes.menus).flat();

/** The regular expression of a `when` clause's `KEY =~ /…/flags`, as VS Code reads it (a JavaScript RegExp). */
function whenRegex(when: string, key: string): RegExp {
  const m = new RegExp(`${key} =~ /(.+)/([a-z]*)`).exec(when);
  assert.ok(m, `${when} tests ${key}`);
  return new RegExp(m[1], m[2]);
}

describe('package.json when clauses', () => {
  it('every menu of Run Violation Test on Dataset lists exactly the extensions the dataset readers read', () => {
    const clauses = items.filter((i) => i.command === 'polarityLens.runDatasetTest').map((i) => i.when!);
    assert.equal(clauses.length, 3, 'the command palette, the Explorer and the editor tab');
    for (const when of clauses) {
      const regex = whenRegex(when, 'resourceExtname');
      const listed = /\(([^)]*)\)/
        .exec(regex.source)![1]
        .split('|')
        .map((e) => `.${e}`);
      assert.deepEqual([...listed].sort(), [...DATASET_EXTENSIONS].sort(), when);
      for (const ext of DATASET_EXTENSIONS) assert.ok(regex.test(ext.toUpperCase()), `${ext} in any case`);
      assert.ok(!regex.test('.md') && !regex.test('.csv.bak'));
    }
  });

  it('Open Report… is in the palette, and in the Explorer on report files as they are written, not on datasets', () => {
    const palette = manifest.contributes.menus.commandPalette.find((i) => i.command === 'polarityLens.openReport');
    assert.equal(palette?.when, undefined, 'any JSON can be picked from the palette');
    const explorer = manifest.contributes.menus['explorer/context'].find(
      (i) => i.command === 'polarityLens.openReport',
    );
    const regex = whenRegex(explorer!.when!, 'resourceFilename');
    const written = defaultReportPath('/data/reviews.csv', 'json').split('/').pop()!;
    assert.equal(written, 'reviews.polarity-lens.report.json');
    for (const name of [written, 'reviews.polarity-lens.report-2.json', 'X.Polarity-Lens.Report.JSON'])
      assert.ok(regex.test(name), name);
    for (const name of ['reviews.json', 'reviews.polarity-lens.summary.md', 'report.json'])
      assert.ok(!regex.test(name), name);
  });

  it('the row command of the markers is contributed but hidden from the palette (it needs a row)', () => {
    assert.ok(manifest.contributes.commands.some((c) => c.command === 'polarityLens.explainDatasetRow'));
    const palette = manifest.contributes.menus.commandPalette.find(
      (i) => i.command === 'polarityLens.explainDatasetRow',
    );
    assert.equal(palette?.when, 'false');
  });
});
