/**
 * The intervals the report prints: Wilson for proportions, Student t for means. Both 95%. When a row gives several
 * judgements (a multi-label model tests every label), they are not independent: proportions then use Wilson at the
 * effective sample size (ClusteredCount), and means average each row first.
 */
import type { MeanEstimate, Proportion, SampleRecord } from './datasetReport';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

const Z95 = 1.959963984540054;

/** Rates live in [0, 1]; their intervals are clipped there (RunningMean.estimate's bounds). */
export const RATE: [number, number] = [0, 1];

/** k of n with the 95% Wilson score interval (good near 0 and 1, where the report's ratios often are). */
export function proportion(k: number, n: number): Proportion {
  if (n === 0) return { k, n, ratio: null, lo: null, hi: null };
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 and k = n the bounds are exactly 0 and 1; computed, they land a rounding error away.
  return { k, n, ratio: p, lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half) };
}

/**
 * k of n judgements made in clusters (the labels of one row): the ratio, and the Wilson interval at n / deff, where the
 * design effect deff is the ratio estimator's variance over the binomial one (Kish), kept within [1, n / rows]: never
 * narrower than independent judgements, never wider than one judgement per row. When every judgement agrees the
 * variance ratio is undefined and the interval is the rows' (deff = n / rows), the cautious end.
 */
export class ClusteredCount {
  private rows = 0;
  private k = 0;
  private n = 0;
  private kk = 0;
  private nn = 0;
  private kn = 0;

  /** One row's judgements: `k` of `n` counted. */
  addRow(k: number, n: number): void {
    if (n === 0) return;
    this.rows++;
    this.k += k;
    this.n += n;
    this.kk += k * k;
    this.nn += n * n;
    this.kn += k * n;
  }

  estimate(): Proportion {
    const { k, n, rows } = this;
    if (n === 0) return proportion(0, 0);
    const r = k / n;
    const most = n / rows;
    let deff = most;
    if (k > 0 && k < n && rows > 1) {
      // Σ (k_i − r·n_i)² / (rows − 1), the ratio estimator's residual variance, from the running sums.
      const residual = (this.kk - 2 * r * this.kn + r * r * this.nn) / (rows - 1);
      const clustered = residual / (rows * (n / rows) ** 2);
      deff = Math.min(most, Math.max(1, clustered / ((r * (1 - r)) / n)));
    }
    if (deff === 1) return proportion(k, n);
    const effective = n / deff;
    const wilson = proportion(r * effective, effective);
    return { k, n, ratio: r, lo: wilson.lo, hi: wilson.hi, effectiveN: effective };
  }
}

/** A running mean and variance (Welford), so a 100,000-sample run keeps two numbers per statistic, not the samples. */
export class RunningMean {
  private n = 0;
  private mean = 0;
  private m2 = 0;

  add(x: number | null | undefined): void {
    if (x === null || x === undefined || !Number.isFinite(x)) return;
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  /**
   * The mean with its t interval (95% unless `confidence` says otherwise), clipped to `bounds` (e.g. [0, 1] for a
   * rate, which cannot leave them).
   */
  estimate(bounds: [number, number] = [-Infinity, Infinity], confidence = 0.95): MeanEstimate {
    if (this.n === 0) return { n: 0, mean: null, lo: null, hi: null };
    if (this.n === 1) return { n: 1, mean: this.mean, lo: null, hi: null };
    // Student's t at n − 1 degrees of freedom, exactly (a normal quantile would be ≈ 4% too narrow at 31).
    const t = tQuantile(1 - (1 - confidence) / 2, this.n - 1);
    const half = t * Math.sqrt(this.m2 / (this.n - 1) / this.n);
    return {
      n: this.n,
      mean: this.mean,
      lo: Math.max(bounds[0], this.mean - half),
      hi: Math.min(bounds[1], this.mean + half),
    };
  }
}

/** Each explainer's violation share in `record` into its running mean in `means` (one that did not run is skipped). */
export function addViolationMeans(means: Map<string, RunningMean>, record: Pick<SampleRecord, 'explainers'>): void {
  for (const [id, e] of Object.entries(record.explainers)) {
    if (e.violationMean === null) continue;
    let mean = means.get(id);
    if (!mean) means.set(id, (mean = new RunningMean()));
    mean.add(e.violationMean);
  }
}
