/**
 * The architecture, as the tree shows it, kept so: folders import each other without cycles, the engine (src/core)
 * knows no front end, the pages (src/pages) no VS Code, and the CLI nothing of the extension. A new cycle or a wrong
 * import fails here with the files that make it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';

interface Edge {
  from: string;
  to: string;
  file: string;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const SOURCES = ['src', 'webview'].flatMap((d) => files(join(ROOT, d)));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** The folder a file belongs to, as the layering sees it: src/core/model, src/cli, webview/report, … */
function folderOf(path: string): string {
  return dirname(relative(ROOT, path))
    .split('/')
    .slice(0, 3)
    .join('/')
    .replace(/^webview\/(report|explain|shared)\/.*$/, 'webview/$1');
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

/** Imports that stay in the built code (type-only ones are erased). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/(?:^|\n)\s*(?:import|export) type [^;]*;/g, '');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

/** The source file an import names (`./x` → ./x.ts or ./x/index.ts). */
function resolveSource(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
}

/** Every source file a file's built code loads, following its relative value imports. */
function filesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(file)) if (spec.startsWith('.')) walk(resolveSource(file, spec));
  };
  walk(entry);
  return new Set([...seen].map((f) => relative(ROOT, f)));
}

/** The one module that loads onnxruntime-node (lazily, after switching its telemetry off). */
const RUNTIME = 'src/core/runtime/onnxruntime.ts';

/** Deep imports into src/core from `folder` (everything but the surface `allowed`). */
function deepCoreImports(folder: string, allowed: string[]): string[] {
  return SOURCES.filter((f) => relative(ROOT, f).startsWith(folder)).flatMap((f) =>
    valueImports(f)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(ROOT, resolveSource(f, spec)))
      .filter((target) => target.startsWith('src/core/') && !allowed.includes(target))
      .map((target) => `${relative(ROOT, f)} → ${target}`),
  );
}

const edges: Edge[] = SOURCES.flatMap((file) =>
  imports(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from: folderOf(file), to: folderOf(resolve(dirname(file), spec)), file: relative(ROOT, file) })),
).filter((e) => e.from !== e.to);

/** Strongly connected groups of folders with more than one member (Tarjan). */
function cycles(): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!graph.has(e.from)) graph.set(e.from, new Set());
    graph.get(e.from)!.add(e.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const offending = (ok: (e: Edge) => boolean) => edges.filter((e) => !ok(e)).map((e) => `${e.file} → ${e.to}`);

describe('architecture', () => {
  it('folders import each other without cycles', () => {
    const found = cycles().map((group) => {
      const inside = edges
        .filter((e) => group.includes(e.from) && group.includes(e.to))
        .map((e) => `${e.file} → ${e.to}`);
      return `${group.join(' ↔ ')}:\n  ${[...new Set(inside)].join('\n  ')}`;
    });
    assert.deepEqual(found, []);
  });

  it('the engine imports no front end, and nothing but the engine, Node and libraries', () => {
    assert.deepEqual(
      offending((e) => !e.from.startsWith('src/core') || e.to.startsWith('src/core')),
      [],
    );
    const vscode = SOURCES.filter(
      (f) => !relative(ROOT, f).startsWith('src/extension') && imports(f).includes('vscode'),
    ).map((f) => relative(ROOT, f));
    assert.deepEqual(vscode, [], 'only src/extension imports vscode');
  });

  it('the CLI and the pages know nothing of the extension; the webview apps nothing of the hosts', () => {
    assert.deepEqual(
      offending(
        (e) => !(e.from.startsWith('src/cli') || e.from.startsWith('src/pages')) || !e.to.startsWith('src/extension'),
      ),
      [],
    );
    assert.deepEqual(
      offending(
        (e) => !e.from.startsWith('webview') || !(e.to.startsWith('src/extension') || e.to.startsWith('src/cli')),
      ),
      [],
    );
  });

  it('front ends use the engine through its surfaces: the extension host through src/core/views.ts, which never loads onnxruntime', () => {
    assert.deepEqual(deepCoreImports('src/cli', ['src/core/index.ts']), []);
    assert.deepEqual(deepCoreImports('src/extension/inference/inferenceWorker.ts', ['src/core/index.ts']), []);
    assert.deepEqual(deepCoreImports('src/extension/inference/datasetJobs.ts', ['src/core/index.ts']), []);
    const host = SOURCES.map((f) => relative(ROOT, f)).filter(
      (f) =>
        f.startsWith('src/extension') &&
        !['src/extension/inference/inferenceWorker.ts', 'src/extension/inference/datasetJobs.ts'].includes(f),
    );
    assert.deepEqual(
      host.flatMap((f) => deepCoreImports(f, ['src/core/views.ts'])),
      [],
    );
    assert.ok(
      !filesReached(join(ROOT, 'src', 'core', 'views.ts')).has(RUNTIME),
      'src/core/views.ts reaches the runtime',
    );
    assert.ok(
      !filesReached(join(ROOT, 'src', 'extension', 'extension.ts')).has(RUNTIME),
      'the extension host reaches the runtime',
    );
    // And the engine's surface and the inference process do reach it: the walk follows imports.
    assert.ok(filesReached(join(ROOT, 'src', 'core', 'index.ts')).has(RUNTIME));
    assert.ok(filesReached(join(ROOT, 'src', 'extension', 'inference', 'inferenceWorker.ts')).has(RUNTIME));
    assert.deepEqual(
      SOURCES.filter(
        (f) =>
          relative(ROOT, f) !== RUNTIME &&
          /require\('onnxruntime|from 'onnxruntime/.test(readFileSync(f, 'utf8').replace(/import type [^;]*;/g, '')),
      ).map((f) => relative(ROOT, f)),
      [],
      `only ${RUNTIME} loads onnxruntime`,
    );
  });
});
