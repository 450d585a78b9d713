import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import {
  currentModel,
  DEFAULT_MODEL,
  resolveModelSetting,
  type ModelChoiceDeps,
  type ModelSetting,
} from '../../src/extension/modelChoice';

const FOLDER = resolve('/work/space');
const HOME = resolve('/home/ada');
/** `folder` null: no workspace folder on disk. */
const path = (value: string, folder: string | null = FOLDER) => {
  const r = resolveModelSetting({ value, ...(folder ? { folder } : {}) }, HOME);
  return 'path' in r ? r.path : r.error;
};

/** Deps over a plain map for the pick, a fixed setting and a trust flag. */
function deps(setting: ModelSetting, picked?: string, trusted = true): ModelChoiceDeps {
  const state = new Map<string, unknown>(picked ? [['polarityLens.model', picked]] : []);
  return {
    workspaceState: {
      get: (key: string) => state.get(key),
      update: async (key: string, value: unknown) => void state.set(key, value),
      keys: () => [...state.keys()],
    } as never,
    setting: () => setting,
    isTrusted: () => trusted,
  };
}

describe('polarityLens.model: relative paths mean the workspace folder', () => {
  it('a shipped name stays a name; an absolute path stays itself', () => {
    assert.equal(path('sst2-transformer'), 'sst2-transformer');
    assert.equal(path(resolve('/models/mine')), resolve('/models/mine'));
    assert.equal(path(resolve('/models/mine/../other')), resolve('/models/other'));
  });

  it('a relative path, ./ or ${workspaceFolder} resolve against the folder, never the process working directory', () => {
    for (const value of ['models/mine', './models/mine', '${workspaceFolder}/models/mine', 'models/x/../mine'])
      assert.equal(path(value), join(FOLDER, 'models', 'mine'), value);
    assert.equal(path('${workspaceFolder}'), FOLDER);
    assert.equal(path('../shared/model'), join(FOLDER, '..', 'shared', 'model'));
  });

  it('~ and ${userHome} are the home folder (but ~name is a relative path)', () => {
    assert.equal(path('~'), HOME);
    assert.equal(path('~/models/mine'), join(HOME, 'models', 'mine'));
    assert.equal(path('${userHome}/models/mine'), join(HOME, 'models', 'mine'));
    assert.equal(path('~bob/models'), join(FOLDER, '~bob', 'models'));
    assert.equal(path('~/models/mine', null), join(HOME, 'models', 'mine'), 'no folder needed');
  });

  it('without a folder on disk, a relative path is an error that says what to do', () => {
    for (const value of ['models/mine', '${workspaceFolder}/models/mine'])
      assert.match(path(value, null), /relative path .*no workspace folder on disk is open.*absolute path/);
  });
});

describe('currentModel: which model, and where the choice comes from', () => {
  it('the default, the setting (resolved), and a pick, each saying so', () => {
    assert.deepEqual(currentModel(deps({ value: '' })), {
      dir: resolveModelDir(DEFAULT_MODEL),
      name: DEFAULT_MODEL,
      shipped: true,
      source: 'default',
    });
    const fromSetting = currentModel(deps({ value: 'models/mine', folder: FOLDER }));
    assert.deepEqual(fromSetting, {
      dir: join(FOLDER, 'models', 'mine'),
      name: 'mine',
      shipped: false,
      source: 'setting',
      setting: 'models/mine',
    });
    const picked = currentModel(deps({ value: 'models/mine', folder: FOLDER }, 'sst2-cnn-dot'));
    assert.equal(picked.source, 'pick');
    assert.equal(picked.name, 'sst2-cnn-dot');
    assert.equal(picked.overridesSetting, true, 'the pick overrides a setting that names another model');
    assert.equal(picked.setting, 'models/mine');
  });

  it('a pick naming the model the setting names overrides nothing; an unset setting is not overridden', () => {
    const same = currentModel(deps({ value: 'models/mine', folder: FOLDER }, join(FOLDER, 'models', 'mine')));
    assert.equal(same.source, 'pick');
    assert.equal(same.overridesSetting, undefined);
    const unset = currentModel(deps({ value: '' }, 'sst2-cnn-dot'));
    assert.equal(unset.overridesSetting, undefined);
    assert.equal(unset.setting, undefined);
  });

  it('a relative setting with no folder falls back to the default model with a warning (so does restricted mode)', () => {
    const noFolder = currentModel(deps({ value: 'models/mine' }));
    assert.equal(noFolder.name, DEFAULT_MODEL);
    assert.equal(noFolder.source, 'default');
    assert.equal(noFolder.setting, 'models/mine');
    assert.match(noFolder.warning!, /relative path models\/mine.*Using the shipped sst2-bilstm-tanh\./);
    const restricted = currentModel(deps({ value: 'models/mine', folder: FOLDER }, undefined, false));
    assert.equal(restricted.name, DEFAULT_MODEL);
    assert.match(
      restricted.warning!,
      new RegExp(
        `Restricted mode: the model folder ${join(FOLDER, 'models', 'mine').replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} is not loaded`,
      ),
    );
    const shipped = currentModel(deps({ value: 'sst2-transformer' }, undefined, false));
    assert.equal(shipped.name, 'sst2-transformer', 'shipped models run in restricted mode');
  });
});
