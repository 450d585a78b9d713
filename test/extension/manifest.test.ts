/** The manifest's `when` clauses against the code they describe: the dataset menus list exactly the extensions the readers read. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DATASET_EXTENSIONS } from '../../src/core/datasetFiles/datasetReader';
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
});
