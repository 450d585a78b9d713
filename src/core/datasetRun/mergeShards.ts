/**
 * `polarity-lens merge`: the shards of one run (check --shard K/N, one file each) folded into the report one machine
 * would have written. The shards are checked to be one run's (the same model, settings, selection and N, every K once);
 * their rows are merged back into file order and folded through the run's own tally (RunTally, ReportBuilder), so
 * every number and every record is the single run's. What differs is only what a clock or a cache decides: createdAt
 * (when the merge ran), timing.seconds (the shards' run times added up), per-sample milliseconds (measured where each
 * shard ran) and resumed (the shards' cache hits added up).
 */
import { isDeepStrictEqual } from 'node:util';
import { basename } from 'node:path';
import type { DatasetRun } from './runDataset';
import { badRowsByLine, RunTally } from './runTally';
import { SampleCache } from './sampleCache';
import { readShardHeader, readShardRows, ShardError, type ShardHeader, type ShardRow } from './shardFile';

interface Shard {
  path: string;
  header: ShardHeader;
}

/** The shards' header fields that must agree, with what to call a disagreement. */
const AGREEMENTS: { what: string; of: (h: ShardHeader) => unknown; say: (h: ShardHeader) => string }[] = [
  {
    what: 'another split',
    of: (h) => h.shard.count,
    say: (h) => `${h.shard.count} shards`,
  },
  {
    what: 'another model',
    of: (h) => [h.head.model.sha256, h.head.model.labels, h.head.model.head],
    say: (h) => `model ${h.head.model.name} (sha256 ${h.head.model.sha256.slice(0, 12)}…)`,
  },
  {
    what: 'other settings',
    of: (h) => [h.head.settings, h.outcomeKey],
    say: (h) => `settings ${JSON.stringify(h.head.settings)} (outcome key ${h.outcomeKey.slice(0, 12)}…)`,
  },
  {
    what: 'another selection of rows',
    of: (h) => [
      h.head.dataset.format,
      h.head.dataset.columns,
      h.head.dataset.selection,
      h.selection,
      h.read.rowsRead,
      h.read.badRowCount,
      h.complete,
    ],
    say: (h) =>
      `${h.selection.rows} rows selected (${JSON.stringify(h.head.dataset.selection)}, sha256 ${h.selection.digest.slice(0, 12)}…) of ${basename(h.head.dataset.path)}`,
  },
];

/** Throws a ShardError unless `shards` are every shard of one run, each once. */
function checkOneRun(shards: Shard[]): void {
  const [first] = shards;
  for (const s of shards.slice(1))
    for (const a of AGREEMENTS)
      if (!isDeepStrictEqual(a.of(s.header), a.of(first.header)))
        throw new ShardError(
          `${s.path} is a shard of ${a.what} than ${first.path}: ${a.say(s.header)}, where ${basename(first.path)} has ${a.say(first.header)}. Merge the shards of one run.`,
        );
  const count = first.header.shard.count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const twin = byIndex.get(s.header.shard.index);
    if (twin !== undefined)
      throw new ShardError(`${s.path} and ${twin} are both shard ${s.header.shard.index} of ${count}: give each once.`);
    byIndex.set(s.header.shard.index, s.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length)
    throw new ShardError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''} of ${count} missing: got ${shards.map((s) => `${basename(s.path)} (${s.header.shard.index}/${count})`).join(', ')}.`,
    );
}

/** The shards' rows in file order (by data row): each file is in file order, so the smallest head comes next. */
async function* inFileOrder(shards: Shard[]): AsyncGenerator<ShardRow> {
  const streams = shards.map((s) => ({
    ...s,
    rows: readShardRows(s.path),
    next: undefined as ShardRow | undefined,
    n: 0,
  }));
  const advance = async (s: (typeof streams)[number]) => {
    const prev = s.next;
    const r = await s.rows.next();
    s.next = r.done ? undefined : r.value;
    if (s.next) s.n++;
    if (s.next && prev && s.next.row <= prev.row)
      throw new ShardError(
        `${s.path} is damaged: its rows are out of file order at row ${s.next.row}. Run its shard again.`,
      );
    if (!s.next && s.n !== s.header.rows)
      throw new ShardError(
        `${s.path} is cut short: it holds ${s.n} of the ${s.header.rows} rows its header lists. Copy it again or run its shard again.`,
      );
  };
  for (const s of streams) await advance(s);
  let last = -1;
  for (;;) {
    let min: (typeof streams)[number] | undefined;
    for (const s of streams) if (s.next && (!min || s.next.row < min.next!.row)) min = s;
    if (!min) return;
    const row = min.next!;
    if (row.row === last) throw new ShardError(`${min.path} explains row ${row.row} again: its shards overlap.`);
    last = row.row;
    yield row;
    await advance(min);
  }
}

/**
 * Reads the shard files, checks they are one run's, and folds them into that run's report. `cacheDir`: a folder for
 * the merged outcomes (the records are read back from it, as a run's are from its cache); the caller removes it.
 */
export async function mergeShards(paths: string[], cacheDir: string): Promise<DatasetRun> {
  if (paths.length === 0) throw new ShardError('no shard file given.');
  const shards: Shard[] = [];
  for (const path of paths) shards.push({ path, header: await readShardHeader(path) });
  checkOneRun(shards);
  shards.sort((a, b) => a.header.shard.index - b.header.shard.index);
  const { header } = shards[0];
  // The merged outcomes are keyed as the shards' were: by the model and everything that changes an outcome.
  const cache = await SampleCache.open(cacheDir, header.head.model.sha256, { merged: header.outcomeKey });
  try {
    const tally = new RunTally(header.head, cache, header.selection.rows);
    // The reader's counts are the same in every shard (checked above); the unexplained rows are each shard's own.
    Object.assign(tally.stats, structuredClone(header.read));
    Object.assign(tally.failures, badRowsByLine(shards.map((s) => s.header.failures)));
    for await (const r of inFileOrder(shards)) tally.add({ ...r, text: r.outcome.text }, r.outcome, false);
    const snapshot = tally.snapshot(shards.every((s) => s.header.complete));
    const sum = (f: (h: ShardHeader) => number) => shards.reduce((n, s) => n + f(s.header), 0);
    const report = {
      ...snapshot.report,
      resumed: sum((h) => h.resumed),
      timing: { ...snapshot.report.timing, seconds: sum((h) => h.seconds) },
    };
    return {
      report,
      sampleRows: snapshot.sampleRows,
      records: () => tally.records(),
      record: (row, target) => tally.record(row, target),
      close: () => cache.close(),
    };
  } catch (e) {
    cache.close();
    throw e;
  }
}
