/**
 * A pool of outcome workers (outcomeWorker.ts, one process each, one intra-op thread each): texts go to the least
 * busy worker; answers come back as promises. The dataset run keeps as many texts in flight as there are workers and
 * folds their outcomes in file order, so the report is the same as a single-process run's.
 */
import { ChildProcess, fork } from 'node:child_process';
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import type { OutcomeRequest, OutcomeResponse, OutcomeWorkerInit } from './outcomeWorker';
import type { SampleOutcome } from './sampleOutcome';

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  pending: Map<number, { text: string; resolve(o: SampleOutcome): void; reject(e: Error): void }>;
  /** Texts given to this worker and not answered yet (counted before it is ready, for balancing). */
  load: number;
  /** Why it stopped, once it has: a dead worker gets no more texts. */
  died?: Error;
}

/** Every worker died: the run stops with this instead of marking each remaining row as bad. */
export class WorkersLost extends Error {
  constructor(reason: string) {
    super(`every worker process stopped (${reason})`);
    this.name = 'WorkersLost';
  }
}

export class OutcomePool {
  private readonly workers: Worker[];
  private nextId = 1;

  /** `script`: the worker entry, built by the front end (dist/outcomeWorker.js next to the CLI and the extension). */
  constructor(size: number, script: string, modelDir: string, settings: ResolvedExplainOptions, maxTokens?: number) {
    const init: OutcomeWorkerInit = { modelDir, load: { threads: 1, maxTokens }, settings };
    this.workers = Array.from({ length: size }, () => this.start(script, init));
  }

  get size(): number {
    return this.workers.length;
  }

  /** The workers' process ids (diagnostics, tests). */
  get pids(): (number | undefined)[] {
    return this.workers.map((w) => w.child.pid);
  }

  private start(script: string, init: OutcomeWorkerInit): Worker {
    const child = fork(script, [], {
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', POLARITY_LENS_WORKER: JSON.stringify(init) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderr = '';
    child.on('error', (e) => (stderr += e.message)); // a failed fork or send; 'exit' follows and fails over
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const worker: Worker = { child, pending: new Map(), ready: Promise.resolve(), load: 0 };
    worker.ready = new Promise<void>((resolve, reject) => {
      // A worker that dies before its first answer fails the texts waiting for it, not the process.
      child.on('message', (m: OutcomeResponse | { ready: true }) => {
        if ('ready' in m) return resolve();
        const p = worker.pending.get(m.id);
        worker.pending.delete(m.id);
        if ('outcome' in m) p?.resolve(m.outcome);
        else p?.reject(new Error(m.error));
      });
      child.on('exit', (code, signal) => {
        const error = new Error(
          `a worker process ${signal ? `was killed (${signal})` : `exited with code ${code}`}${stderr ? `: ${stderr.trim()}` : ''}`,
        );
        worker.died = error;
        reject(error);
        // What it held goes to the workers still alive; with none left, the run cannot go on.
        const orphans = [...worker.pending.values()];
        worker.pending.clear();
        for (const p of orphans)
          this.explain(p.text).then(
            (o) => p.resolve(o),
            (e: Error) => p.reject(e),
          );
      });
    });
    worker.ready.catch(() => {}); // awaited by explain(); a pool nobody asks must not crash on a dead worker
    return worker;
  }

  /** The outcome of `text`, from whichever worker has the fewest texts in hand. */
  async explain(text: string): Promise<SampleOutcome> {
    const alive = this.workers.filter((w) => !w.died);
    if (alive.length === 0) throw new WorkersLost(this.workers[0].died!.message);
    const worker = alive.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.nextId++;
    worker.load++;
    try {
      await worker.ready;
      return await new Promise<SampleOutcome>((resolve, reject) => {
        worker.pending.set(id, { text, resolve, reject });
        worker.child.send({ id, text } satisfies OutcomeRequest, (error) => {
          // The channel closed between the worker's death and its exit event: the exit handler hands the text on.
          if (error) worker.child.kill();
        });
      });
    } finally {
      worker.load--;
    }
  }

  close(): void {
    for (const w of this.workers) w.child.kill();
  }
}
