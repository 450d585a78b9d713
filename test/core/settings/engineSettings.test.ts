import { DEFAULT_MEASURES, MEASURE_IDS, MEASURES, parseMeasures } from '../../../src/core/datasetRun/measures';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_FLAGS, ENGINE_HELP, engineOptions } from '../../../src/cli/engineOptions';
import { ERASURE_OPERATORS } from '../../../src/core/erasure/operators';
import { resolveExplainOptions } from '../../../src/core/explain/explainOptions';
import { EXPLAINERS } from '../../../src/core/explainers/registry';
import {
  configurationSchema,
  ENGINE_SETTINGS,
  parseFlag,
  readConfigValue,
  settingSpec,
  type ChoiceSetting,
  type EngineSettingValues,
} from '../../../src/core/settings/engineSettings';
import { readSettings } from '../../../src/extension/config';
import { localizedManifest } from '../../helpers/manifest';

// As the settings UI shows it: the descriptions live in package.nls.json.
const manifest = localizedManifest<{
  contributes: { configuration: { properties: Record<string, Record<string, unknown>> } };
}>();
const properties = manifest.contributes.configuration.properties;
/** The extension's own settings, which the engine never reads. */
const EXTENSION_ONLY = ['polarityLens.model', 'polarityLens.explainers', 'polarityLens.editor.explainer'];
/** A dataset run's own choice, declared by the measures' registry (measures.ts). */
const DATASET_RUN = ['polarityLens.dataset.measure'];

describe('settings: one declaration per setting', () => {
  it('package.json declares exactly the declared settings, with their defaults, ranges, choices and descriptions', () => {
    const declared = ENGINE_SETTINGS.filter((s) => 'config' in s);
    for (const spec of declared) {
      const { scope: _scope, ...property } = properties[`polarityLens.${spec.config}`] ?? {};
      assert.deepEqual(property, configurationSchema(spec), spec.key);
    }
    assert.deepEqual(
      Object.keys(properties).sort(),
      [...EXTENSION_ONLY, ...DATASET_RUN, ...declared.map((s) => `polarityLens.${s.config}`)].sort(),
      'no undeclared setting',
    );
  });

  it("the explainer and operator lists in package.json and the declarations are the registries'", () => {
    const ids = EXPLAINERS.map((e) => e.id);
    assert.deepEqual((properties['polarityLens.explainers'].items as { enum: string[] }).enum, ids);
    assert.deepEqual(properties['polarityLens.editor.explainer'].enum, ids);
    const operator = settingSpec('operator') as ChoiceSetting;
    assert.deepEqual(
      operator.choices.map((c) => c.value),
      Object.keys(ERASURE_OPERATORS),
    );
  });

  it("polarityLens.dataset.measure is the measures' registry: ids, descriptions, default; the extension reads it as check does", () => {
    const property = properties['polarityLens.dataset.measure'];
    const items = property.items as { enum: string[]; enumDescriptions: string[] };
    assert.deepEqual(items.enum, [...MEASURE_IDS]);
    assert.deepEqual(
      items.enumDescriptions,
      MEASURES.map((m) => m.description),
    );
    assert.deepEqual(property.default, [...DEFAULT_MEASURES]);
    const warnings: string[] = [];
    const read = (value: unknown) =>
      readSettings({ get: <T>(key: string) => (key === 'dataset.measure' ? (value as T) : undefined) }, (w) =>
        warnings.push(w),
      ).datasetMeasure;
    assert.deepEqual(read(undefined), [...DEFAULT_MEASURES]);
    // Registry order, verdicts always (they are the test), as parseMeasures does for --measure.
    assert.deepEqual(read(['metrics', 'token-level']), ['verdicts', 'token-level', 'metrics']);
    assert.deepEqual(read(['metrics', 'token-level']), parseMeasures('metrics,token-level'));
    assert.deepEqual(read([]), ['verdicts']);
    assert.equal(warnings.length, 0);
    assert.deepEqual(read(['metrics', 'everything', 3]), ['verdicts', 'metrics']);
    assert.match(warnings[0], /unknown measure everything, 3 ignored/);
    assert.deepEqual(read('all'), [...DEFAULT_MEASURES]);
    assert.match(warnings[1], /must be a list of verdicts, token-level, metrics, random-floor/);
  });

  it("every setting value has a declaration, and the engine's defaults are the declared ones", () => {
    const keys: (keyof EngineSettingValues)[] = [
      'operator',
      'granularity',
      'objective',
      'igSteps',
      'igBaseline',
      'samples',
      'seed',
      'attentionLayer',
      'attentionHead',
      'maxTokens',
      'threads',
      'datasetWorkers',
    ];
    assert.deepEqual(ENGINE_SETTINGS.map((s) => s.key).sort(), [...keys].sort());
    const resolved = resolveExplainOptions({}) as unknown as Record<string, unknown>;
    for (const spec of ENGINE_SETTINGS.filter((s) => s.scope === 'explain'))
      assert.equal(resolved[spec.key], spec.default ?? undefined, spec.key);
  });

  it('the CLI has a flag, with help, for every declared flag; the extension reads every declared key', () => {
    const flags = ENGINE_SETTINGS.flatMap((s) => ('flag' in s ? [s.flag] : []));
    assert.deepEqual(Object.keys(ENGINE_FLAGS).sort(), ['explainers', ...flags].sort());
    for (const flag of flags) assert.match(ENGINE_HELP, new RegExp(`--${flag} `), flag);
    const read: string[] = [];
    readSettings({ get: (key: string) => (read.push(key), undefined) });
    for (const spec of ENGINE_SETTINGS.filter((s) => 'config' in s)) assert.ok(read.includes(spec.config), spec.config);
  });

  it('the CLI and the settings accept the same ranges', () => {
    for (const spec of ENGINE_SETTINGS.filter((s) => 'flag' in s && 'config' in s)) {
      if (spec.type !== 'integer') continue;
      for (const [value, ok] of [
        [spec.min, true],
        [spec.max, true],
        [spec.min - 1, false],
        [spec.max + 1, false],
      ] as const) {
        const warnings: string[] = [];
        const fromConfig = readConfigValue(spec, value, (w) => warnings.push(w));
        assert.equal(warnings.length === 0, ok, `${spec.config} = ${value}`);
        if (ok) assert.equal(fromConfig, value);
        const fromFlag = (): boolean => {
          try {
            return parseFlag(spec, String(value)) === value;
          } catch {
            return false;
          }
        };
        assert.equal(fromFlag(), ok, `--${spec.flag} ${value}`);
      }
    }
    assert.throws(() => engineOptions({ 'ig-steps': '1001' }), /--ig-steps must be an integer from 1 to 1000/);
    assert.equal(engineOptions({ head: '3' }).attentionHead, 3);
    assert.equal(engineOptions({}).attentionHead, undefined, 'no head: heads averaged');
  });
});
