/**
 * What a dataset run computes per sample (`check --measure`, `polarityLens.dataset.measure`). The violation verdicts
 * need only each explainer's top unit erased under each operator; everything else is a separate cost, so a run says
 * which it wants and the report says what it did not compute instead of showing zeros. Pure, so the webview bundles it.
 */

/** The seeds of the Random floor (the paper reports Random as a floor; three draws show its spread). */
export const RANDOM_SEEDS = [0, 1, 2] as const;

export interface MeasureSpec {
  id: string;
  /** What the report shows for it, as a noun phrase ("token-level violation rates …"). */
  label: string;
  /** One sentence: what it computes and what it costs per sample, for the CLI's help and the setting. */
  description: string;
}

export const MEASURES = [
  {
    id: 'verdicts',
    label: 'violation verdicts',
    description:
      "Each explainer's top unit erased under each of the paper's three operators: the violation ratios, their paired differences, the charts by length and confidence and the tokens behind violations. Always computed.",
  },
  {
    id: 'token-level',
    label: 'token-level rates and polarity counts',
    description:
      "Every unit erased under each of the paper's three operators (leave-one-out): the token-level and |w|-weighted violation rates and the polarity confusion matrix. About three forward runs per word.",
  },
  {
    id: 'metrics',
    label: 'faithfulness metrics',
    description:
      'Comprehensiveness, sufficiency, AOPC, rank correlation with leave-one-out and decision flip for every explainer, under the chosen operator. About twenty forward runs per explainer.',
  },
  {
    id: 'random-floor',
    label: 'the Random floor',
    description: `Random weights' verdicts for ${RANDOM_SEEDS.length} seeds under each operator: the floor every violation ratio is read against. A few forward runs.`,
  },
] as const satisfies readonly MeasureSpec[];

export type MeasureId = (typeof MEASURES)[number]['id'];

export const MEASURE_IDS: readonly MeasureId[] = MEASURES.map((m) => m.id);

/** What the report shows first: the violation ratios next to the Random floor. */
export const DEFAULT_MEASURES: readonly MeasureId[] = ['verdicts', 'random-floor'];

/** `ids` in the registry's order, verdicts always included (they are what the test is). */
export function normalizeMeasures(ids: readonly MeasureId[]): MeasureId[] {
  return MEASURE_IDS.filter((id) => id === 'verdicts' || ids.includes(id));
}

/** `--measure a,b` (or `all`), or an Error that names what is unknown and what is accepted. */
export function parseMeasures(raw: string): MeasureId[] {
  const asked = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (asked.length === 0) throw new Error(`--measure needs a list from: all, ${MEASURE_IDS.join(', ')}.`);
  const unknown = asked.filter((id) => id !== 'all' && !(MEASURE_IDS as readonly string[]).includes(id));
  if (unknown.length)
    throw new Error(`--measure: unknown ${unknown.join(', ')}; known: all, ${MEASURE_IDS.join(', ')}.`);
  if (asked.includes('all')) return [...MEASURE_IDS];
  return normalizeMeasures(asked as MeasureId[]);
}

/** What a report measured: its `settings.measure`, or everything for a report written before runs could choose. */
export function measuredBy(settings: { measure?: readonly MeasureId[] }): MeasureId[] {
  return settings.measure ? normalizeMeasures(settings.measure) : [...MEASURE_IDS];
}

/** The measures a report did not compute, in the registry's order. */
export function notMeasured(settings: { measure?: readonly MeasureId[] }): (typeof MEASURES)[number][] {
  const measured = measuredBy(settings);
  return MEASURES.filter((m) => !measured.includes(m.id));
}

/** Whether a report measured `id` (an older report, without the list, measured everything). */
export function measured(settings: { measure?: readonly MeasureId[] }, id: MeasureId): boolean {
  return measuredBy(settings).includes(id);
}

/** Whether a report computed anything under the chosen operator (metrics, token-level rates, polarity counts). */
export function measuredUnderChosenOperator(settings: { measure?: readonly MeasureId[] }): boolean {
  return measured(settings, 'metrics') || measured(settings, 'token-level');
}

/**
 * The sentence a report shows where figures are missing because the run did not compute them (not zeros, not "—" as
 * if undefined for the samples), or null when it computed everything.
 */
export function notMeasuredNote(settings: { measure?: readonly MeasureId[] }): string | null {
  const missing = notMeasured(settings);
  if (!missing.length) return null;
  return `Not computed in this run (it measured ${measuredBy(settings).join(', ')}): ${missing.map((m) => m.label).join('; ')}. A run with --measure all (in VS Code, the setting polarityLens.dataset.measure) computes them.`;
}

/** The engine options (ExplainOptions) that compute exactly `measure` for one text. */
export function measureOptions(measure: readonly MeasureId[]): {
  metrics: boolean;
  impactRows: boolean;
  randomFloor: number[];
} {
  return {
    metrics: measure.includes('metrics'),
    impactRows: measure.includes('token-level'),
    randomFloor: measure.includes('random-floor') ? [...RANDOM_SEEDS] : [],
  };
}
