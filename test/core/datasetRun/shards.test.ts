import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shardSize, ShardFilter } from '../../../src/core/datasetRun/shards';

describe('shards of a dataset run', () => {
  it('the rows are dealt out round-robin: each selected row to exactly one shard, the sizes within one of each other', () => {
    for (const selected of [0, 1, 7, 40, 41])
      for (const count of [1, 3, 4]) {
        const filters = Array.from({ length: count }, (_, i) => new ShardFilter({ index: i + 1, count }));
        const owners = Array.from({ length: selected }, (_, position) => {
          const row = { row: position * 2, line: position * 2 + 2, text: `text ${position}`, label: null };
          return filters.flatMap((f, i) => (f.takes(row) ? [i] : []));
        });
        assert.deepEqual(
          owners,
          owners.map((_, position) => [position % count]),
        );
        const sizes = filters.map((f) => shardSize(selected, f.shard));
        assert.deepEqual(
          sizes,
          filters.map((_, i) => owners.filter(([o]) => o === i).length),
        );
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
        assert.equal(new Set(filters.map((f) => f.digest())).size, 1, 'every shard saw the same selection');
      }
  });
});
