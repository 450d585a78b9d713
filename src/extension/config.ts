/**
 * The `polarityLens.*` settings, read and validated in one place. Anything out of range falls back to its default
 * with a warning rather than reaching the engine (a typo in settings.json must not break Explain).
 */
import * as l10n from '@vscode/l10n';
import type { WireExplainOptions, WireLoadOptions } from './inference/protocol';
import type { PanelSettings } from '../pages/explain/explainProtocol';
import {
  ENGINE_SETTINGS,
  EXPLAINERS,
  DEFAULT_MEASURES,
  MEASURE_IDS,
  normalizeMeasures,
  readConfigValue,
  type EngineSettingValues,
  type MeasureId,
  type ExplainSettingValues,
} from '../core/views';

/** The slice of vscode.WorkspaceConfiguration this module reads (so tests need no VS Code). */
export interface ConfigurationReader {
  get<T>(key: string): T | undefined;
}

export interface ExtensionSettings {
  /** A shipped model name or a model folder; '' for the default. */
  model: string;
  /** The panel's controls, as the settings start them. */
  panel: PanelSettings;
  /** Every declared explain setting as the settings give it (the panel's controls override theirs). */
  explain: ExplainSettingValues;
  /** The explainer whose weights colour the editor. */
  editorExplainer: string;
  load: WireLoadOptions;
  /** Longest selection (in characters) sent to the engine at all. */
  maxCharacters: number;
  /** Processes a dataset run explains in. */
  datasetWorkers: number;
  /** What a dataset run computes per sample (measures.ts). */
  datasetMeasure: MeasureId[];
}

/** The explain settings a report's sample is explained with, whatever the settings say now (see DatasetSession.openSample). */
export type SampleEngineSettings = Partial<ExplainSettingValues>;

/** The extension's own settings (the engine's are declared in ENGINE_SETTINGS). */
export const DEFAULTS = {
  editorExplainer: 'attention-x-gradient',
  maxCharacters: 100_000,
};

function oneOf<T extends string>(
  raw: unknown,
  allowed: readonly T[],
  fallback: T,
  key: string,
  warn: (m: string) => void,
): T {
  if (raw === undefined || raw === null) return fallback;
  if (!allowed.includes(raw as T)) {
    warn(l10n.t('polarityLens.{0} must be one of {1}; using {2}.', key, allowed.join(', '), fallback));
    return fallback;
  }
  return raw as T;
}

export function readSettings(
  config: ConfigurationReader,
  warn: (message: string) => void = () => {},
): ExtensionSettings {
  const ids = EXPLAINERS.map((e) => e.id);
  const rawExplainers = config.get<unknown>('explainers');
  let explainers = ids;
  if (Array.isArray(rawExplainers) && rawExplainers.length > 0) {
    // Registry order, so rows always appear in the paper's order.
    explainers = listedIds(rawExplainers, ids, (unknown) =>
      warn(l10n.t('polarityLens.explainers: unknown explainer {0} ignored.', unknown)),
    );
    if (explainers.length === 0) explainers = ids;
  }
  // Every engine setting with a VS Code key, validated as declared (out of range: the default, with a warning).
  const engine = Object.fromEntries(
    ENGINE_SETTINGS.filter((spec) => 'config' in spec).map((spec) => [
      spec.key,
      readConfigValue(spec, config.get(spec.config), warn),
    ]),
  ) as unknown as EngineSettingValues;
  const explain = Object.fromEntries(
    ENGINE_SETTINGS.filter((spec) => spec.scope === 'explain').map((spec) => [spec.key, engine[spec.key]]),
  ) as unknown as ExplainSettingValues;
  const model = config.get<unknown>('model');
  return {
    model: typeof model === 'string' ? model.trim() : '',
    panel: {
      explainers,
      operator: engine.operator,
      granularity: engine.granularity,
      objective: engine.objective,
      igSteps: engine.igSteps,
    },
    explain,
    editorExplainer: oneOf(config.get('editor.explainer'), ids, DEFAULTS.editorExplainer, 'editor.explainer', warn),
    load: { maxTokens: engine.maxTokens, threads: engine.threads },
    maxCharacters: DEFAULTS.maxCharacters,
    datasetWorkers: engine.datasetWorkers,
    datasetMeasure: readMeasure(config.get<unknown>('dataset.measure'), warn),
  };
}

/** `polarityLens.dataset.measure`: known measures in the registry's order, verdicts always; unknown ones are said and ignored. */
function readMeasure(raw: unknown, warn: (message: string) => void): MeasureId[] {
  if (raw === undefined || raw === null) return [...DEFAULT_MEASURES];
  if (!Array.isArray(raw)) {
    warn(
      l10n.t(
        'polarityLens.dataset.measure must be a list of {0}; using {1}.',
        MEASURE_IDS.join(', '),
        DEFAULT_MEASURES.join(', '),
      ),
    );
    return [...DEFAULT_MEASURES];
  }
  return normalizeMeasures(
    listedIds(raw, MEASURE_IDS, (unknown) =>
      warn(l10n.t('polarityLens.dataset.measure: unknown measure {0} ignored.', unknown)),
    ),
  );
}

/** The ids of `registry` that `raw` lists, in the registry's order; `onUnknown` hears the others, joined. */
function listedIds<T extends string>(raw: unknown[], registry: readonly T[], onUnknown: (ids: string) => void): T[] {
  const unknown = raw.filter((id) => typeof id !== 'string' || !(registry as readonly string[]).includes(id));
  if (unknown.length) onUnknown(unknown.map(String).join(', '));
  return registry.filter((id) => raw.includes(id));
}

/** What the engine is asked to do, from the settings and the panel's controls. */
export function explainOptions(settings: ExtensionSettings, panel: PanelSettings = settings.panel): WireExplainOptions {
  // Absent values (a head not chosen) stay absent: they cross a process boundary as JSON.
  const declared = Object.fromEntries(Object.entries(settings.explain).filter(([, v]) => v !== undefined));
  return {
    ...declared,
    explainers: panel.explainers,
    operator: panel.operator,
    granularity: panel.granularity,
    objective: panel.objective,
    igSteps: panel.igSteps,
    ...(panel.target !== undefined ? { target: panel.target } : {}),
  };
}
