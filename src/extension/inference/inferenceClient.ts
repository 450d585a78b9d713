/**
 * The extension host's side of the inference process: starts it on first use, sends requests, matches answers,
 * cancels, and when the process dies (a native crash, an out-of-memory kill) fails the requests in flight with a
 * clear message and starts a fresh process for the next one. No `vscode` import: the glue adapts tokens to AbortSignal.
 */
import { ChildProcess, fork } from 'node:child_process';
import * as l10n from '@vscode/l10n';
import type {
  DatasetProgress,
  DoctorReport,
  ExplainPart,
  ExplainResult,
  ReportFormat,
  ReportView,
  SampleRecord,
} from '../../core';
import type { ReportViewState } from '../../pages/report/reportProtocol';
import type {
  InferenceRequest,
  InferenceResponse,
  ReportDatasetFile,
  WireDatasetRun,
  WireExplainOptions,
  WireLoadOptions,
} from './protocol';

/** Omit over each member of a union (plain Omit would merge the members). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class InferenceCancelled extends Error {
  constructor() {
    super(l10n.t('Cancelled.'));
    this.name = 'InferenceCancelled';
  }
}

interface Pending {
  /** Handles one answer to the request; returns true when it was the last. */
  receive(message: InferenceResponse): boolean;
  reject(error: Error): void;
}

/** What a dataset run reports while it works: progress, and now and then the report so far. */
export type DatasetProgressListener = (progress: DatasetProgress, partial?: ReportView) => void;

/** A finished (or cancelled) dataset run: its report, and what can still be asked of it in the inference process. */
export interface DatasetRunHandle {
  view: ReportView;
  export(format: ReportFormat, path: string, overwrite: boolean, view?: Partial<ReportViewState>): Promise<string>;
  sampleText(row: number): Promise<string>;
  /** The full record of data row `row` (a multi-label row: its judgement of label `target`). */
  record(row: number, target?: number): Promise<SampleRecord>;
  close(): void;
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

  constructor(
    private readonly workerPath: string,
    private readonly options: InferenceClientOptions = {},
  ) {}

  /** The running process's pid (for diagnostics and tests), if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Explains `text` with the model in `modelDir` (loaded once per folder and load options); `signal` cancels; `onPart`
   * receives each part as the inference process finishes it (see ExplainPart).
   */
  explain(
    modelDir: string,
    text: string,
    options: WireExplainOptions = {},
    {
      signal,
      load = {},
      onPart,
    }: { signal?: AbortSignal; load?: WireLoadOptions; onPart?: (part: ExplainPart) => void } = {},
  ): Promise<ExplainResult> {
    return this.request<ExplainResult>(
      { kind: 'explain', modelDir, load, text, options, stream: onPart !== undefined },
      (m, resolve) => {
        if (m.kind === 'part') onPart?.(m.part);
        if (m.kind === 'result') resolve(m.result);
      },
      signal,
      'reject',
    );
  }

  /** What Polarity Lens finds in a model folder and which explainers and operators run on it (polarity-lens doctor). */
  doctor(modelDir: string, load: WireLoadOptions = {}): Promise<DoctorReport> {
    return this.request<DoctorReport>({ kind: 'doctor', modelDir, load }, (m, resolve) => {
      if (m.kind === 'doctor') resolve(m.report);
    });
  }

  /**
   * Runs the violation test over a dataset file. Cancelling (the signal) does not reject: the run stops and resolves
   * with the report of the samples finished so far.
   */
  runDataset(
    modelDir: string,
    run: WireDatasetRun,
    {
      signal,
      load = {},
      onProgress,
    }: { signal?: AbortSignal; load?: WireLoadOptions; onProgress?: DatasetProgressListener } = {},
  ): Promise<DatasetRunHandle> {
    return this.request<DatasetRunHandle>(
      { kind: 'dataset', modelDir, load, run },
      (m, resolve, id) => {
        if (m.kind === 'progress') onProgress?.(m.progress, m.partial);
        if (m.kind === 'dataset') resolve(this.handle(id, m.view));
      },
      signal,
      'keep',
    );
  }

  /**
   * Opens a saved report JSON in the inference process, kept open like a finished run; rejects with a clear message
   * for a file that is not a report this version reads. `dataset`: where its dataset is and whether it still matches.
   */
  openReport(path: string): Promise<{ handle: DatasetRunHandle; dataset: ReportDatasetFile }> {
    return this.request({ kind: 'openReport', path }, (m, resolve, id) => {
      if (m.kind === 'report') resolve({ handle: this.handle(id, m.view), dataset: m.dataset });
    });
  }

  private handle(run: number, view: ReportView): DatasetRunHandle {
    const value = (request: Parameters<InferenceClient['request']>[0]) =>
      this.request<string>(request, (m, resolve) => {
        if (m.kind === 'done') resolve(m.value ?? '');
      });
    return {
      view,
      export: (format, path, overwrite, view) => value({ kind: 'export', run, format, path, overwrite, view }),
      sampleText: (row) => value({ kind: 'sampleText', run, row }),
      record: (row, target) =>
        this.request<SampleRecord>({ kind: 'sampleRecord', run, row, target }, (m, resolve) => {
          if (m.kind === 'record') resolve(m.record);
        }),
      close: () => void value({ kind: 'closeDataset', run }).catch(() => {}),
    };
  }

  /**
   * Sends a request; `onMessage` turns its answers into the result (an `error` answer rejects). With `signal`,
   * 'reject' answers an abort at once with InferenceCancelled (the process drops the work at its next checkpoint);
   * 'keep' only tells the process, and waits for its answer.
   */
  private request<T>(
    request: DistributiveOmit<InferenceRequest, 'id'>,
    onMessage: (m: InferenceResponse, resolve: (value: T) => void, id: number) => void,
    signal?: AbortSignal,
    onAbort: 'reject' | 'keep' = 'reject',
  ): Promise<T> {
    if (this.disposed) return Promise.reject(new Error(l10n.t('The inference process has been shut down.')));
    if (signal?.aborted && onAbort === 'reject') return Promise.reject(new InferenceCancelled());
    const id = this.nextId++;
    const child = this.process();
    return new Promise<T>((resolve, reject) => {
      const abort = () => {
        this.send(child, { id: this.nextId++, kind: 'cancel', target: id });
        if (onAbort === 'keep') return;
        this.pending.delete(id);
        reject(new InferenceCancelled());
      };
      signal?.addEventListener('abort', abort, { once: true });
      const done = () => signal?.removeEventListener('abort', abort);
      let settled = false;
      const finish = (value: T) => {
        settled = true;
        done();
        resolve(value);
      };
      this.pending.set(id, {
        receive: (m) => {
          if (m.kind === 'error') {
            done();
            reject(new Error(m.message));
            return true;
          }
          if (m.kind === 'cancelled') {
            done();
            reject(new InferenceCancelled());
            return true;
          }
          onMessage(m, finish, id);
          return settled;
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.send(child, { ...request, id });
      if (signal?.aborted) abort();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new Error(l10n.t('The inference process has been shut down.')));
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
      this.options.log?.(
        `inference process ${child.pid} ${signal ? `was killed (${signal})` : `exited with code ${code}`}`,
      );
      this.failAll(
        new Error(
          signal
            ? l10n.t('The inference process was killed ({0}); it will be restarted for the next request.', signal)
            : l10n.t(
                'The inference process exited with code {0}; it will be restarted for the next request.',
                String(code),
              ),
        ),
      );
    });
    this.child = child;
    return child;
  }

  private send(child: ChildProcess, request: InferenceRequest): void {
    child.send(request, (error) => {
      const p = error && request.kind !== 'cancel' ? this.pending.get(request.id) : undefined;
      if (!p) return;
      this.pending.delete(request.id);
      p.reject(new Error(l10n.t('Could not reach the inference process: {0}', error!.message)));
    });
  }

  private receive(message: InferenceResponse): void {
    const p = this.pending.get(message.id);
    if (p?.receive(message)) this.pending.delete(message.id);
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
