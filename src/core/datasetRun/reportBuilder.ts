/**
 * Folds sample records into the report's summary as they arrive: running tallies only, so the summary of a 100,000-row
 * run costs a few numbers per explainer and bin (plus the sample browser's compact rows).
 */
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import { PAPER_OPERATORS } from '../erasure/operators';
import { explainerById } from '../explainers/registry';
import { METRICS } from '../faithfulness/metrics/registry';
import {
  toSampleRow,
  type BinRow,
  type DatasetReport,
  type ExplainerSummary,
  type MetricInfo,
  type SampleExplainer,
  type SampleRecord,
  type SampleRow,
} from './datasetReport';
import { MEASURE_IDS, RANDOM_SEEDS, type MeasureId } from './measures';
import { addViolationMeans, ClusteredCount, RATE, RunningMean } from './statistics';
import { ClassTally } from './classBreakdown';
import { PairedTally } from './pairedDifferences';

const LENGTH_EDGES = [1, 6, 11, 21, 41, 81];
const CONFIDENCE_EDGES = [0, 0.5, 0.6, 0.7, 0.8, 0.9];
const TOP_TOKENS = 10;

interface ExplainerTally {
  runs: number;
  failures: number;
  error?: string;
  violations: Map<ErasureOperatorName, ClusteredCount>;
  violationMean: RunningMean;
  heldOutMean: RunningMean;
  byConstruction: Partial<Record<ErasureOperatorName, string>>;
  tokenLevelRate: RunningMean;
  weightedRate: RunningMean;
  metrics: Map<string, RunningMean>;
  ms: number;
  polarity: [number, number, number, number, number];
}

/** The mean of a row's values that exist (one judgement per label of a multi-label row), or undefined. */
function rowMean(values: (number | null | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : undefined;
}

class Bins {
  private readonly rows: { samples: number; violation: Map<string, RunningMean> }[];
  constructor(
    private readonly edges: number[],
    private readonly label: (from: number, to: number) => string,
  ) {
    this.rows = edges.map(() => ({ samples: 0, violation: new Map() }));
  }
  add(value: number, record: SampleRecord): void {
    let i = this.edges.length - 1;
    while (i > 0 && value < this.edges[i]) i--;
    const bin = this.rows[i];
    bin.samples++;
    addViolationMeans(bin.violation, record);
  }
  build(ids: string[]): BinRow[] {
    return this.rows
      .map((bin, i) => {
        const from = this.edges[i];
        const to = this.edges[i + 1] ?? Infinity;
        return {
          label: this.label(from, to),
          from,
          to: Number.isFinite(to) ? to : -1,
          samples: bin.samples,
          violation: Object.fromEntries(ids.map((id) => [id, bin.violation.get(id)?.estimate().mean ?? null])),
        };
      })
      .filter((b) => b.samples > 0);
  }
}

/**
 * Rows come in whole: one record each, or one per label for a multi-label model. A row's judgements are correlated, so
 * proportions are counted per row (ClusteredCount) and means average each row's judgements before they enter.
 */
export class ReportBuilder {
  private readonly tallies = new Map<string, ExplainerTally>();
  /** Random's violations and the samples it was measured on, per seed and paper operator. */
  private readonly random = RANDOM_SEEDS.map(() => PAPER_OPERATORS.map(() => ({ k: 0, n: 0 })));
  private samples = 0;
  private rows = 0;
  private readonly accuracy = new ClusteredCount();
  private ms = 0;
  private readonly byLength = new Bins(LENGTH_EDGES, (from, to) =>
    Number.isFinite(to) ? `${from}–${to - 1} units` : `${from}+ units`,
  );
  private readonly byConfidence = new Bins(
    CONFIDENCE_EDGES,
    (from, to) => `p(ŷ) ${from.toFixed(1)}–${Number.isFinite(to) ? to.toFixed(1) : '1.0'}`,
  );
  /** Predicted class → explainer → token → violations it caused as the top unit. */
  private readonly tokens = new Map<string, Map<string, Map<string, number>>>();
  readonly sampleRows: SampleRow[] = [];

  private readonly classes?: ClassTally;
  private readonly pairs: PairedTally;
  /** `--layer all`: explainer id → a running mean per layer. */
  private readonly depth = new Map<string, RunningMean[]>();
  private readonly classNames?: string[];

  /**
   * `multiLabel`: rows come one record per label, and sample rows say which label they test. `classes`: a single-label
   * model's class names, for the report per class (with `target`, the class asked for, if any).
   */
  constructor(
    private readonly explainers: string[],
    private readonly operator: ErasureOperatorName,
    private readonly multiLabel = false,
    classes?: { names: string[]; target?: number },
    /** What the run measured (measures.ts): what it did not is left out of the summary, never shown as zeros. */
    private readonly measure: readonly MeasureId[] = MEASURE_IDS,
  ) {
    this.pairs = new PairedTally(explainers, PAPER_OPERATORS, multiLabel);
    if (classes && !multiLabel) {
      this.classes = new ClassTally(classes.names, classes.target);
      this.classNames = classes.names;
    }
  }

  /** One data row's records: a single judgement, or a multi-label row's one per label. */
  addRow(records: SampleRecord[]): void {
    if (records.length === 0) return;
    this.rows++;
    const labelled = records.filter((r) => r.correct !== null);
    this.accuracy.addRow(labelled.filter((r) => r.correct).length, labelled.length);
    this.pairs.addRow(records.map((r) => r.explainers));
    this.addDepth(records);
    for (const id of this.explainers) {
      const ran = records.map((r) => r.explainers[id]).filter((e): e is SampleExplainer => e !== undefined);
      if (ran.length) this.addExplainer(id, ran, records);
    }
    for (const record of records) {
      this.samples++;
      this.ms += record.ms;
      record.random.forEach((perOp, seed) =>
        perOp.forEach((v, op) => {
          if (v === null) return; // the model could not run this operator (e.g. no embedding tensor)
          this.random[seed][op].n++;
          if (v) this.random[seed][op].k++;
        }),
      );
      this.byLength.add(record.units, record);
      this.byConfidence.add(record.prediction.probability, record);
      this.classes?.add(record);
      this.sampleRows.push(toSampleRow(record, this.explainers, this.multiLabel, this.classNames));
    }
  }

  private addExplainer(id: string, judged: SampleExplainer[], records: SampleRecord[]): void {
    const t = this.tally(id);
    const ok = judged.filter((e) => !e.error);
    for (const e of judged) {
      t.ms += e.ms;
      if (e.error) {
        t.failures++;
        t.error ??= e.error;
      } else t.runs++;
    }
    if (ok.length === 0) return;
    // The paper's operators, and the chosen one where it is not one of them.
    for (const op of new Set(ok.flatMap((e) => Object.keys(e.verdicts) as ErasureOperatorName[]))) {
      const verdicts = ok.map((e) => e.verdicts[op]).filter((v) => v !== undefined);
      let count = t.violations.get(op);
      if (!count) t.violations.set(op, (count = new ClusteredCount()));
      count.addRow(verdicts.filter((v) => v.violates).length, verdicts.length);
    }
    t.violationMean.add(rowMean(ok.map((e) => e.violationMean)));
    t.heldOutMean.add(rowMean(ok.map((e) => (e.byConstruction ? e.heldOutMean : e.violationMean))));
    for (const e of ok) Object.assign(t.byConstruction, e.byConstruction);
    t.tokenLevelRate.add(rowMean(ok.map((e) => e.tokenLevelRate)));
    t.weightedRate.add(rowMean(ok.map((e) => e.weightedRate)));
    for (const metric of new Set(ok.flatMap((e) => Object.keys(e.metrics)))) {
      let mean = t.metrics.get(metric);
      if (!mean) t.metrics.set(metric, (mean = new RunningMean()));
      mean.add(rowMean(ok.map((e) => e.metrics[metric])));
    }
    for (const e of ok) e.polarity?.forEach((c, i) => (t.polarity[i] += c));
    records.forEach((record) => {
      const e = record.explainers[id];
      if (!e || e.error) return;
      if (e.verdicts[this.operator]?.violates && e.topText !== undefined)
        // Keyed by ŷ's name, also when every sample explains one class (check --target).
        this.countToken(
          this.classNames && record.predicted !== undefined
            ? this.classNames[record.predicted]
            : record.prediction.label,
          id,
          e.topText,
        );
    });
  }

  /** A row's depth sweep: per explainer and layer, the mean of its judgements (one, or one per label). */
  private addDepth(records: SampleRecord[]): void {
    const ids = new Set(records.flatMap((r) => Object.keys(r.depth ?? {})));
    for (const id of ids) {
      const perRecord = records.map((r) => r.depth?.[id] ?? []);
      const layers = Math.max(...perRecord.map((d) => d.length));
      let means = this.depth.get(id);
      if (!means) this.depth.set(id, (means = []));
      for (let l = 0; l < layers; l++) (means[l] ??= new RunningMean()).add(rowMean(perRecord.map((d) => d[l])));
    }
  }

  private tally(id: string): ExplainerTally {
    let t = this.tallies.get(id);
    if (!t) {
      t = {
        runs: 0,
        failures: 0,
        violations: new Map(),
        violationMean: new RunningMean(),
        heldOutMean: new RunningMean(),
        byConstruction: {},
        tokenLevelRate: new RunningMean(),
        weightedRate: new RunningMean(),
        metrics: new Map(),
        ms: 0,
        polarity: [0, 0, 0, 0, 0],
      };
      this.tallies.set(id, t);
    }
    return t;
  }

  private countToken(cls: string, explainer: string, token: string): void {
    let byExplainer = this.tokens.get(cls);
    if (!byExplainer) this.tokens.set(cls, (byExplainer = new Map<string, Map<string, number>>()));
    let counts = byExplainer.get(explainer);
    if (!counts) byExplainer.set(explainer, (counts = new Map<string, number>()));
    const key = token.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  private depthSummary(): NonNullable<DatasetReport['depth']> {
    const layers = Math.max(...[...this.depth.values()].map((m) => m.length));
    return {
      layers,
      explainers: this.explainers
        .filter((id) => this.depth.has(id))
        .map((id) => ({
          id,
          label: explainerById(id).label,
          byLayer: Array.from({ length: layers }, (_, l) =>
            (this.depth.get(id)![l] ?? new RunningMean()).estimate(RATE),
          ),
        })),
    };
  }

  /** The summary part of the report (everything but the header fields the runner knows and the records). */
  summary(): Pick<
    DatasetReport,
    | 'samples'
    | 'rowsExplained'
    | 'accuracy'
    | 'metrics'
    | 'explainers'
    | 'random'
    | 'byLength'
    | 'byConfidence'
    | 'classes'
    | 'pairs'
    | 'depth'
    | 'violationTokens'
  > & { msPerSample: number } {
    const metrics: MetricInfo[] = (this.measure.includes('metrics') ? METRICS : []).map((m) => ({
      id: m.id,
      label: m.label,
      better: m.better,
      description: m.description,
    }));
    // Every requested explainer, in the order of ReportView.sampleRows' violation columns (zero runs before any sample).
    const explainers: ExplainerSummary[] = this.explainers.map((id) => {
      const t = this.tally(id);
      const info = explainerById(id);
      return {
        id,
        label: info.label,
        signed: info.signed,
        family: info.family,
        runs: t.runs,
        failures: t.failures,
        ...(t.error ? { error: t.error } : {}),
        violation: Object.fromEntries([...t.violations].map(([op, c]) => [op, c.estimate()])),
        violationMean: t.violationMean.estimate(RATE),
        heldOutMean: t.heldOutMean.estimate(RATE),
        ...(Object.keys(t.byConstruction).length ? { byConstruction: { ...t.byConstruction } } : {}),
        tokenLevelRate: t.tokenLevelRate.estimate(RATE),
        weightedRate: t.weightedRate.estimate(RATE),
        metrics: Object.fromEntries(
          metrics.map((m) => [m.id, t.metrics.get(m.id)?.estimate() ?? new RunningMean().estimate()]),
        ),
        msPerSample: t.runs + t.failures ? t.ms / (t.runs + t.failures) : 0,
        ...(this.measure.includes('token-level') ? { polarity: t.polarity } : {}),
      };
    });
    const floor = this.measure.includes('random-floor');
    const perSeed = (floor ? RANDOM_SEEDS : []).map((seed, s) => ({
      seed,
      violation: Object.fromEntries(
        PAPER_OPERATORS.flatMap((op, j) =>
          this.random[s][j].n ? [[op, this.random[s][j].k / this.random[s][j].n]] : [],
        ),
      ),
    }));
    // Each seed's mean over the operators that ran, like an explainer's violation mean.
    const seedMeans = this.random.map((perOp) => {
      const ran = perOp.filter((c) => c.n > 0);
      return ran.length ? ran.reduce((a, c) => a + c.k / c.n, 0) / ran.length : 0;
    });
    const ids = explainers.map((e) => e.id);
    const accuracy = this.accuracy.estimate();
    // Class names come from the model's config: built with own properties, so a class named "__proto__" is a key.
    const byClass: DatasetReport['violationTokens']['byClass'] = Object.fromEntries(
      [...this.tokens].map(([cls, byExplainer]) => [
        cls,
        Object.fromEntries(
          [...byExplainer].map(([id, counts]) => [
            id,
            [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_TOKENS),
          ]),
        ),
      ]),
    );
    return {
      samples: this.samples,
      rowsExplained: this.rows,
      accuracy: accuracy.n ? accuracy : null,
      metrics,
      explainers,
      random: {
        perSeed,
        mean: floor && this.samples ? seedMeans.reduce((a, b) => a + b, 0) / seedMeans.length : null,
        spread: floor && this.samples ? Math.max(...seedMeans) - Math.min(...seedMeans) : null,
      },
      byLength: this.byLength.build(ids),
      byConfidence: this.byConfidence.build(ids),
      ...(this.classes ? { classes: this.classes.build(ids) } : {}),
      pairs: this.pairs.build(),
      ...(this.depth.size ? { depth: this.depthSummary() } : {}),
      violationTokens: { byClass },
      msPerSample: this.samples ? this.ms / this.samples : 0,
    };
  }
}
