/**
 * A run split across machines: shard K of N explains every N-th selected row, starting at the K-th. The selection is
 * made first, identically in every shard (the same file, the same SampleSpec, seed included), then dealt out by
 * position. Round-robin rather than contiguous blocks: neighbouring rows of a file are often alike (sorted by source,
 * label or length), so dealing them out in turn gives every shard the same mix of short and long texts and the shards
 * finish together; and a shard knows its rows as they stream past, without counting the selection first.
 */
import { createHash, type Hash } from 'node:crypto';
import type { SelectedRow } from '../datasetFiles/datasetTypes';

/** Shard `index` (1-based, as in `--shard 2/4`) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Most shards a run is split into (far more machines than a dataset run could keep busy). */
export const MAX_SHARDS = 10_000;

/** Why `shard` is not one, or undefined. */
export function shardProblem(shard: Shard): string | undefined {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS)
    return `the number of shards must be a whole number from 1 to ${MAX_SHARDS} (got ${count})`;
  if (!Number.isSafeInteger(index) || index < 1 || index > count)
    return `the shard must be a whole number from 1 to ${count} (got ${index})`;
  return undefined;
}

/** How many of `selected` rows shard K of N explains: positions K−1, K−1+N, … below `selected`. */
export function shardSize(selected: number, shard: Shard): number {
  return selected < shard.index ? 0 : Math.floor((selected - shard.index) / shard.count) + 1;
}

/**
 * Watches the selection stream past: says which rows this shard explains, and hashes every selected row (index, line,
 * label, text) in order, so shards of one run can prove they saw the same selection.
 */
export class ShardFilter {
  private position = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(readonly shard: Shard) {}

  /** Whether this shard explains `row`, the next row of the selection. */
  takes(row: SelectedRow): boolean {
    this.hash.update(`${JSON.stringify([row.row, row.line, row.label, row.text])}\n`);
    return this.position++ % this.shard.count === this.shard.index - 1;
  }

  /** The selected rows seen so far, in every shard alike. */
  get seen(): number {
    return this.position;
  }

  /** The selection's identity (sha256 of its rows); call once, after the last row. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
