import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { ModelProto } from 'onnx-buf';
import { onnxruntime } from '../runtime/onnxruntime';
import { idFeeds } from './idFeeds';
import { defaultCacheDir, ForwardInfo, forwardEntryDir, readStoredForward, storeForward } from './modelStore';
import {
  addEmbeddingScaleInput,
  dropDeclaredShapes,
  EMBEDDING_SCALE_INPUT,
  exposeOutputs,
  externalDataFiles,
  findAttentionTensors,
  GraphFacts,
  graphFacts,
  prepareModel,
  parseModel,
  serializeModel,
  usesFusedAttention,
} from './onnxGraph';

/**
 * Fused kernels come from onnxruntime's transformer optimizer (`optimum-cli export onnx --optimize O2` and above,
 * `optimum-cli onnxruntime optimize`, `onnxruntime.transformers.optimizer`), not from the export itself.
 */
export const OPTIMISATION_ADVICE =
  'use the unoptimised export instead: `optimum-cli export onnx --task text-classification` without `--optimize` ' +
  '(or with at most `--optimize O1`), and skip `optimum-cli onnxruntime optimize` and `onnxruntime.transformers.optimizer`';
export const FUSED_ATTENTION_PROBLEM = `the model uses fused com.microsoft attention kernels, whose attention probabilities cannot be read; ${OPTIMISATION_ADVICE}`;

/** The classifier's output: `logits`, or the model's only output. A bare encoder (hidden states) is refused. */
function logitsOutput(model: ModelProto, modelPath: string): string {
  const outputs = model.graph?.output ?? [];
  const names = outputs.map((o) => o.name);
  if (names.includes('logits')) return 'logits';
  if (names.length === 1) return names[0];
  const rank = (o: (typeof outputs)[number]) =>
    o.type?.value.case === 'tensorType' ? o.type.value.value.shape?.dim.length : undefined;
  const encoder = outputs.some((o) => rank(o) === 3)
    ? ' Its outputs look like hidden states [batch, tokens, width]: a bare encoder without a classification head. Export the fine-tuned ' +
      'classifier instead (AutoModelForSequenceClassification; `optimum-cli export onnx --task text-classification`).'
    : '';
  throw new Error(`${modelPath} has no output named logits (its outputs: ${names.join(', ')}).${encoder}`);
}

/** What loading learnt about the model (ForwardInfo with its data files as plain paths). */
type LoadedForward = Omit<ForwardInfo, 'dataFiles'> & { dataFiles: string[] };

/**
 * The user's model read and edited for the engine: weights in external data files read in, attention probabilities
 * exposed as outputs (found by graph surgery when the folder declares none), the word embeddings scalable per position.
 */
function editedForward(modelPath: string, declared: string[] | undefined): { model: ModelProto; info: LoadedForward } {
  const model = parseModel(readFileSync(modelPath), modelPath);
  const dataFiles = externalDataFiles(model).map((f) => join(dirname(modelPath), f));
  prepareModel(model, modelPath);
  const facts = graphFacts(model);
  const graphOutputs = new Set(model.graph?.output.map((o) => o.name));
  const logitsName = logitsOutput(model, modelPath);
  let attentionNames = (declared ?? []).filter((n) => graphOutputs.has(n));
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
  return { model, info: { logitsName, attentionNames, attentionProblem, dataFiles, facts } };
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
  /** The engine's cache folder, where the edited graph is stored (see modelStore); null keeps it in memory only. */
  cacheDir?: string | null;
}

/** The session forward runs go to, and the inputs it needs besides the ids (those of a graph built on this one). */
export interface ForwardRunner {
  session: Ort.InferenceSession;
  extraFeeds?: (rows: number, width: number) => Record<string, Ort.Tensor>;
  /** Whether the classifier opened it (and so releases it); a handed-over session belongs to whoever opened it. */
  owned: boolean;
}

/** An ONNX text classifier with inputs `input_ids` / `attention_mask` (and optionally `token_type_ids`). */
export class OnnxClassifier {
  private runner: Promise<ForwardRunner>;
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(
    runner: ForwardRunner,
    readonly padId: number,
    private readonly info: LoadedForward,
    /** The forward graph's inputs (a session handed over to may take more). */
    readonly inputNames: readonly string[],
    /** Opens the classifier's own session again, from its stored graph; undefined when it was built in memory. */
    private readonly reopen: (() => Promise<Ort.InferenceSession>) | undefined,
  ) {
    this.runner = Promise.resolve(runner);
  }

  get logitsName(): string {
    return this.info.logitsName;
  }

  /** Attention probability tensors the session can fetch, first layer first. */
  get attentionNames(): string[] {
    return this.info.attentionNames;
  }

  /** Why no attention could be found, when `attentionNames` is empty. */
  get attentionProblem(): string | undefined {
    return this.info.attentionProblem;
  }

  /** The external data files holding the model's weights (absolute paths), if the export kept them outside. */
  get dataFiles(): string[] {
    return this.info.dataFiles;
  }

  /** The model file as read, before the engine's edits. */
  get facts(): GraphFacts {
    return this.info.facts;
  }

  /** Rows of the word-embedding table: ids must stay below this; undefined when the table was not found. */
  get vocabularySize(): number | undefined {
    return this.facts.wordEmbeddings.rows;
  }

  /** onnxruntime's fused kernels in the graph (com.microsoft op types): a graph its transformer optimizer rewrote. */
  get fusedOps(): string[] {
    return this.facts.customOps
      .filter((op) => op.startsWith('com.microsoft.'))
      .map((op) => op.slice('com.microsoft.'.length));
  }

  static async load(modelPath: string, padId: number, options: SessionOptions = {}): Promise<OnnxClassifier> {
    const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    const entry =
      cacheDir === null
        ? undefined
        : await forwardEntryDir(cacheDir, modelPath, { attentionOutputs: options.attentionOutputs ?? [] });
    const stored = entry ? readStoredForward(entry) : undefined;
    let graph: string | Uint8Array;
    let info: LoadedForward;
    if (stored) {
      graph = stored.graphFile;
      info = { ...stored.info, dataFiles: stored.info.dataFiles.map((d) => d.path) };
    } else {
      const edited = editedForward(modelPath, options.attentionOutputs);
      info = edited.info;
      if (!entry) graph = serializeModel(edited.model);
      else {
        try {
          graph = storeForward(entry, edited.model, edited.info, edited.info.dataFiles);
        } catch {
          // An unwritable cache costs only memory: the graph stays in memory, with its weights.
          return OnnxClassifier.load(modelPath, padId, { ...options, cacheDir: null });
        }
      }
    }
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads ?? 0,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    const open = () =>
      typeof graph === 'string'
        ? onnxruntime().InferenceSession.create(graph, sessionOptions)
        : onnxruntime().InferenceSession.create(graph, sessionOptions);
    let session: Ort.InferenceSession;
    try {
      session = await open();
    } catch (e) {
      // A damaged stored entry is made again from the model; the model's own errors are the user's to see, and
      // its entry (a copy of its weights) is not kept.
      if (entry) rmSync(entry, { recursive: true, force: true });
      if (stored) return OnnxClassifier.load(modelPath, padId, options);
      throw new Error(
        `Cannot load ${modelPath} as an ONNX model (is the file complete and exported with a standard opset?): ${(e as Error).message}`,
      );
    }
    const inputs = session.inputNames;
    const unknown = inputs.filter(
      (n) => !['input_ids', 'attention_mask', 'token_type_ids', EMBEDDING_SCALE_INPUT].includes(n),
    );
    if (!inputs.includes('input_ids') || unknown.length) {
      await session.release();
      if (entry) rmSync(entry, { recursive: true, force: true });
      if (!inputs.includes('input_ids')) {
        throw new Error(
          `${modelPath} has no input named input_ids (its inputs: ${inputs.join(', ')}). Export the classifier with inputs input_ids and attention_mask.`,
        );
      }
      throw new Error(`${modelPath} needs inputs Polarity Lens cannot fill: ${unknown.join(', ')}.`);
    }
    return new OnnxClassifier(
      { session, owned: true },
      padId,
      info,
      inputs,
      typeof graph === 'string' ? open : undefined,
    );
  }

  /** Whether forward runs go to the classifier's own session (false once handed over to a built graph's). */
  async usesOwnSession(): Promise<boolean> {
    return (await this.runner).owned;
  }

  /**
   * Runs `load`, which opens a session whose graph contains this forward pass (the engine's built graph), with this
   * classifier's own session released, then sends every forward run to the loaded session: the process never holds
   * two copies of the weights. Runs asked for meanwhile wait. If `load` fails, the own session is opened again.
   * A classifier built in memory (no stored graph to reopen) releases its session after the load instead.
   */
  async handOver<T>(load: () => Promise<T>, runnerOf: (loaded: T) => ForwardRunner): Promise<T> {
    const own = await this.runner;
    if (!own.owned) return load();
    let settle!: (next: Promise<ForwardRunner>) => void;
    this.runner = new Promise<ForwardRunner>((resolve) => {
      settle = resolve;
    });
    await Promise.allSettled([...this.inflight]);
    const reopen = this.reopen;
    if (reopen) await own.session.release();
    try {
      const loaded = await load();
      settle(Promise.resolve(runnerOf(loaded)));
      if (!reopen) await own.session.release();
      return loaded;
    } catch (e) {
      settle(reopen ? reopen().then((session) => ({ session, owned: true })) : Promise.resolve(own));
      throw e;
    }
  }

  /** Whether the zero-embedding erasure can run: the word-embedding tensor was found and made scalable. */
  get supportsEmbeddingScale(): boolean {
    return this.inputNames.includes(EMBEDDING_SCALE_INPUT);
  }

  /** Runs one padded batch. `extraOutputs` names graph outputs to return besides the logits. */
  async run(batch: IdBatch, extraOutputs: string[] = []): Promise<BatchOutput> {
    const rows = batch.ids.length;
    if (rows === 0) return { logits: [], outputs: {} };
    if (batch.embeddingScale?.some((s) => s) && !this.supportsEmbeddingScale) {
      throw new Error(
        'This model has no word-embedding tensor Polarity Lens can find, so the zero-embedding operator cannot run on it.',
      );
    }
    const runner = await this.runner;
    const feeds = idFeeds(batch, this.padId, this.inputNames);
    Object.assign(feeds, runner.extraFeeds?.(rows, feeds.input_ids.dims[1]));
    const fetches = [this.logitsName, ...extraOutputs.filter((n) => n !== this.logitsName)];
    const pending = runner.session.run(feeds, fetches);
    this.inflight.add(pending);
    const out = await pending.finally(() => this.inflight.delete(pending));
    const logits = out[this.logitsName];
    if (logits.dims.length !== 2 || logits.dims[0] !== rows) {
      throw new Error(
        `The model's ${this.logitsName} output has shape [${logits.dims.join(', ')}]; expected [batch, classes].`,
      );
    }
    const classes = logits.dims[1];
    const data = logits.data as Float32Array;
    return {
      logits: Array.from({ length: rows }, (_, r) => data.slice(r * classes, (r + 1) * classes)),
      outputs: out,
    };
  }

  async dispose(): Promise<void> {
    const runner = await this.runner.catch(() => undefined);
    if (runner?.owned) await runner.session.release();
  }
}
