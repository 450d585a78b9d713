import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { BUILDER_VERSION } from '../../../src/core/gradients/gradientSession';
import { ROOT } from '../../helpers/paths';

/**
 * Built gradient graphs are cached on users' disks under BUILDER_VERSION: a change to the builder or its rules without
 * a bump would keep serving graphs built by the old code. The builder's code (comments and layout aside) is recorded
 * here with the version it was last bumped at.
 */
const RECORDED = { version: 16, code: '7da4246e924bb3801fa809e5935665b06ac16dc5b3d26f068aed40717b0b4470' };

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The code of src/core/gradients without comments, whitespace and trailing commas (formatting), whatever the file names. */
function builderCodeHash(): string {
  const perFile = files(join(ROOT, 'src', 'core', 'gradients'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) =>
      readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
        .replace(/\s+/g, '')
        .replace(/,(?=[)\]}])/g, ''),
    )
    .map((code) => createHash('sha256').update(code).digest('hex'))
    .sort();
  return createHash('sha256').update(perFile.join('\n')).digest('hex');
}

it('the gradient-graph builder has not changed since BUILDER_VERSION was last bumped', () => {
  const code = builderCodeHash();
  assert.equal(
    code,
    RECORDED.code,
    `src/core/gradients changed: if built graphs can differ, bump BUILDER_VERSION in gradientSession.ts (cached graphs are rebuilt only then); either way record { version: ${BUILDER_VERSION}, code: '${code}' } in this test`,
  );
  assert.equal(
    BUILDER_VERSION,
    RECORDED.version,
    'BUILDER_VERSION was bumped: record the new version and code hash here',
  );
});
