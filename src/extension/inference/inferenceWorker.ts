/**
 * The inference process: a Node child process that loads models once, keeps them, and answers InferenceRequests.
 * It runs the engine in src/core and nothing else, so a native crash here cannot take the extension host down.
 */
import { explainText, ExplanationCancelled } from '../../core/explain/explainText';
import { TextClassifier } from '../../core/model/textClassifier';
import type { InferenceRequest, InferenceResponse, WireLoadOptions } from './protocol';

const models = new Map<string, Promise<TextClassifier>>();
const cancelled = new Set<number>();

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
  if (request.kind === 'cancel') {
    cancelled.add(request.target);
    return;
  }
  try {
    const classifier = await model(request.modelDir, request.load);
    const result = await explainText(classifier, request.text, { ...request.options, cancelled: () => cancelled.has(request.id) });
    send({ id: request.id, kind: 'result', result });
  } catch (e) {
    send(e instanceof ExplanationCancelled ? { id: request.id, kind: 'cancelled' } : { id: request.id, kind: 'error', message: (e as Error).message });
  } finally {
    cancelled.delete(request.id);
  }
}

process.on('message', (request: InferenceRequest) => void handle(request));
// The host going away (or closing the channel) ends this process.
process.on('disconnect', () => process.exit(0));
