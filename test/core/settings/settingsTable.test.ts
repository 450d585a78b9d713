import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { settingsTable } from '../../../bench/settingsTable';
import { ROOT } from '../../helpers/paths';

it("the README's settings table is the one the declarations generate (npm run settings-table -- --write-readme)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(readme)?.[1];
  assert.equal(block, settingsTable());
});
