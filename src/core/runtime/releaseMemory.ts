/**
 * Frees what the heap no longer references, now. A gradient graph's build reads the whole model file into a buffer
 * (268 MB for a DistilBERT-base-sized model) that is garbage once the graph is written, but V8 may keep it until a
 * later collection; the session opened next then loads the same weights beside it, and the process peaks at both
 * (833 MB measured against 657 MB when collected first, with every explainer). Node exposes no collection without
 * `--expose-gc`, which the CLI, the inference process and the dataset workers are not started with, so the flag is
 * set for this call (a documented V8 flag; `gc` is read from a fresh context, where setting it takes effect).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

export function releaseMemory(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
