/**
 * The arithmetic of bench/shardScaling.ts: how long a dataset run takes on N machines of K cores, from figures measured
 * on one machine. Pure, so a reader can check it against the printed formula.
 */

/** What one machine measured. */
export interface Measured {
  /** Samples per second of one one-thread check process, launch to exit (its start-up included). */
  perProcess: number;
  /** Speed-up of c processes over one, divided by c (1 = perfect), with c the cores it was measured on. */
  efficiency: number;
  /** Seconds the merge of the shard files of `mergeSamples` samples took. */
  mergeSeconds: number;
  mergeSamples: number;
}

/**
 * Hours for `rows` rows on `machines` machines of `cores` cores: every core runs a one-thread shard at the measured
 * per-process rate times the measured efficiency, all at once, then one merge whose time grows with the samples.
 */
export function runHours(m: Measured, rows: number, machines: number, cores: number): number {
  const explain = rows / (machines * cores * m.perProcess * m.efficiency);
  const merge = m.mergeSeconds * (rows / m.mergeSamples);
  return (explain + merge) / 3600;
}

/** `2.35 h` from 1 h up, `42 min` below it, `0.4 min` below a minute. */
export function formatHours(hours: number): string {
  if (hours >= 1) return `${hours.toFixed(2)} h`;
  const minutes = hours * 60;
  return `${minutes >= 1 ? minutes.toFixed(0) : minutes.toFixed(1)} min`;
}

/** The Markdown table: a row per machine count, a column per core count. */
export function hoursTable(m: Measured, rows: number, machines: number[], cores: number[]): string[] {
  return [
    `| machines N | ${cores.map((k) => `K = ${k} cores`).join(' | ')} |`,
    `|---:|${cores.map(() => '---:').join('|')}|`,
    ...machines.map((n) => `| ${n} | ${cores.map((k) => formatHours(runHours(m, rows, n, k))).join(' | ')} |`),
  ];
}
