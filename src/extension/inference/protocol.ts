/**
 * The typed messages between the extension host and its inference process (GitLens-style: one module both sides
 * import, so they cannot drift). The inference process owns onnxruntime-node; the host never loads it.
 */
import type { ExplainResult } from '../../core/explain/explainResult';
import type { ExplainOptions } from '../../core/explain/explainText';
import type { LoadOptions } from '../../core/model/textClassifier';

/** Explain options that can cross a process boundary (no callbacks). */
export type WireExplainOptions = Omit<ExplainOptions, 'cancelled'>;

/** How the model is loaded: a model loaded with other options is a different model to the inference process. */
export type WireLoadOptions = Pick<LoadOptions, 'threads' | 'maxTokens'>;

export type InferenceRequest =
  | { id: number; kind: 'explain'; modelDir: string; load: WireLoadOptions; text: string; options: WireExplainOptions }
  /** Stops request `target` at its next checkpoint. */
  | { id: number; kind: 'cancel'; target: number };

export type InferenceResponse =
  | { id: number; kind: 'result'; result: ExplainResult }
  | { id: number; kind: 'cancelled' }
  | { id: number; kind: 'error'; message: string };
