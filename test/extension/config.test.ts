import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS, explainOptions, readSettings } from '../../src/extension/config';
import { EXPLAINERS } from '../../src/core/explainers/registry';

const read = (values: Record<string, unknown>) => {
  const warnings: string[] = [];
  const settings = readSettings({ get: <T>(key: string) => values[key] as T | undefined }, (m) => warnings.push(m));
  return { settings, warnings };
};

describe('readSettings: the polarityLens.* settings', () => {
  it('unset settings give the documented defaults, silently', () => {
    const { settings, warnings } = read({});
    assert.deepEqual(warnings, []);
    assert.equal(settings.model, '');
    assert.deepEqual(settings.panel, {
      explainers: EXPLAINERS.map((e) => e.id),
      operator: 'delete',
      granularity: 'word',
      objective: 'probability',
      igSteps: 20,
    });
    assert.deepEqual(settings.load, { maxTokens: 256, threads: 0 });
    assert.equal(settings.editorExplainer, DEFAULTS.editorExplainer);
    assert.equal(settings.maxCharacters, 100_000);
    assert.equal(settings.datasetWorkers, 1);
  });

  it('valid values pass through; explainers come back in the registry order', () => {
    const { settings, warnings } = read({
      model: '  /models/mine  ',
      explainers: ['occlusion', 'raw-attention'],
      operator: 'zero-embedding',
      granularity: 'token',
      objective: 'logit',
      'integratedGradients.steps': 50,
      'sampling.samples': 1000,
      seed: 7,
      maxTokens: 128,
      'inference.threads': 2,
      'editor.explainer': 'occlusion',
      'dataset.workers': 4,
    });
    assert.equal(settings.datasetWorkers, 4);
    assert.deepEqual(warnings, []);
    assert.equal(settings.model, '/models/mine');
    assert.deepEqual(settings.panel.explainers, ['raw-attention', 'occlusion']);
    assert.deepEqual(explainOptions(settings), {
      explainers: ['raw-attention', 'occlusion'],
      operator: 'zero-embedding',
      granularity: 'token',
      objective: 'logit',
      igSteps: 50,
      samples: 1000,
      seed: 7,
      attentionLayer: -1,
      igBaseline: 'zero',
    });
    assert.deepEqual(settings.load, { maxTokens: 128, threads: 2 });
    assert.equal(settings.editorExplainer, 'occlusion');
  });

  it('each invalid value falls back to its default with a warning that names the setting and the allowed values', () => {
    const { settings, warnings } = read({
      operator: 'shred',
      granularity: 'char',
      objective: 3,
      'integratedGradients.steps': 0,
      'sampling.samples': 2.5,
      seed: -1,
      maxTokens: 100_000,
      'inference.threads': '4',
      'editor.explainer': 'crystal-ball',
      explainers: ['occlusion', 'astrology'],
      'dataset.workers': -1,
    });
    assert.equal(settings.panel.operator, 'delete');
    assert.equal(settings.panel.granularity, 'word');
    assert.equal(settings.panel.objective, 'probability');
    assert.equal(settings.panel.igSteps, 20);
    assert.equal(settings.explain.samples, 300);
    assert.equal(settings.explain.seed, 0);
    assert.deepEqual(settings.load, { maxTokens: 256, threads: 0 });
    assert.equal(settings.editorExplainer, 'attention-x-gradient');
    assert.deepEqual(settings.panel.explainers, ['occlusion']);
    assert.equal(settings.datasetWorkers, 1);
    assert.equal(warnings.length, 11, warnings.join('\n'));
    assert.ok(warnings.some((w) => /polarityLens\.operator must be one of .*delete.*; using delete/.test(w)));
    assert.ok(warnings.some((w) => /polarityLens\.maxTokens must be a whole number from 8 to 4096; using 256/.test(w)));
    assert.ok(warnings.some((w) => /unknown explainer astrology ignored/.test(w)));
  });

  it('a list of only unknown explainers runs them all rather than nothing', () => {
    const { settings, warnings } = read({ explainers: ['astrology'] });
    assert.equal(settings.panel.explainers.length, EXPLAINERS.length);
    assert.equal(warnings.length, 1);
  });
});
