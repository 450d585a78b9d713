/**
 * The engine options `explain` and `check` share: their flags, validation and help, all derived from the settings'
 * declarations (src/core/settings/engineSettings.ts) and the explainer registry.
 */
import {
  ENGINE_SETTINGS,
  EXPLAINERS,
  flagHelp,
  parseFlag,
  type ExplainOptions,
  type LoadOptions,
  type SettingSpec,
} from '../core';

type FlagSetting = Extract<(typeof ENGINE_SETTINGS)[number], { flag: string }>;
type Flag = FlagSetting['flag'];

const FLAG_SETTINGS: readonly SettingSpec[] = ENGINE_SETTINGS.filter((s): s is FlagSetting => 'flag' in s);

/** parseArgs' options for every engine flag (values are validated by engineOptions, defaults applied there). */
export const ENGINE_FLAGS = {
  explainers: { type: 'string' },
  ...(Object.fromEntries(FLAG_SETTINGS.map((s) => [s.flag!, { type: 'string' }])) as Record<Flag, { type: 'string' }>),
} as const;

export const ENGINE_HELP = [
  `  --explainers   comma-separated, from: ${EXPLAINERS.map((e) => e.id).join(', ')}; default all`,
  ...FLAG_SETTINGS.map(flagHelp),
  `  --layer all    also run every explainer that reads one layer (${EXPLAINERS.filter((e) =>
    (e.reads as readonly string[]).includes('attentionLayer'),
  )
    .map((e) => e.id)
    .join(', ')}) at every attention layer: the violation ratio by depth`,
].join('\n');

type EngineValues = { [K in keyof typeof ENGINE_FLAGS]?: string };

export type EngineOptions = Omit<ExplainOptions, 'metrics' | 'cancelled' | 'reuse'> & { seed: number };

/** The flags as explain and load options, or an Error that names the flag and what it accepts. */
export function engineOptions(
  values: EngineValues,
): EngineOptions & { load: Pick<LoadOptions, 'threads' | 'maxTokens'> } {
  const parsed: Record<string, number | string | undefined> = {};
  // `--layer all` is the depth sweep; the explainers' own layer stays the declared default.
  const layerSweep = values.layer?.trim().toLowerCase() === 'all';
  for (const spec of FLAG_SETTINGS)
    parsed[spec.key] = parseFlag(
      spec,
      spec.key === 'attentionLayer' && layerSweep ? undefined : values[spec.flag as Flag],
    );
  const explainers = values.explainers
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = EXPLAINERS.map((e) => e.id);
  const unknown = explainers?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length) throw new Error(`--explainers: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const { maxTokens, threads, ...explain } = parsed;
  return {
    ...(explain as unknown as EngineOptions),
    ...(layerSweep ? { layerSweep: true } : {}),
    explainers,
    load: { maxTokens: maxTokens as number, threads: threads as number },
  };
}
