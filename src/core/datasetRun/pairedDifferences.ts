/**
 * Paired comparisons of explainers on the same samples: for every pair (A, B), the difference of their violation
 * shares (A − B per sample, over the paper's operators whose verdict is by construction for neither) with a paired t
 * interval, Bonferroni-adjusted so the intervals hold together over every pair compared; and per paper operator an
 * exact McNemar test on the top-unit verdicts (the discordant samples only; not under an operator marked † for
 * either), with Holm's adjustment over every pair. A difference between two explainers' ratios is only a finding when
 * these say so; two separate intervals that overlap do not say it is not.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import type { ErasureOperatorName } from '../erasure/erasureOperator';
import type { MeanEstimate, PairedDifference, SampleExplainer } from './datasetReport';
import { RATE, RunningMean } from './statistics';

/** Differences of two rates live in [−1, 1]; their intervals are clipped there. */
export const DIFFERENCE: [number, number] = [-1, 1];

/** What a paired comparison reads of an explainer's outcome on a sample: its verdicts, its † marks, whether it failed. */
export type JudgedExplainer = Pick<SampleExplainer, 'error' | 'byConstruction'> & {
  verdicts: Partial<Record<ErasureOperatorName, { violates: boolean }>>;
};

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

/** Whether an operator's verdict counts in a comparison: judged, and not by construction (†) for this explainer. */
function fair(e: JudgedExplainer, op: ErasureOperatorName): boolean {
  return e.verdicts[op] !== undefined && e.byConstruction?.[op] === undefined;
}

interface PairTally {
  difference: RunningMean;
  /** Each side's own share over the same operators and samples as the difference. */
  shareA: RunningMean;
  shareB: RunningMean;
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
        this.pairs.push({
          difference: new RunningMean(),
          shareA: new RunningMean(),
          shareB: new RunningMean(),
          discordant: new Map(),
        });
  }

  /** One row's judgements: per judgement, each explainer's outcome (undefined or with an error: did not run). */
  addRow(judgements: Record<string, JudgedExplainer | undefined>[]): void {
    let k = 0;
    for (let a = 0; a < this.explainers.length; a++) {
      for (let b = a + 1; b < this.explainers.length; b++) {
        const pair = this.pairs[k++];
        const both = judgements
          .map((j) => [j[this.explainers[a]], j[this.explainers[b]]] as const)
          .filter(([x, y]) => x && y && !x.error && !y.error)
          .map(([x, y]) => [x!, y!] as const);
        // Per judgement, the shares over the operators judged for both and marked † for neither.
        const shares = both.flatMap(([x, y]) => {
          const ops = this.operators.filter((op) => fair(x, op) && fair(y, op));
          if (ops.length === 0) return [];
          const share = (e: JudgedExplainer) => ops.filter((op) => e.verdicts[op]!.violates).length / ops.length;
          return [[share(x), share(y)] as const];
        });
        if (shares.length === 0) continue;
        // A multi-label row's judgements are averaged into one value per row.
        const rowMean = (f: (s: readonly [number, number]) => number) =>
          shares.reduce((sum, s) => sum + f(s), 0) / shares.length;
        pair.difference.add(rowMean(([sa, sb]) => sa - sb));
        pair.shareA.add(rowMean(([sa]) => sa));
        pair.shareB.add(rowMean(([, sb]) => sb));
        if (this.clustered) continue;
        for (const op of this.operators) {
          for (const [x, y] of both) {
            if (!fair(x, op) || !fair(y, op)) continue;
            const vx = x.verdicts[op]!.violates;
            const vy = y.verdicts[op]!.violates;
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

  /**
   * The pairs; `family`: how many pairs the intervals must hold over together (default every pair here; the README's
   * table passes its own count), each interval at 1 − 0.05 / family.
   */
  build(family = this.pairs.length): PairedDifference[] {
    const confidence = 1 - 0.05 / Math.max(1, family);
    const out: PairedDifference[] = [];
    let k = 0;
    for (let a = 0; a < this.explainers.length; a++)
      for (let b = a + 1; b < this.explainers.length; b++) {
        const pair = this.pairs[k++];
        out.push({
          a: this.explainers[a],
          b: this.explainers[b],
          difference: { ...pair.difference.estimate(DIFFERENCE, confidence), confidence },
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

  /** Each pair's two sides, in build()'s order: A's and B's mean share over the samples and operators its difference used. */
  shares(): { a: MeanEstimate; b: MeanEstimate }[] {
    return this.pairs.map((p) => ({ a: p.shareA.estimate(RATE), b: p.shareB.estimate(RATE) }));
  }
}
