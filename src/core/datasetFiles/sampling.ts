/**
 * Picks which rows of a dataset are explained: all, the first n, a seeded uniform sample, or a seeded sample
 * stratified by label. Samples are drawn in one streaming pass per reading (reservoir sampling, memory O(n)) and come
 * out in file order, so the same seed on the same file always gives the same rows. Independent of file formats: it
 * consumes any source of SelectedRow.
 */
import { seededRandom } from '../math/random';
import { DatasetError, type SampleSpec, type SelectedRow } from './datasetTypes';

/** Throws a DatasetError saying what is wrong with a sample spec (n a positive integer unless mode 'all'). */
export function validateSampleSpec(spec: SampleSpec): void {
  const modes = ['all', 'first', 'random', 'stratified'];
  if (!modes.includes(spec.mode)) {
    throw new DatasetError(`unknown sampling mode "${String(spec.mode)}"; use one of: ${modes.join(', ')}`);
  }
  if (spec.mode !== 'all' && (typeof spec.n !== 'number' || !Number.isSafeInteger(spec.n) || spec.n < 1)) {
    throw new DatasetError(
      `sampling mode "${spec.mode}" needs n, the number of rows, as a positive integer (got ${String(spec.n)})`,
    );
  }
  if (spec.seed !== undefined && (!Number.isSafeInteger(spec.seed) || spec.seed < 0)) {
    throw new DatasetError(`the sampling seed must be a non-negative integer (got ${String(spec.seed)})`);
  }
}

/** A uniform sample of up to `capacity` of the rows offered (Algorithm R). */
class Reservoir {
  readonly rows: SelectedRow[] = [];
  private seen = 0;
  constructor(
    private readonly capacity: number,
    private readonly random: () => number,
  ) {}
  offer(row: SelectedRow): void {
    const i = this.seen++;
    if (i < this.capacity) this.rows.push(row);
    else {
      const j = Math.floor(this.random() * (i + 1));
      if (j < this.capacity) this.rows[j] = row;
    }
  }
}

/**
 * How many of n rows each stratum gets: proportional to its count, rounded by largest remainder (ties: the larger
 * stratum, then the earlier one), then at least one per stratum when n allows. Never more than a stratum has.
 */
export function allocateStrata(counts: readonly number[], n: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (n >= total) return [...counts];
  // In integers, so equal remainders are equal: n·c = quota·total + rem.
  const rems = counts.map((c) => (n * c) % total);
  const quota = counts.map((c, i) => (n * c - rems[i]) / total);
  let left = n - quota.reduce((a, b) => a + b, 0);
  const order = counts.map((c, i) => ({ i, c, rem: rems[i] })).sort((a, b) => b.rem - a.rem || b.c - a.c || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    quota[i]++;
    left--;
  }
  const nonEmpty = counts.filter((c) => c > 0).length;
  if (n >= nonEmpty) {
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0 || quota[i] > 0) continue;
      // Take one from the stratum with the largest quota (the earliest on a tie); it has at least 2 by pigeonhole.
      let donor = -1;
      for (let j = 0; j < quota.length; j++) if (quota[j] > 1 && (donor < 0 || quota[j] > quota[donor])) donor = j;
      if (donor < 0) break;
      quota[donor]--;
      quota[i] = 1;
    }
  }
  return quota;
}

/** Reads the dataset once more; pass 0 is the one whose statistics and bad rows reach the caller. */
export type RowSource = (pass: number) => AsyncIterable<SelectedRow>;

const byRow = (a: SelectedRow, b: SelectedRow): number => a.row - b.row;

/** The rows `spec` chooses from `source`, in file order. Stops (without error) when `signal` is aborted. */
export async function* sampleRows(
  source: RowSource,
  spec: SampleSpec,
  signal?: AbortSignal,
): AsyncGenerator<SelectedRow> {
  validateSampleSpec(spec);
  const n = spec.n ?? 0;
  const seed = spec.seed ?? 0;
  if (spec.mode === 'all' || spec.mode === 'first') {
    let given = 0;
    for await (const row of source(0)) {
      yield row;
      if (spec.mode === 'first' && ++given >= n) return; // stop reading: the file's tail is never touched
    }
    return;
  }
  if (spec.mode === 'random') {
    const reservoir = new Reservoir(n, seededRandom(seed));
    for await (const row of source(0)) reservoir.offer(row);
    if (signal?.aborted) return;
    yield* reservoir.rows.sort(byRow);
    return;
  }
  // Stratified: count the strata (rows without a label are one stratum), then sample each to its quota.
  const counts = new Map<string | null, number>();
  for await (const row of source(0)) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  if (signal?.aborted) return;
  const quotas = allocateStrata([...counts.values()], n);
  const random = seededRandom(seed);
  const reservoirs = new Map<string | null, Reservoir>();
  [...counts.keys()].forEach((label, i) => reservoirs.set(label, new Reservoir(quotas[i], random)));
  for await (const row of source(1)) reservoirs.get(row.label)?.offer(row);
  if (signal?.aborted) return;
  yield* [...reservoirs.values()].flatMap((r) => r.rows).sort(byRow);
}
