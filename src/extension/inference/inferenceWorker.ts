/**
 * The inference process: a Node child process that loads models once, keeps them, and answers InferenceRequests.
 * It runs the engine in src/core and nothing else, so a native crash here cannot take the extension host down.
 */
import { diagnoseModel, explainText, ExplanationCancelled, TextClassifier, type ExplainPart } from '../../core';
import { closeRun, datasetJob, exportReport, openReportJob, sampleRecord, sampleText } from './datasetJobs';
import type { InferenceRequest, InferenceResponse, WireLoadOptions } from './protocol';

const models = new Map<string, Promise<TextClassifier>>();
const cancelled = new Set<number>();
/** Dataset runs in flight, by request id (cancel aborts them; the run keeps its finished samples). */
const datasetRuns = new Map<number, AbortController>();

function model(dir: string, load: WireLoadOptions): Promise<TextClassifier> {
  const key = JSON.stringify([dir, load.threads ?? 0, load.maxTokens ?? null]);
  let pending = models.get(key);
  if (!pending) {
    pending = TextClassifier.load(dir, load);
    models.set(key, pending);
    // A folder that failed to load is retried next time (the user may have fixed it).
    pending.catch(() => models.delete(key));
  }
  return pending;
}

function send(message: InferenceResponse): void {
  process.send?.(message);
}

async function handle(request: InferenceRequest): Promise<void> {
  switch (request.kind) {
    case 'cancel':
      cancelled.add(request.target);
      datasetRuns.get(request.target)?.abort();
      return;
    case 'explain':
      return explain(request);
    case 'dataset': {
      const controller = new AbortController();
      datasetRuns.set(request.id, controller);
      // Answered by progress, then `dataset` (sent by the job), or `error`; no `done` after it.
      return (async () =>
        datasetJob(
          request.id,
          await model(request.modelDir, request.load),
          request.run,
          request.load,
          controller.signal,
          send,
        ))()
        .catch((e: Error) => {
          send({ id: request.id, kind: 'error', message: e.message });
        })
        .finally(() => {
          datasetRuns.delete(request.id);
          cancelled.delete(request.id);
        });
    }
    case 'doctor':
      // A fresh load: the check is of the folder as it is now, not of a model kept from before.
      return diagnoseModel(request.modelDir, request.load).then(
        (report) => send({ id: request.id, kind: 'doctor', report }),
        (e: Error) => send({ id: request.id, kind: 'error', message: e.message }),
      );
    case 'export':
      return answer(request.id, () =>
        exportReport(request.run, request.format, request.path, request.overwrite, request.view),
      );
    case 'sampleText':
      return answer(request.id, () => sampleText(request.run, request.row));
    case 'sampleRecord':
      try {
        send({ id: request.id, kind: 'record', record: sampleRecord(request.run, request.row, request.target) });
      } catch (e) {
        send({ id: request.id, kind: 'error', message: (e as Error).message });
      }
      return;
    case 'openReport':
      return openReportJob(request.id, request.path, send).catch((e: Error) =>
        send({ id: request.id, kind: 'error', message: e.message }),
      );
    case 'closeDataset':
      return answer(request.id, async () => {
        closeRun(request.run);
        return undefined;
      });
  }
}

/** Runs a request that ends in a value (or nothing) and answers `done`, or `error` with the message. */
async function answer(id: number, work: () => Promise<string | undefined>): Promise<void> {
  try {
    const value = await work();
    send({ id, kind: 'done', ...(value === undefined ? {} : { value }) });
  } catch (e) {
    send({ id, kind: 'error', message: (e as Error).message });
  }
}

async function explain(request: Extract<InferenceRequest, { kind: 'explain' }>): Promise<void> {
  try {
    const classifier = await model(request.modelDir, request.load);
    const onPart = request.stream ? (part: ExplainPart) => send({ id: request.id, kind: 'part', part }) : undefined;
    const result = await explainText(classifier, request.text, {
      ...request.options,
      cancelled: () => cancelled.has(request.id),
      onPart,
    });
    send({ id: request.id, kind: 'result', result });
  } catch (e) {
    send(
      e instanceof ExplanationCancelled
        ? { id: request.id, kind: 'cancelled' }
        : { id: request.id, kind: 'error', message: (e as Error).message },
    );
  } finally {
    cancelled.delete(request.id);
  }
}

process.on('message', (request: InferenceRequest) => void handle(request));
// The host going away (or closing the channel) ends this process.
process.on('disconnect', () => process.exit(0));
