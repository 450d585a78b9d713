/**
 * Every setting a user can give the engine, declared once: its default, its range or choices, its CLI flag, its
 * VS Code key and the sentence that describes it, and whether it changes a text's outcome (then it keys the dataset
 * cache and is written into the report, so a sample opened from a report is explained exactly as the report was).
 * The CLI's flags and help, the extension's validation, the panel's limits, the report's settings and the cache key
 * derive from this table; a test holds package.json's `contributes.configuration` to it. Which explainers read a
 * setting is each explainer's own declaration (`reads`). Pure, so the webview bundles it too.
 */
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { ERASURE_OPERATORS } from '../erasure/operators';
import type { Granularity } from '../tokenize/units';
import type { Objective } from '../gradients/objective';

/** Each setting's value once read (an integer whose default is null may be absent). */
export interface EngineSettingValues {
  operator: ErasureOperatorName;
  granularity: Granularity;
  objective: Objective;
  igSteps: number;
  igBaseline: 'zero' | 'pad';
  samples: number;
  seed: number;
  attentionLayer: number;
  attentionHead: number | undefined;
  maxTokens: number;
  threads: number;
  datasetWorkers: number;
}

export interface SettingBase {
  /** The option's name in ExplainOptions or the load options. */
  key: string;
  /** The CLI flag without its dashes; absent: not a command-line option. */
  flag?: string;
  /** The key under `polarityLens.` in VS Code; absent: not a VS Code setting. */
  config?: string;
  /** One sentence, for the CLI's help and the VS Code setting's description. */
  description: string;
  /** Changes what a text's explanation is: keys the dataset cache and goes into the report's settings. */
  outcome: boolean;
  /** Where it applies: the explanation, the model's loading, or only the extension. */
  scope: 'explain' | 'load' | 'extension';
}

export interface IntegerSetting extends SettingBase {
  type: 'integer';
  /** null: no value, which means `absent` (e.g. "heads averaged"). */
  default: number | null;
  min: number;
  max: number;
  absent?: string;
}

export interface ChoiceSetting extends SettingBase {
  type: 'choice';
  default: string;
  choices: readonly { value: string; description: string }[];
}

export type SettingSpec = IntegerSetting | ChoiceSetting;

const SEED_MAX = 2 ** 31 - 1;

/** The engine's settings. Erasure operators' and explainers' lists come from their registries (see the front ends). */
export const ENGINE_SETTINGS = [
  {
    key: 'operator',
    flag: 'operator',
    config: 'operator',
    type: 'choice',
    default: 'delete',
    scope: 'explain',
    outcome: true,
    description:
      "The erasure operator of occlusion, LIME, Kernel SHAP and the faithfulness metrics; the violation test always runs the paper's three operators as well.",
    choices: Object.values(ERASURE_OPERATORS).map((op) => ({
      value: op.name,
      description: op.paperName ? `${op.paperName}: ${op.description}` : op.description,
    })),
  },
  {
    key: 'granularity',
    flag: 'granularity',
    config: 'granularity',
    type: 'choice',
    default: 'word',
    scope: 'explain',
    outcome: true,
    description: 'Explain per word or per subword token.',
    choices: [
      { value: 'word', description: 'Subword weights summed per word; a word is erased whole' },
      { value: 'token', description: 'One unit per subword token' },
    ],
  },
  {
    key: 'objective',
    flag: 'objective',
    config: 'objective',
    type: 'choice',
    default: 'probability',
    scope: 'explain',
    outcome: true,
    description: 'What gradient explainers differentiate.',
    choices: [
      {
        value: 'probability',
        description: "Differentiate p(ŷ), the probability of the explained class (the paper's choice)",
      },
      { value: 'logit', description: 'Differentiate z_ŷ, the logit of the explained class' },
    ],
  },
  {
    key: 'igSteps',
    flag: 'ig-steps',
    config: 'integratedGradients.steps',
    type: 'integer',
    default: 20,
    min: 1,
    max: 1000,
    scope: 'explain',
    outcome: true,
    description: 'Integrated Gradients: Riemann steps from the baseline to the input (more is more exact and slower).',
  },
  {
    key: 'igBaseline',
    flag: 'ig-baseline',
    config: 'integratedGradients.baseline',
    type: 'choice',
    default: 'zero',
    scope: 'explain',
    outcome: true,
    description: 'Integrated Gradients: the baseline the path starts from.',
    choices: [
      { value: 'zero', description: 'All-zero word embeddings' },
      { value: 'pad', description: "The [PAD] token's embedding at every position" },
    ],
  },
  {
    key: 'samples',
    flag: 'samples',
    config: 'sampling.samples',
    type: 'integer',
    default: 300,
    min: 10,
    max: 10_000,
    scope: 'explain',
    outcome: true,
    description: 'LIME and Kernel SHAP: perturbed inputs per text.',
  },
  {
    key: 'seed',
    flag: 'seed',
    config: 'seed',
    type: 'integer',
    default: 0,
    min: 0,
    max: SEED_MAX,
    scope: 'explain',
    outcome: true,
    description:
      'Seed for the random baseline, LIME and Kernel SHAP (and for sampling dataset rows), so every number is reproducible.',
  },
  {
    key: 'attentionLayer',
    flag: 'layer',
    config: 'attention.layer',
    type: 'integer',
    default: -1,
    min: -128,
    max: 127,
    scope: 'explain',
    outcome: true,
    description:
      'The attention layer RawAtt, AttGrad and its ablations, AttIN and PLRP read; negative counts from the last (-1).',
  },
  {
    key: 'attentionHead',
    flag: 'head',
    config: 'attention.head',
    type: 'integer',
    default: null,
    min: 0,
    max: 1023,
    absent: 'heads averaged',
    scope: 'explain',
    outcome: true,
    description: 'The attention head those explainers read; empty: the heads averaged.',
  },
  {
    key: 'maxTokens',
    flag: 'max-tokens',
    config: 'maxTokens',
    type: 'integer',
    default: 256,
    min: 8,
    max: 4096,
    scope: 'load',
    outcome: true,
    description:
      "Longest input explained, in model tokens (special tokens included); longer texts are cut and the result says so. The model's own maximum applies too.",
  },
  {
    key: 'threads',
    flag: 'threads',
    config: 'inference.threads',
    type: 'integer',
    default: 0,
    min: 0,
    max: 64,
    scope: 'load',
    outcome: false,
    description: 'onnxruntime intra-op threads; 0 lets onnxruntime choose.',
  },
  {
    key: 'datasetWorkers',
    config: 'dataset.workers',
    type: 'integer',
    default: 1,
    min: 0,
    max: 64,
    scope: 'extension',
    outcome: false,
    description:
      'Processes a dataset run explains in, one onnxruntime thread each; 0: one per CPU core (at most 64). The report is the same; each process holds its own copy of the model.',
  },
] as const satisfies readonly (SettingSpec & { key: keyof EngineSettingValues })[];

export type EngineSettingKey = keyof EngineSettingValues;

/** The settings of an explanation (scope 'explain'), as opposed to the model's loading or the extension's own. */
export type ExplainSettingKey = Extract<(typeof ENGINE_SETTINGS)[number], { scope: 'explain' }>['key'];
export type ExplainSettingValues = Pick<EngineSettingValues, ExplainSettingKey>;

export function settingSpec(key: EngineSettingKey): SettingSpec {
  return ENGINE_SETTINGS.find((s) => s.key === key)!;
}

/** Each setting's default, by key (null where the default is "absent"). */
export function settingDefault(key: EngineSettingKey): number | string | null {
  return settingSpec(key).default;
}

/** The settings that change an explanation (`outcome`), as a report records them and a dataset cache is keyed. */
export type OutcomeSettings = Pick<
  EngineSettingValues,
  | 'operator'
  | 'granularity'
  | 'objective'
  | 'igSteps'
  | 'igBaseline'
  | 'samples'
  | 'seed'
  | 'attentionLayer'
  | 'maxTokens'
> & {
  /** null: heads averaged (JSON has no undefined). */
  attentionHead: number | null;
};

/** `values`' outcome settings, in declaration order; `maxTokens` is the effective limit (the model's own applies too). */
export function outcomeSettings(
  values: Omit<OutcomeSettings, 'attentionHead'> & { attentionHead?: number | null },
): OutcomeSettings {
  const source = values as unknown as Record<string, unknown>;
  const out = Object.fromEntries(ENGINE_SETTINGS.filter((s) => s.outcome).map((s) => [s.key, source[s.key] ?? null]));
  return out as unknown as OutcomeSettings;
}

/** "an integer from 1 to 1000" / "one of word, token": what a setting accepts, for messages and help. */
export function accepted(spec: SettingSpec): string {
  if (spec.type === 'integer') return `an integer from ${spec.min} to ${spec.max}`;
  const values = spec.choices.map((c) => c.value);
  return values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
}

/** A command-line value for `spec`, or an Error naming the flag and what it accepts. undefined: the default. */
export function parseFlag(spec: SettingSpec, raw: string | undefined): number | string | undefined {
  if (raw === undefined) return spec.default ?? undefined;
  if (spec.type === 'choice') {
    if (!spec.choices.some((c) => c.value === raw)) throw new Error(`--${spec.flag} must be ${accepted(spec)}.`);
    return raw;
  }
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(value) || value < spec.min || value > spec.max)
    throw new Error(`--${spec.flag} must be ${accepted(spec)}.`);
  return value;
}

/**
 * A VS Code setting's value for `spec`: anything out of range falls back to the default with a warning, so a typo in
 * settings.json never breaks Explain.
 */
export function readConfigValue(
  spec: SettingSpec,
  raw: unknown,
  warn: (message: string) => void,
): number | string | undefined {
  const fallback = spec.default ?? undefined;
  if (raw === undefined || raw === null) return fallback;
  const ok =
    spec.type === 'choice'
      ? spec.choices.some((c) => c.value === raw)
      : typeof raw === 'number' && Number.isInteger(raw) && raw >= spec.min && raw <= spec.max;
  if (ok) return raw as number | string;
  const what = spec.type === 'integer' ? `a whole number from ${spec.min} to ${spec.max}` : accepted(spec);
  warn(
    `polarityLens.${spec.config} must be ${what}; using ${fallback ?? (spec.type === 'integer' && spec.absent ? spec.absent : 'the default')}.`,
  );
  return fallback;
}

/** A flag's line in the CLI help: the description, what it accepts and its default. */
export function flagHelp(spec: SettingSpec): string {
  const fallback = spec.default === null ? (spec.type === 'integer' ? spec.absent : undefined) : String(spec.default);
  const name = `--${spec.flag}`;
  return `  ${name.padEnd(15)}${spec.description} ${accepted(spec).replace(/^./, (c) => c.toUpperCase())}; default ${fallback}.`;
}

/** The JSON schema package.json must declare for a VS Code setting (what the settings UI validates and shows). */
export function configurationSchema(spec: SettingSpec): Record<string, unknown> {
  if (spec.type === 'choice') {
    return {
      type: 'string',
      enum: spec.choices.map((c) => c.value),
      enumDescriptions: spec.choices.map((c) => c.description),
      default: spec.default,
      description: spec.description,
    };
  }
  return {
    type: spec.default === null ? ['integer', 'null'] : 'integer',
    default: spec.default,
    minimum: spec.min,
    maximum: spec.max,
    description: spec.description,
  };
}
