/**
 * Paired comparisons of explainers on the same samples: for every pair (A, B), the difference of their violation
 * means (A − B, each sample's share of the paper's operators) with a paired t interval, and per paper operator an exact
 * McNemar test on the top-unit verdicts (the discordant samples only), with Holm's adjustment over every pair. A
 * difference between two explainers' ratios is only a finding when these say so; two separate intervals that overlap
 * do not say it is not.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { PairedDifference, SampleExplainer } from './datasetReport';
import { RunningMean } from './statistics';

/** Differences of two rates live in [−1, 1]; their intervals are clipped there. */
const DIFFERENCE: [number, number] = [-1, 1];

/** Exact two-sided McNemar p-value: b and c discordant samples, under H0 each is A's or B's with probability ½. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialCdf(Math.min(b, c), n, 0.5));
}

/** Holm's step-down adjustment of p-values (family-wise error), returned in the input's order. */
export function holm(p: number[]): number[] {
  const order = p.map((value, i) => ({ value, i })).sort((x, y) => x.value - y.value);
  const adjusted = new Array<number>(p.length);
  let running = 0;
  order.forEach(({ value, i }, rank) => {
    running = Math.max(running, Math.min(1, (p.length - rank) * value));
    adjusted[i] = running;
  });
  return adjusted;
}

interface PairTally {
  difference: RunningMean;
  /** Per operator: samples where only A violates, only B violates, and both were judged. */
  discordant: Map<ErasureOperatorName, { onlyA: number; onlyB: number; n: number }>;
}

/**
 * Running tallies for every pair of explainers. Rows come whole; a multi-label row's labels are averaged into one paired
 * difference, and McNemar (which needs independent pairs) is left out for such runs.
 */
export class PairedTally {
  private readonly pairs: PairTally[] = [];

  constructor(
    private readonly explainers: string[],
    private readonly operators: readonly ErasureOperatorName[],
    private readonly clustered: boolean,
  ) {
    for (let a = 0; a < explainers.length; a++)
      for (let b = a + 1; b < explainers.length; b++)
        this.pairs.push({ difference: new RunningMean(), discordant: new Map() });
  }

  /** One row's judgements: per judgement, each explainer's outcome (undefined or with an error: did not run). */
  addRow(judgements: Record<string, SampleExplainer | undefined>[]): void {
    let k = 0;
    for (let a = 0; a < this.explainers.length; a++) {
      for (let b = a + 1; b < this.explainers.length; b++) {
        const pair = this.pairs[k++];
        const both = judgements
          .map((j) => [j[this.explainers[a]], j[this.explainers[b]]] as const)
          .filter(([x, y]) => x && y && !x.error && !y.error && x.violationMean !== null && y.violationMean !== null)
          .map(([x, y]) => [x!, y!] as const);
        if (both.length === 0) continue;
        pair.difference.add(both.reduce((s, [x, y]) => s + x.violationMean! - y.violationMean!, 0) / both.length);
        if (this.clustered) continue;
        for (const op of this.operators) {
          for (const [x, y] of both) {
            const vx = x.verdicts[op]?.violates;
            const vy = y.verdicts[op]?.violates;
            if (vx === undefined || vy === undefined) continue;
            let d = pair.discordant.get(op);
            if (!d) pair.discordant.set(op, (d = { onlyA: 0, onlyB: 0, n: 0 }));
            d.n++;
            if (vx && !vy) d.onlyA++;
            if (vy && !vx) d.onlyB++;
          }
        }
      }
    }
  }

  build(): PairedDifference[] {
    const out: PairedDifference[] = [];
    let k = 0;
    for (let a = 0; a < this.explainers.length; a++)
      for (let b = a + 1; b < this.explainers.length; b++) {
        const pair = this.pairs[k++];
        out.push({
          a: this.explainers[a],
          b: this.explainers[b],
          difference: pair.difference.estimate(DIFFERENCE),
          mcnemar: Object.fromEntries(
            [...pair.discordant].map(([op, d]) => [
              op,
              { onlyA: d.onlyA, onlyB: d.onlyB, n: d.n, p: mcnemarExact(d.onlyA, d.onlyB), pHolm: 1 },
            ]),
          ),
        });
      }
    // Holm over every pair, per operator: 153 pairs of 18 explainers are 153 tests.
    for (const op of this.operators) {
      const tested = out.filter((p) => p.mcnemar[op]);
      holm(tested.map((p) => p.mcnemar[op]!.p)).forEach((adjusted, i) => (tested[i].mcnemar[op]!.pHolm = adjusted));
    }
    return out;
  }
}
