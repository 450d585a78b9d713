import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import {
  EXPLANATION_KEY,
  ExplanationRecipe,
  newRevision,
  PanelMemory,
  StateStore,
} from '../../src/extension/panelMemory';
import { fakeResult } from '../webview/fakeResult';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-memory-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(tmp, `storage-${dirs++}`);

function store(): StateStore & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(k: string) => values.get(k) as T | undefined,
    update: async (k, v) => void values.set(k, v),
  };
}

function explanation(text: string): { recipe: ExplanationRecipe; result: ExplainResult } {
  const result = fakeResult([{ id: 'a' }]);
  result.text = text;
  const recipe: ExplanationRecipe = {
    revision: newRevision(),
    text,
    what: 'the selection',
    model: { dir: result.model.dir, name: result.model.name },
    options: { explainers: ['a'], seed: 3, samples: 40 },
    load: { maxTokens: 256, threads: 0 },
    settings: { explainers: ['a'], operator: 'delete', granularity: 'word', objective: 'probability', igSteps: 20 },
    explainedAt: new Date().toISOString(),
  };
  return { recipe, result };
}

describe('PanelMemory: what the explain panel shows, across window reloads', () => {
  it('recalls the latest of several explanations remembered in quick succession, result included', async () => {
    const state = store();
    const dir = freshDir();
    const memory = new PanelMemory(state, dir);
    const all = ['first', 'second', 'third'].map(explanation);
    await Promise.all(all.map(({ recipe, result }) => memory.rememberExplanation(recipe, result)));
    const recalled = await new PanelMemory(state, dir).recallExplanation(); // the next window's
    assert.equal(recalled?.recipe.text, 'third');
    assert.deepEqual(recalled?.result, all[2].result);
  });

  it('gives the recipe alone when the result file is of another explanation, damaged, or there is no storage folder', async () => {
    const state = store();
    const dir = freshDir();
    const memory = new PanelMemory(state, dir);
    const older = explanation('older');
    await memory.rememberExplanation(older.recipe, older.result);
    const olderFile = readFileSync(join(dir, 'last-explanation.json'), 'utf8');
    const newer = explanation('newer');
    await memory.rememberExplanation(newer.recipe, newer.result);
    writeFileSync(join(dir, 'last-explanation.json'), olderFile);
    assert.deepEqual(
      await memory.recallExplanation(),
      { recipe: newer.recipe },
      'a result of another revision is not used',
    );
    writeFileSync(join(dir, 'last-explanation.json'), '{"revision":');
    assert.deepEqual(await memory.recallExplanation(), { recipe: newer.recipe });
    writeFileSync(
      join(dir, 'last-explanation.json'),
      JSON.stringify({ revision: newer.recipe.revision, result: { schema: 'something/else' } }),
    );
    assert.deepEqual(await memory.recallExplanation(), { recipe: newer.recipe }, "another engine's result is not used");
    const noFolder = new PanelMemory(state, undefined);
    await noFolder.rememberExplanation(newer.recipe, newer.result);
    assert.deepEqual(await noFolder.recallExplanation(), { recipe: newer.recipe });
  });

  it('ignores a damaged or foreign record in workspace state, and a folder it cannot write to only warns', async () => {
    const state = store();
    state.values.set(EXPLANATION_KEY, { revision: 1, text: ['not', 'a', 'text'] });
    assert.equal(await new PanelMemory(state, freshDir()).recallExplanation(), undefined);
    const blocker = join(tmp, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const warnings: string[] = [];
    const memory = new PanelMemory(state, join(blocker, 'storage'), (m) => warnings.push(m));
    const { recipe, result } = explanation('kept as a recipe');
    await memory.rememberExplanation(recipe, result);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not keep the explanation for a window reload/);
    assert.deepEqual(await memory.recallExplanation(), { recipe });
  });

  it('remembers the last dataset run and refuses a record that is not whole', async () => {
    const state = store();
    const memory = new PanelMemory(state, undefined);
    assert.equal(memory.recallDatasetRun(), undefined);
    const run = {
      path: '/data/reviews.csv',
      columns: { text: 'text', label: null },
      selection: { mode: 'first' as const, n: 5 },
      model: { dir: '/models/m', name: 'm' },
      explain: { explainers: ['a'] },
      load: { maxTokens: 256, threads: 0 },
    };
    await memory.rememberDatasetRun(run);
    assert.deepEqual(memory.recallDatasetRun(), run);
    state.values.set('polarityLens.lastDatasetRun', {
      path: '/data/reviews.csv',
      columns: { text: 'text' },
      selection: { mode: 'all' },
    });
    assert.equal(
      memory.recallDatasetRun(),
      undefined,
      'a run remembered by an older version, without its model and settings',
    );
  });
});
