/**
 * The `polarityLens.*` settings, read and validated in one place. Anything out of range falls back to its default
 * with a warning rather than reaching the engine (a typo in settings.json must not break Explain).
 */
import type { WireExplainOptions, WireLoadOptions } from './inference/protocol';
import type { PanelSettings } from './panel/webviewProtocol';
import { EXPLAINERS } from '../core/explainers/registry';
import { ERASURE_OPERATORS } from '../core/erasure/operators';
import type { ErasureOperatorName } from '../core/erasure/erasureOperator';

/** The slice of vscode.WorkspaceConfiguration this module reads (so tests need no VS Code). */
export interface ConfigurationReader {
  get<T>(key: string): T | undefined;
}

export interface ExtensionSettings {
  /** A shipped model name or a model folder; '' for the default. */
  model: string;
  panel: PanelSettings;
  samples: number;
  seed: number;
  /** The explainer whose weights colour the editor. */
  editorExplainer: string;
  load: WireLoadOptions;
  /** Longest selection (in characters) sent to the engine at all. */
  maxCharacters: number;
  /** Processes a dataset run explains in. */
  datasetWorkers: number;
}

export const DEFAULTS = {
  operator: 'delete' as ErasureOperatorName,
  granularity: 'word' as const,
  objective: 'probability' as const,
  igSteps: 20,
  samples: 300,
  seed: 0,
  editorExplainer: 'attention-x-gradient',
  maxTokens: 256,
  threads: 0,
  maxCharacters: 100_000,
  datasetWorkers: 1,
};

function integer(raw: unknown, min: number, max: number, fallback: number, key: string, warn: (m: string) => void): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    warn(`polarityLens.${key} must be a whole number from ${min} to ${max}; using ${fallback}.`);
    return fallback;
  }
  return raw;
}

function oneOf<T extends string>(raw: unknown, allowed: readonly T[], fallback: T, key: string, warn: (m: string) => void): T {
  if (raw === undefined || raw === null) return fallback;
  if (!allowed.includes(raw as T)) {
    warn(`polarityLens.${key} must be one of ${allowed.join(', ')}; using ${fallback}.`);
    return fallback;
  }
  return raw as T;
}

export function readSettings(config: ConfigurationReader, warn: (message: string) => void = () => {}): ExtensionSettings {
  const ids = EXPLAINERS.map((e) => e.id);
  const rawExplainers = config.get<unknown>('explainers');
  let explainers = ids;
  if (Array.isArray(rawExplainers) && rawExplainers.length > 0) {
    const unknown = rawExplainers.filter((id) => !ids.includes(id));
    if (unknown.length) warn(`polarityLens.explainers: unknown explainer ${unknown.join(', ')} ignored.`);
    // Registry order, so rows always appear in the paper's order.
    explainers = ids.filter((id) => rawExplainers.includes(id));
    if (explainers.length === 0) explainers = ids;
  }
  const model = config.get<unknown>('model');
  return {
    model: typeof model === 'string' ? model.trim() : '',
    panel: {
      explainers,
      operator: oneOf(config.get('operator'), Object.keys(ERASURE_OPERATORS) as ErasureOperatorName[], DEFAULTS.operator, 'operator', warn),
      granularity: oneOf(config.get('granularity'), ['word', 'token'] as const, DEFAULTS.granularity, 'granularity', warn),
      objective: oneOf(config.get('objective'), ['probability', 'logit'] as const, DEFAULTS.objective, 'objective', warn),
      igSteps: integer(config.get('integratedGradients.steps'), 1, 500, DEFAULTS.igSteps, 'integratedGradients.steps', warn),
    },
    samples: integer(config.get('sampling.samples'), 10, 10_000, DEFAULTS.samples, 'sampling.samples', warn),
    seed: integer(config.get('seed'), 0, 2 ** 31 - 1, DEFAULTS.seed, 'seed', warn),
    editorExplainer: oneOf(config.get('editor.explainer'), ids, DEFAULTS.editorExplainer, 'editor.explainer', warn),
    load: {
      maxTokens: integer(config.get('maxTokens'), 8, 4096, DEFAULTS.maxTokens, 'maxTokens', warn),
      threads: integer(config.get('inference.threads'), 0, 64, DEFAULTS.threads, 'inference.threads', warn),
    },
    maxCharacters: DEFAULTS.maxCharacters,
    datasetWorkers: integer(config.get('dataset.workers'), 0, 64, DEFAULTS.datasetWorkers, 'dataset.workers', warn),
  };
}

/** What the engine is asked to do, from the settings and the panel's controls. */
export function explainOptions(settings: ExtensionSettings, panel: PanelSettings = settings.panel): WireExplainOptions {
  return {
    explainers: panel.explainers,
    operator: panel.operator,
    granularity: panel.granularity,
    objective: panel.objective,
    igSteps: panel.igSteps,
    ...(panel.label !== undefined ? { label: panel.label } : {}),
    samples: settings.samples,
    seed: settings.seed,
  };
}
