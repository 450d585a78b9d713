import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('webview source', () => {
  it('never parses data as HTML or code (no innerHTML, outerHTML, insertAdjacentHTML, document.write, eval, Function)', () => {
    const files = sources(join(ROOT, 'webview'));
    assert.ok(files.length > 5);
    const banned =
      /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\b|setAttribute\(\s*['"](style|on\w+)['"]/;
    const hits = files.filter((f) => banned.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    assert.deepEqual(hits, []);
  });
});
