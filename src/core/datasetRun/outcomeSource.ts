/**
 * Where a dataset run's outcomes are computed: in this process with the model given, or in a pool of worker
 * processes. Either way a text's outcome, or the Error that stopped it, comes back as a promise.
 */
import { availableParallelism } from 'node:os';
import type { TextClassifier } from '../classifier/textClassifier';
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { OutcomePool } from './outcomePool';
import type { SampleOutcome } from './sampleOutcome';
import { textOutcome } from './textOutcome';

/** Most worker processes a run starts (each holds its own model, ≈ 200 MB for the transformer). */
export const MAX_WORKERS = 64;

export interface OutcomeSource {
  /** Texts it can work on at once. */
  width: number;
  explain(text: string): Promise<SampleOutcome | Error>;
  close(): void;
}

export interface OutcomeSourceOptions {
  /** 1 or absent: this process; 0: one worker per CPU core (at most MAX_WORKERS); N: N workers. */
  workers?: number;
  workerScript?: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

export function outcomeSource(
  model: TextClassifier,
  settings: ResolvedExplainOptions,
  options: OutcomeSourceOptions,
): OutcomeSource {
  const workers = options.workers === 0 ? Math.min(MAX_WORKERS, availableParallelism()) : (options.workers ?? 1);
  const caught = (pending: Promise<SampleOutcome>) => pending.catch((e: Error) => e);
  if (workers <= 1) {
    return {
      width: 1,
      explain: (text) => caught(textOutcome(model, text, settings, () => options.signal?.aborted ?? false)),
      close: () => {},
    };
  }
  if (!options.workerScript)
    throw new Error('a run in several worker processes needs workerScript, the build of outcomeWorker.ts');
  const pool = new OutcomePool(workers, options.workerScript, model.folder.dir, settings, options.maxTokens);
  return { width: pool.size, explain: (text) => caught(pool.explain(text)), close: () => pool.close() };
}
