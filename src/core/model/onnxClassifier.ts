import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { ModelProto } from 'onnx-buf';
import { onnxruntime } from '../runtime/onnxruntime';
import { idFeeds } from './idFeeds';
import {
  addEmbeddingScaleInput, dropDeclaredShapes, EMBEDDING_SCALE_INPUT, exposeOutputs, externalDataFiles, findAttentionTensors, GraphFacts, graphFacts, prepareModel,
  parseModel, serializeModel,
  usesFusedAttention,
} from './onnxGraph';

/**
 * Fused kernels come from onnxruntime's transformer optimizer (`optimum-cli export onnx --optimize O2` and above,
 * `optimum-cli onnxruntime optimize`, `onnxruntime.transformers.optimizer`), not from the export itself.
 */
export const OPTIMISATION_ADVICE = 'use the unoptimised export instead: `optimum-cli export onnx --task text-classification` without `--optimize` '
  + '(or with at most `--optimize O1`), and skip `optimum-cli onnxruntime optimize` and `onnxruntime.transformers.optimizer`';
export const FUSED_ATTENTION_PROBLEM = `the model uses fused com.microsoft attention kernels, whose attention probabilities cannot be read; ${OPTIMISATION_ADVICE}`;

/** The classifier's output: `logits`, or the model's only output. A bare encoder (hidden states) is refused. */
function logitsOutput(model: ModelProto, modelPath: string): string {
  const outputs = model.graph?.output ?? [];
  const names = outputs.map((o) => o.name);
  if (names.includes('logits')) return 'logits';
  if (names.length === 1) return names[0];
  const rank = (o: (typeof outputs)[number]) => (o.type?.value.case === 'tensorType' ? o.type.value.value.shape?.dim.length : undefined);
  const encoder = outputs.some((o) => rank(o) === 3)
    ? ' Its outputs look like hidden states [batch, tokens, width]: a bare encoder without a classification head. Export the fine-tuned '
      + 'classifier instead (AutoModelForSequenceClassification; `optimum-cli export onnx --task text-classification`).'
    : '';
  throw new Error(`${modelPath} has no output named logits (its outputs: ${names.join(', ')}).${encoder}`);
}

/** Ids of one or more inputs of possibly different lengths; padded here, never by the caller. */
export interface IdBatch {
  ids: number[][];
  /** 1 = attend, 0 = masked. Defaults to all ones over each row's own length. */
  attentionMask?: number[][];
  /** Per-position factor on the word embeddings (0 = zero-embedding erasure). Defaults to all ones. */
  embeddingScale?: (number[] | undefined)[];
}

/** Raw outputs of one run: logits per row plus any other requested outputs, still as tensors. */
export interface BatchOutput {
  /** Pre-softmax scores, one row per input. */
  logits: Float32Array[];
  outputs: Record<string, Ort.Tensor>;
}

export interface SessionOptions {
  /** Intra-op threads for onnxruntime; 0 lets onnxruntime choose. */
  threads?: number;
  /** Attention outputs the model declares (config.json outputs.attentions); when none, they are searched for. */
  attentionOutputs?: string[];
}

/** An ONNX text classifier with inputs `input_ids` / `attention_mask` (and optionally `token_type_ids`). */
export class OnnxClassifier {
  private constructor(
    private readonly session: Ort.InferenceSession,
    readonly padId: number,
    readonly logitsName: string,
    /** Attention probability tensors the session can fetch, first layer first. */
    readonly attentionNames: string[],
    /** Why no attention could be found, when `attentionNames` is empty. */
    readonly attentionProblem: string | undefined,
    /** The external data files holding the model's weights (absolute paths), if the export kept them outside. */
    readonly dataFiles: string[],
    /** The model file as read, before the engine's edits. */
    readonly facts: GraphFacts,
  ) {}

  /** Rows of the word-embedding table: ids must stay below this; undefined when the table was not found. */
  get vocabularySize(): number | undefined {
    return this.facts.wordEmbeddings.rows;
  }

  /** onnxruntime's fused kernels in the graph (com.microsoft op types): a graph its transformer optimizer rewrote. */
  get fusedOps(): string[] {
    return this.facts.customOps.filter((op) => op.startsWith('com.microsoft.')).map((op) => op.slice('com.microsoft.'.length));
  }

  static async load(modelPath: string, padId: number, options: SessionOptions = {}): Promise<OnnxClassifier> {
    const ort = onnxruntime();
    const model = parseModel(readFileSync(modelPath), modelPath);
    const dataFiles = externalDataFiles(model).map((f) => join(dirname(modelPath), f));
    prepareModel(model, modelPath);
    const facts = graphFacts(model);
    const graphOutputs = new Set(model.graph?.output.map((o) => o.name));
    const logitsName = logitsOutput(model, modelPath);
    let attentionNames = (options.attentionOutputs ?? []).filter((n) => graphOutputs.has(n));
    let attentionProblem: string | undefined;
    if (attentionNames.length === 0 && model.graph) {
      // A Hugging Face export outputs only logits: find the softmax-times-values tensors and expose them.
      attentionNames = findAttentionTensors(model.graph);
      exposeOutputs(model, attentionNames);
      if (attentionNames.length === 0) {
        attentionProblem = usesFusedAttention(model.graph)
          ? FUSED_ATTENTION_PROBLEM
          : 'no attention probabilities were found in the model (no Softmax feeding a MatMul)';
      }
    }
    // Expose the word embeddings to a per-position scale, so zero-embedding erasure runs on any model.
    addEmbeddingScaleInput(model);
    dropDeclaredShapes(model);
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(serializeModel(model), {
        intraOpNumThreads: options.threads ?? 0,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (e) {
      throw new Error(`Cannot load ${modelPath} as an ONNX model (is the file complete and exported with a standard opset?): ${(e as Error).message}`);
    }
    const inputs = session.inputNames;
    if (!inputs.includes('input_ids')) {
      throw new Error(`${modelPath} has no input named input_ids (its inputs: ${inputs.join(', ')}). Export the classifier with inputs input_ids and attention_mask.`);
    }
    const unknown = inputs.filter((n) => !['input_ids', 'attention_mask', 'token_type_ids', EMBEDDING_SCALE_INPUT].includes(n));
    if (unknown.length) {
      throw new Error(`${modelPath} needs inputs Polarity Lens cannot fill: ${unknown.join(', ')}.`);
    }
    return new OnnxClassifier(session, padId, logitsName, attentionNames, attentionProblem, dataFiles, facts);
  }

  /** Whether the zero-embedding erasure can run: the word-embedding tensor was found and made scalable. */
  get supportsEmbeddingScale(): boolean {
    return this.session.inputNames.includes(EMBEDDING_SCALE_INPUT);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs one padded batch. `extraOutputs` names graph outputs to return besides the logits. */
  async run(batch: IdBatch, extraOutputs: string[] = []): Promise<BatchOutput> {
    const rows = batch.ids.length;
    if (rows === 0) return { logits: [], outputs: {} };
    if (batch.embeddingScale?.some((s) => s) && !this.supportsEmbeddingScale) {
      throw new Error('This model has no word-embedding tensor Polarity Lens can find, so the zero-embedding operator cannot run on it.');
    }
    const feeds = idFeeds(batch, this.padId, this.session.inputNames);
    const fetches = [this.logitsName, ...extraOutputs.filter((n) => n !== this.logitsName)];
    const out = await this.session.run(feeds, fetches);
    const logits = out[this.logitsName];
    if (logits.dims.length !== 2 || logits.dims[0] !== rows) {
      throw new Error(`The model's ${this.logitsName} output has shape [${logits.dims.join(', ')}]; expected [batch, classes].`);
    }
    const classes = logits.dims[1];
    const data = logits.data as Float32Array;
    return {
      logits: Array.from({ length: rows }, (_, r) => data.slice(r * classes, (r + 1) * classes)),
      outputs: out,
    };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
