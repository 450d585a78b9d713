/**
 * This run next to a baseline report (`check --baseline OLD.json`), typically the same dataset explained by an earlier
 * model: per explainer and per paper operator, the change in violation ratio on the samples both explained, with the
 * paired statistics of pairedDifferences.ts (paired t interval, Bonferroni-adjusted over the explainers compared;
 * exact McNemar per operator, Holm-adjusted), where side A is this run and side B the baseline; and the change in
 * accuracy.
 *
 * Samples are paired by data row and text (a row whose text changed is not paired), not by the dataset's name or a
 * hash of its file: a CI checkout puts the same file at another path, a renamed copy is the same data, and an edited
 * file is compared on the rows it still shares; the counts say how many. A baseline is refused when the reports
 * measure different things (another unit granularity, another target class, a multi-label run against a single-label
 * one), when no explainer can be compared, or when no sample is shared. An explainer that reads a setting that differs
 * (e.g. --ig-steps for Integrated Gradients) is left out with why, not compared.
 */
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { PAPER_OPERATORS } from '../erasure/operators';
import { EXPLAINERS } from '../explainers/registry';
import { settingSpec, type EngineSettingKey } from '../settings/engineSettings';
import { ComparisonError, judgedExplainer, textKey, type BaselineReport, type BaselineRow } from './baselineReport';
import type { ComparedExplainer, ComparedRatio, DatasetReport, ModelComparison, SampleRecord } from './datasetReport';
import { DIFFERENCE, holm, mcnemarExact, PairedTally } from './pairedDifferences';
import { RATE, RunningMean } from './statistics';

/** What a comparison reads of this run's report: its settings, its model and the explainers' names. */
export type ComparedHeader = Pick<DatasetReport, 'settings' | 'model' | 'dataset' | 'explainers'>;

/** The explainers a comparison covers, those it leaves out and why, and what the reader should know. */
export interface ComparisonPlan {
  explainers: string[];
  excluded: { id: string; reason: string }[];
  notes: string[];
  operators: ErasureOperatorName[];
  multiLabel: boolean;
}

const headKind = (r: Pick<DatasetReport, 'model'>) => r.model.head?.kind ?? 'softmax';
const targetName = (r: Pick<DatasetReport, 'model' | 'settings'>) =>
  r.settings.target === undefined ? null : (r.model.labels[r.settings.target] ?? `class ${r.settings.target}`);
const explained = (name: string | null) => (name === null ? "each sample's prediction ŷ" : `the class "${name}"`);
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/**
 * Which explainers can be compared, or a ComparisonError when the two reports measure different things. Checked before
 * anything is explained (with the report's header) and again on the finished report.
 */
export function comparisonPlan(baseline: BaselineReport, current: ComparedHeader): ComparisonPlan {
  const old = baseline.summary;
  const refuse = (why: string) => new ComparisonError(`cannot compare with the baseline ${baseline.file}: ${why}.`);
  const [oldKind, newKind] = [headKind(old), headKind(current)];
  if ((oldKind === 'multi-label') !== (newKind === 'multi-label'))
    throw refuse(
      `the baseline's model is ${oldKind} and this one ${newKind}: a multi-label run tests every label of every row, a single-label run each row's one class, so their violation ratios count different judgements`,
    );
  if (targetName(old) !== targetName(current))
    throw refuse(
      `the baseline explained ${explained(targetName(old))} and this run explains ${explained(targetName(current))} (--target): every Δ is about another class`,
    );
  if (old.settings.granularity !== current.settings.granularity)
    throw refuse(
      `the baseline explained per ${old.settings.granularity} and this run per ${current.settings.granularity} (--granularity): their top units are different things`,
    );
  const excluded: ComparisonPlan['excluded'] = [];
  const explainers: string[] = [];
  for (const id of old.settings.explainers)
    if (!current.settings.explainers.includes(id)) excluded.push({ id, reason: 'not run in this run' });
  for (const id of current.settings.explainers) {
    if (!old.settings.explainers.includes(id)) {
      excluded.push({ id, reason: 'not run in the baseline' });
      continue;
    }
    const differs = settingsRead(id).filter((key) => !sameSetting(old.settings, current.settings, key));
    if (differs.length)
      excluded.push({
        id,
        reason: `it reads ${differs
          .map(
            (key) =>
              `--${settingSpec(key).flag ?? key}, which differs (baseline ${show(old.settings, key)}, this run ${show(current.settings, key)})`,
          )
          .join('; ')}`,
      });
    else explainers.push(id);
  }
  if (explainers.length === 0)
    throw refuse(
      `no explainer can be compared (${excluded.map((e) => `${e.id}: ${e.reason}`).join('; ') || 'none ran'})`,
    );
  const operators = PAPER_OPERATORS.filter(
    (op) => old.settings.operators.includes(op) && current.settings.operators.includes(op),
  );
  if (operators.length === 0) throw refuse('the two reports share no erasure operator');
  return {
    explainers,
    excluded,
    notes: notes(baseline, current),
    operators,
    multiLabel: newKind === 'multi-label',
  };
}

function settingsRead(id: string): EngineSettingKey[] {
  return [...(EXPLAINERS.find((e) => e.id === id)?.reads ?? [])];
}

type Settings = DatasetReport['settings'];
/** A setting's value in a report (settings are numbers and words; null where absent, as JSON writes "none"). */
const setting = (s: Settings, key: EngineSettingKey) =>
  (s as unknown as Record<string, string | number | null | undefined>)[key] ?? null;
const sameSetting = (a: Settings, b: Settings, key: EngineSettingKey) => setting(a, key) === setting(b, key);
const show = (s: Settings, key: EngineSettingKey) => {
  const v = setting(s, key);
  return v === null ? 'none' : String(v);
};

/** What differs between the reports without making them incomparable. */
function notes(baseline: BaselineReport, current: ComparedHeader): string[] {
  const old = baseline.summary;
  const out: string[] = [];
  if (old.model.sha256 === current.model.sha256)
    out.push('Both reports are of the same model files: any change comes from the settings or the samples.');
  if (old.model.labels.join('\u0000') !== current.model.labels.join('\u0000'))
    out.push(
      `The models' classes differ (baseline: ${old.model.labels.join(', ')}; this run: ${current.model.labels.join(', ')}): each model's violations are about its own prediction, and accuracy uses each model's own classes.`,
    );
  if (old.settings.maxTokens !== current.settings.maxTokens)
    out.push(
      `Inputs were cut at ${old.settings.maxTokens} tokens in the baseline and at ${current.settings.maxTokens} here (the models' limits or --max-tokens): longer texts were not explained alike.`,
    );
  const missing = PAPER_OPERATORS.filter(
    (op) => !old.settings.operators.includes(op) || !current.settings.operators.includes(op),
  );
  if (missing.length) out.push(`Not in both reports, so not compared: ${missing.join(', ')}.`);
  if (baseName(old.dataset.path) !== baseName(current.dataset.path))
    out.push(
      `The baseline ran on ${baseName(old.dataset.path)} and this run on ${baseName(current.dataset.path)}: samples are paired by row and text whatever the file's name.`,
    );
  return out;
}

/**
 * How many of `rows` (this run's selection, before it is explained) the baseline explained with the same text: a
 * baseline of another dataset is refused before an hour of explaining, not after.
 */
export async function countSharedRows(
  baseline: BaselineReport,
  rows: AsyncIterable<{ row: number; text: string }>,
): Promise<number> {
  let shared = 0;
  for await (const r of rows) if (baseline.rows.get(r.row)?.textKey === textKey(r.text)) shared++;
  return shared;
}

const SIDES = ['current', 'baseline'];

/** One explainer's tallies: over the operators together, and per operator. */
interface ExplainerTallies {
  id: string;
  index: number;
  mean: PairedTally;
  perOperator: PairedTally[];
}

/** Accuracy on the shared labelled samples: each side's, the paired difference and McNemar's discordant counts. */
class AccuracyTally {
  readonly current = new RunningMean();
  readonly baseline = new RunningMean();
  readonly change = new RunningMean();
  onlyCurrent = 0;
  onlyBaseline = 0;
  n = 0;

  /** One row's paired judgements whose gold label is the same in both and names a class of each model. */
  addRow(pairs: [boolean, boolean][], clustered: boolean): void {
    if (pairs.length === 0) return;
    const mean = (f: (p: [boolean, boolean]) => number) => pairs.reduce((s, p) => s + f(p), 0) / pairs.length;
    this.current.add(mean(([c]) => Number(c)));
    this.baseline.add(mean(([, b]) => Number(b)));
    this.change.add(mean(([c, b]) => Number(c) - Number(b)));
    if (clustered) return;
    for (const [c, b] of pairs) {
      this.n++;
      if (c && !b) this.onlyCurrent++;
      if (b && !c) this.onlyBaseline++;
    }
  }

  build(clustered: boolean): ComparedRatio | null {
    if (this.change.estimate().n === 0) return null;
    const p = mcnemarExact(this.onlyCurrent, this.onlyBaseline);
    return {
      baseline: this.baseline.estimate(RATE),
      current: this.current.estimate(RATE),
      change: { ...this.change.estimate(DIFFERENCE, 0.95), confidence: 0.95 },
      ...(clustered
        ? {}
        : { mcnemar: { onlyCurrent: this.onlyCurrent, onlyBaseline: this.onlyBaseline, n: this.n, p, pHolm: p } }),
    };
  }
}

/** This run's records grouped by data row (a multi-label model's come one per label, one after the other). */
async function* byRow(records: AsyncIterable<SampleRecord>): AsyncGenerator<SampleRecord[]> {
  let group: SampleRecord[] = [];
  for await (const r of records) {
    if (group.length && group[0].row !== r.row) {
      yield group;
      group = [];
    }
    group.push(r);
  }
  if (group.length) yield group;
}

/**
 * The comparison of this run (its report and its records, streamed) with the baseline. Throws ComparisonError when the
 * reports cannot be compared or share no sample.
 */
export async function compareWithBaseline(
  baseline: BaselineReport,
  current: ComparedHeader,
  records: AsyncIterable<SampleRecord>,
): Promise<ModelComparison> {
  const plan = comparisonPlan(baseline, current);
  const clustered = plan.multiLabel;
  const tallies: ExplainerTallies[] = plan.explainers.map((id) => ({
    id,
    index: baseline.explainers.indexOf(id),
    mean: new PairedTally(SIDES, plan.operators, clustered),
    perOperator: plan.operators.map((op) => new PairedTally(SIDES, [op], clustered)),
  }));
  const accuracy = new AccuracyTally();
  const rows = { shared: 0, onlyBaseline: 0, onlyCurrent: 0, changedText: 0 };
  let samples = 0;
  for await (const group of byRow(records)) {
    const old = baseline.rows.get(group[0].row);
    if (!old || old.textKey !== textKey(group[0].text)) {
      rows.onlyCurrent++;
      if (old) rows.changedText++;
      continue;
    }
    rows.shared++;
    const paired = pairJudgements(group, old);
    samples += paired.length;
    for (const t of tallies) {
      const judgements = paired.map(([record, j]) => ({
        current: record.explainers[t.id],
        baseline: t.index < 0 ? undefined : judgedExplainer(j.verdicts[t.index]),
      }));
      t.mean.addRow(judgements);
      for (const tally of t.perOperator) tally.addRow(judgements);
    }
    accuracy.addRow(
      paired
        .filter(([r, j]) => r.correct !== null && j.correct !== null && r.label === j.gold)
        .map(([r, j]) => [r.correct!, j.correct!]),
      clustered,
    );
  }
  rows.onlyBaseline = baseline.rows.size - rows.shared;
  if (rows.shared === 0)
    throw new ComparisonError(
      `no sample is shared with the baseline ${baseline.file}: it explained ${baseline.rows.size} rows of ${baseName(baseline.summary.dataset.path)}, this run ${rows.onlyCurrent} rows of ${baseName(current.dataset.path)}, and no row has the same index and text in both${rows.changedText ? ` (${rows.changedText} rows have the same index but another text)` : ''}.`,
    );
  const label = (id: string) => current.explainers.find((e) => e.id === id)?.label ?? id;
  const compared = buildExplainers(tallies, plan, label);
  const old = baseline.summary;
  return {
    baseline: {
      file: baseline.file,
      createdAt: old.createdAt,
      model: { name: old.model.name, sha256: old.model.sha256 },
      dataset: old.dataset.path,
      samples: old.samples,
    },
    current: { model: { name: current.model.name, sha256: current.model.sha256 } },
    rows,
    samples,
    explainers: compared,
    excluded: plan.excluded,
    accuracy: accuracy.build(clustered),
    notes: plan.notes,
  };
}

/** A row's judgements in both reports, paired by the class each explains (one pair for a single-label model). */
function pairJudgements(group: SampleRecord[], old: BaselineRow): [SampleRecord, BaselineRow['judgements'][number]][] {
  if (group.length === 1 && old.judgements.length === 1) return [[group[0], old.judgements[0]]];
  return group.flatMap((r) => {
    const j = old.judgements.find((o) => o.explained === r.prediction.label);
    return j ? [[r, j] as [SampleRecord, BaselineRow['judgements'][number]]] : [];
  });
}

/** Each explainer's ratios, the intervals Bonferroni-adjusted and McNemar's p Holm-adjusted over the explainers. */
function buildExplainers(
  tallies: ExplainerTallies[],
  plan: ComparisonPlan,
  label: (id: string) => string,
): ComparedExplainer[] {
  const family = tallies.length;
  const ratio = (tally: PairedTally, op?: ErasureOperatorName): ComparedRatio => {
    const [difference] = tally.build(family);
    const [shares] = tally.shares();
    const test = op === undefined ? undefined : difference.mcnemar[op];
    return {
      baseline: shares.b,
      current: shares.a,
      change: difference.difference,
      ...(test
        ? { mcnemar: { onlyCurrent: test.onlyA, onlyBaseline: test.onlyB, n: test.n, p: test.p, pHolm: test.p } }
        : {}),
    };
  };
  const out = tallies.map((t) => ({
    id: t.id,
    label: label(t.id),
    mean: ratio(t.mean),
    operators: Object.fromEntries(plan.operators.map((op, j) => [op, ratio(t.perOperator[j], op)])),
  }));
  for (const op of plan.operators) {
    const tested = out.map((e) => e.operators[op]).filter((r) => r.mcnemar !== undefined);
    holm(tested.map((r) => r.mcnemar!.p)).forEach((adjusted, i) => (tested[i].mcnemar!.pHolm = adjusted));
  }
  return out;
}
