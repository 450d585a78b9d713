/**
 * The extension host's side of the inference process: starts it on first use, sends requests, matches answers,
 * cancels, and when the process dies (a native crash, an out-of-memory kill) fails the requests in flight with a
 * clear message and starts a fresh process for the next one. No `vscode` import: the glue adapts tokens to AbortSignal.
 */
import { ChildProcess, fork } from 'node:child_process';
import type { ExplainResult } from '../../core/explain/explainResult';
import type { InferenceRequest, InferenceResponse, WireExplainOptions, WireLoadOptions } from './protocol';

export class InferenceCancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'InferenceCancelled';
  }
}

interface Pending {
  resolve(result: ExplainResult): void;
  reject(error: Error): void;
}

export interface InferenceClientOptions {
  /** Called with a line for the log when the process starts, exits or writes to stderr. */
  log?: (line: string) => void;
}

export class InferenceClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly workerPath: string, private readonly options: InferenceClientOptions = {}) {}

  /** The running process's pid (for diagnostics and tests), if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Explains `text` with the model in `modelDir` (loaded once per folder and load options); `signal` cancels. */
  explain(modelDir: string, text: string, options: WireExplainOptions = {}, { signal, load = {} }: { signal?: AbortSignal; load?: WireLoadOptions } = {}): Promise<ExplainResult> {
    if (this.disposed) return Promise.reject(new Error('The inference process has been shut down.'));
    if (signal?.aborted) return Promise.reject(new InferenceCancelled());
    const id = this.nextId++;
    const child = this.process();
    return new Promise<ExplainResult>((resolve, reject) => {
      const onAbort = () => {
        // Answer at once; the process drops the work at its next checkpoint.
        this.pending.delete(id);
        this.send(child, { id: this.nextId++, kind: 'cancel', target: id });
        reject(new InferenceCancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (r) => { done(); resolve(r); },
        reject: (e) => { done(); reject(e); },
      });
      this.send(child, { id, kind: 'explain', modelDir, load, text, options });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new Error('The inference process has been shut down.'));
    this.child?.kill();
    this.child = undefined;
  }

  private process(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.workerPath, [], {
      // Telemetry off before onnxruntime can load, whatever the worker's code does.
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.options.log?.(`inference process ${child.pid} started`);
    child.stderr?.on('data', (chunk: Buffer) => this.options.log?.(`inference process: ${chunk.toString().trimEnd()}`));
    child.on('message', (message: InferenceResponse) => this.receive(message));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.disposed) return;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      this.options.log?.(`inference process ${child.pid} ${how}`);
      this.failAll(new Error(`The inference process ${how}; it will be restarted for the next request.`));
    });
    this.child = child;
    return child;
  }

  private send(child: ChildProcess, request: InferenceRequest): void {
    child.send(request, (error) => {
      if (error && request.kind === 'explain') this.settle(request.id, (p) => p.reject(new Error(`Could not reach the inference process: ${error.message}`)));
    });
  }

  private receive(message: InferenceResponse): void {
    this.settle(message.id, (p) => {
      if (message.kind === 'result') p.resolve(message.result);
      else if (message.kind === 'cancelled') p.reject(new InferenceCancelled());
      else p.reject(new Error(message.message));
    });
  }

  private settle(id: number, f: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    f(p);
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
