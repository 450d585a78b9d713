/**
 * A classifier's forward + backward model, built once (then cached in memory and on disk, keyed by the model file's
 * hash) and run on onnxruntime-node: logits, attentions, word embeddings and the gradients of p(ŷ) or z_ŷ with
 * respect to each, in one batched run.
 */
import type { Objective } from './objective';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { HeadLink } from '../model/modelHead';
import type { IdBatch } from '../model/onnxClassifier';
import { idFeeds } from '../model/idFeeds';
import {
  addEmbeddingScaleInput, consumerMap, dropDeclaredShapes, EMBEDDING_SHIFT_INPUT, embeddingTable, exposeOutputs, floatInitializer,
  prepareModel, parseModel, readModel, serializeModel, wordEmbeddingTensor,
} from '../model/onnxGraph';
import { AttentionValues, attentionValues } from '../model/attentionValues';
import { onnxruntime } from '../runtime/onnxruntime';
import { conservativeLrpDetachments } from './conservativeLrp';
import { buildGradientGraph, OBJECTIVE_INPUT, OBJECTIVE_OUTPUT, TARGET_INPUT } from './gradientGraph';
import { probeShapes } from './probeShapes';

/** Plain gradients, or the conservative-LRP graph (softmax scores and LayerNorm σ held constant). */
export type GradientVariant = 'gradient' | 'conservative-lrp';
export type { Objective } from './objective';

/** Bumped whenever the builder's output changes, so stale disk caches are not reused. */
const BUILDER_VERSION = 10;

export interface GradientSessionOptions {
  padId: number;
  logitsName: string;
  /** Attention probability tensors, first layer first. */
  attentionNames: string[];
  variant: GradientVariant;
  /** How the objective's probability comes from the logits (the model's head, see ModelHead); default softmax. */
  link?: HeadLink;
  /** The target vector over the logits for class c (ModelHead.targetVector); default one-hot. */
  targetVector?: (c: number) => number[];
  /** The external data files holding the model's weights (OnnxClassifier.dataFiles): read into the graph, so hashed. */
  dataFiles?: string[];
  threads?: number;
  /** Folder for built graphs; null disables the disk cache. Default: $POLARITY_LENS_CACHE_DIR, else the user cache. */
  cacheDir?: string | null;
}

/** What the built graph offers, stored next to it in the cache. */
interface GradientManifest {
  classes: number;
  embeddingTensor: string | null;
  /** Size of the word-embedding vectors (0 when there is no word-embedding tensor). */
  embeddingDim: number;
  /** Output name of ∂objective/∂(word embeddings), when available. */
  embeddingGradient: string | null;
  /** Per attention tensor (same order as the options), the output of its gradient, or null. */
  attentionGradients: (string | null)[];
  /** Per attention tensor, the value vectors it weighs and the projection after it (AttIN), or null. */
  attentionValues: (AttentionValues | null)[];
  /** Why some gradients are missing, in words; empty when all are there. */
  problems: string[];
}

/** One row of a gradient run, cropped to the row's own length. */
export interface GradientRow {
  logits: Float32Array;
  /** The value of the objective that was differentiated. */
  objective: number;
  /** The word embeddings fed to the network (after scale and shift), [len, dim]. */
  embeddings?: Float32Array;
  embeddingGradient?: Float32Array;
  /** Attention tensors and their gradients, each with the batch axis of size 1 kept (like AttentionMap). */
  attentions: { name: string; dims: number[]; data: Float32Array }[];
  attentionGradients: ({ name: string; dims: number[]; data: Float32Array } | undefined)[];
  /** The value vectors each attention map weighs (see AttentionValues), when found. */
  attentionValues: ({ name: string; dims: number[]; data: Float32Array } | undefined)[];
}

export interface GradientBatch extends IdBatch {
  /** ŷ per row. */
  target: number[];
  objective: Objective;
  /** Per row, [len × dim] added to the scaled word embeddings (Integrated Gradients' PAD baseline). */
  embeddingShift?: (Float32Array | undefined)[];
  /** Return only the logits, the objective and ∂/∂e (the rest of a row is left empty). */
  embeddingGradientOnly?: boolean;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return process.env.POLARITY_LENS_CACHE_DIR || join(base, 'polarity-lens');
}

interface BuiltGraph {
  bytes: Uint8Array;
  /** The disk cache file holding the same bytes, when there is one. */
  file?: string;
  manifest: GradientManifest;
  fromDiskCache: boolean;
}

/** Built graphs by key; a graph kept on disk is kept here without its bytes (hundreds of MB for a base-size model). */
const built = new Map<string, Promise<Omit<BuiltGraph, 'bytes'> & { bytes?: Uint8Array }>>();

/** Empties the in-memory cache of built graphs (the disk cache stays). */
export function forgetBuiltGradientGraphs(): void {
  built.clear();
}

export class GradientSession {
  private projections = new Map<number, { data: Float32Array; rows: number; cols: number } | null>();

  private constructor(
    private readonly modelPath: string,
    private readonly session: Ort.InferenceSession,
    private readonly options: GradientSessionOptions,
    readonly manifest: GradientManifest,
    /** Whether the graph came from the disk cache rather than being built in this process. */
    readonly fromDiskCache: boolean,
  ) {}

  static async load(modelPath: string, options: GradientSessionOptions): Promise<GradientSession> {
    const bytes = readFileSync(modelPath);
    // Weights kept in external data files are part of what is built (they are read into the graph), so of the key.
    const hash = createHash('sha256').update(bytes);
    for (const file of options.dataFiles ?? []) hash.update(readFileSync(file));
    const key = hash
      .update(JSON.stringify([BUILDER_VERSION, options.variant, options.logitsName, options.attentionNames, options.padId, options.link ?? 'softmax'])).digest('hex').slice(0, 32);
    const graph = await builtGraph(bytes, modelPath, key, options, true);
    try {
      return new GradientSession(modelPath, await createSession(graph.bytes, options), options, graph.manifest, graph.fromDiskCache);
    } catch (e) {
      if (!graph.fromDiskCache) throw e;
      // A damaged cache entry (truncated file, another version's bytes): build afresh and overwrite it.
      built.delete(key);
      const fresh = await builtGraph(bytes, modelPath, key, options, false);
      return new GradientSession(modelPath, await createSession(fresh.bytes, options), options, fresh.manifest, false);
    }
  }

  get hasEmbeddingGradient(): boolean {
    return this.manifest.embeddingGradient !== null;
  }

  /** Whether `embeddingShift` is honoured (the word embeddings come from a lookup table whose width is known). */
  get acceptsEmbeddingShift(): boolean {
    return this.session.inputNames.includes(EMBEDDING_SHIFT_INPUT);
  }

  async run(batch: GradientBatch): Promise<GradientRow[]> {
    const ort = onnxruntime();
    const rows = batch.ids.length;
    if (rows === 0) return [];
    const feeds = idFeeds(batch, this.options.padId, this.session.inputNames);
    const width = feeds.input_ids.dims[1];
    const { classes, embeddingDim: dim } = this.manifest;
    const target = new Float32Array(rows * classes);
    batch.target.forEach((t, r) => {
      if (this.options.targetVector) target.set(this.options.targetVector(t), r * classes);
      else target[r * classes + t] = 1;
    });
    feeds[TARGET_INPUT] = new ort.Tensor('float32', target, [rows, classes]);
    feeds[OBJECTIVE_INPUT] = new ort.Tensor('float32', new Float32Array(rows).fill(batch.objective === 'probability' ? 1 : 0), [rows, 1]);
    if (this.session.inputNames.includes(EMBEDDING_SHIFT_INPUT)) {
      const shift = new Float32Array(rows * width * dim);
      batch.embeddingShift?.forEach((s, r) => { if (s) shift.set(s.subarray(0, width * dim), r * width * dim); });
      feeds[EMBEDDING_SHIFT_INPUT] = new ort.Tensor('float32', shift, [rows, width, dim]);
    }
    const m = this.manifest;
    // Integrated Gradients needs only ∂/∂e: fetching (and copying out) the attention tensors too would cost more
    // than the extra rows' backward pass on small models.
    const all = !batch.embeddingGradientOnly;
    const fetches = [this.options.logitsName, OBJECTIVE_OUTPUT, ...(all ? this.options.attentionNames : [])];
    if (m.embeddingTensor && all) fetches.push(m.embeddingTensor);
    if (m.embeddingGradient) fetches.push(m.embeddingGradient);
    if (all) for (const g of m.attentionGradients) if (g) fetches.push(g);
    if (all) for (const v of m.attentionValues) if (v && !fetches.includes(v.values)) fetches.push(v.values);
    const out = await this.session.run(feeds, fetches);
    return batch.ids.map((ids, r) => {
      const len = ids.length;
      const crop = (name: string) => cropRow(out[name], r, width, len);
      return {
        logits: (out[this.options.logitsName].data as Float32Array).slice(r * classes, (r + 1) * classes),
        objective: (out[OBJECTIVE_OUTPUT].data as Float32Array)[r],
        embeddings: m.embeddingTensor && all ? crop(m.embeddingTensor).data : undefined,
        embeddingGradient: m.embeddingGradient ? crop(m.embeddingGradient).data : undefined,
        attentions: all ? this.options.attentionNames.map((name) => ({ name, ...crop(name) })) : [],
        attentionGradients: all ? m.attentionGradients.map((g, i) => (g ? { name: this.options.attentionNames[i], ...crop(g) } : undefined)) : [],
        attentionValues: all ? m.attentionValues.map((v) => (v ? { name: v.values, ...crop(v.values) } : undefined)) : [],
      };
    });
  }

  /**
   * The projection after attention layer k as an [in, out] matrix, or null. Every layer's is read from the model file
   * on the first call, and the parsed file is dropped (it holds all the weights: 268 MB for a DistilBERT-base).
   */
  projection(k: number): { data: Float32Array; rows: number; cols: number } | null {
    if (this.projections.size === 0) {
      const graph = readModel(this.modelPath).graph!;
      this.manifest.attentionValues.forEach((values, layer) => {
        const spec = values?.projection;
        const weight = spec ? floatInitializer(graph, spec.weight) : undefined;
        let value: { data: Float32Array; rows: number; cols: number } | null = null;
        if (spec && weight && weight.dims.length === 2) {
          const [r, c] = weight.dims;
          if (!spec.transposed) value = { data: weight.data, rows: r, cols: c };
          else {
            const t = new Float32Array(r * c);
            for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = weight.data[i * c + j];
            value = { data: t, rows: c, cols: r };
          }
        }
        this.projections.set(layer, value);
      });
    }
    return this.projections.get(k) ?? null;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** The built graph for `key`, shared by every load in this process; `readCache` false ignores the disk cache. */
function builtGraph(bytes: Uint8Array, modelPath: string, key: string, options: GradientSessionOptions, readCache: boolean): Promise<BuiltGraph> {
  const known = built.get(key);
  if (known) return known.then((g) => ({ ...g, bytes: g.bytes ?? readFileSync(g.file!) }));
  const pending = buildCached(bytes, modelPath, key, options, readCache);
  built.set(key, pending.then((g) => (g.file ? { ...g, bytes: undefined } : g)));
  pending.catch(() => built.delete(key));
  return pending;
}

function createSession(graph: Uint8Array, options: GradientSessionOptions): Promise<Ort.InferenceSession> {
  return onnxruntime().InferenceSession.create(graph, {
    intraOpNumThreads: options.threads ?? 0,
    interOpNumThreads: 1,
    // 'basic': at the extended level, MatMulScaleFusion and MatMulTransposeFusion together miscompute the CNN's
    // forward pass once backward nodes share its tensors (onnxruntime-node 1.30); 'all' measured no faster here.
    graphOptimizationLevel: 'basic',
  });
}

/** One row of a [batch, …] output with every sequence axis (size `width`) cut to the row's length `len`. */
function cropRow(tensor: Ort.Tensor, row: number, width: number, len: number): { dims: number[]; data: Float32Array } {
  const dims = [...tensor.dims];
  const inner = dims.slice(1);
  const size = inner.reduce((a, b) => a * b, 1);
  const data = (tensor.data as Float32Array).subarray(row * size, (row + 1) * size);
  if (len === width) return { dims: [1, ...inner], data: data.slice() };
  const seqAxes = inner.map((d, i) => (d === width ? i : -1)).filter((i) => i >= 0);
  const outDims = inner.map((d, i) => (seqAxes.includes(i) ? len : d));
  const out = new Float32Array(outDims.reduce((a, b) => a * b, 1));
  const strides = inner.map((_, i) => inner.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(inner.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let offset = 0;
    for (let i = 0; i < inner.length; i++) offset += index[i] * strides[i];
    out[k] = data[offset];
    for (let i = inner.length - 1; i >= 0; i--) {
      if (++index[i] < outDims[i]) break;
      index[i] = 0;
    }
  }
  return { dims: [1, ...outDims], data: out };
}

async function buildCached(bytes: Uint8Array, modelPath: string, key: string, options: GradientSessionOptions, readCache: boolean): Promise<BuiltGraph> {
  const dir = options.cacheDir === null ? undefined : join(options.cacheDir ?? defaultCacheDir(), 'gradient-graphs');
  const graphFile = dir && join(dir, `${key}.onnx`);
  const manifestFile = dir && join(dir, `${key}.json`);
  if (readCache && graphFile && manifestFile && existsSync(graphFile) && existsSync(manifestFile)) {
    try {
      return { bytes: readFileSync(graphFile), file: graphFile, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as GradientManifest, fromDiskCache: true };
    } catch {
      // A damaged cache entry is rebuilt below.
    }
  }
  const result: BuiltGraph = { ...(await buildGradientModel(bytes, modelPath, options)), fromDiskCache: false };
  if (dir && graphFile && manifestFile) {
    try {
      mkdirSync(dir, { recursive: true });
      // Write then rename, so a concurrent reader never sees half a file.
      writeFileSync(`${graphFile}.${process.pid}.tmp`, result.bytes);
      renameSync(`${graphFile}.${process.pid}.tmp`, graphFile);
      writeFileSync(`${manifestFile}.${process.pid}.tmp`, JSON.stringify(result.manifest));
      renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile);
      result.file = graphFile;
    } catch {
      // The cache is an optimisation; an unwritable cache folder only costs a rebuild next time.
    }
  }
  return result;
}

async function buildGradientModel(bytes: Uint8Array, modelPath: string, options: GradientSessionOptions) {
  const ort = onnxruntime();
  const model = parseModel(bytes, modelPath);
  prepareModel(model, modelPath);
  const graph = model.graph!;
  exposeOutputs(model, options.attentionNames);
  const consumers = consumerMap(graph);
  const values = options.attentionNames.map((a) => attentionValues(graph, a, consumers) ?? null);
  exposeOutputs(model, values.flatMap((v) => (v ? [v.values] : [])));
  const embeddingTensor = wordEmbeddingTensor(graph);
  // The shift input needs the embedding width; without a lookup table there is no PAD baseline, only scaling.
  const dim = embeddingTable(graph)?.cols;
  addEmbeddingScaleInput(model, dim !== undefined);
  if (embeddingTensor) exposeOutputs(model, [embeddingTensor]);
  const inputs = new Set(graph.input.map((i) => i.name));
  const probeId = options.padId === 0 ? 1 : 0;
  const shapes = await probeShapes(model, (batch, seq) => {
    const feeds = idFeeds({ ids: Array.from({ length: batch }, () => new Array<number>(seq).fill(probeId)) }, options.padId, [...inputs]);
    if (inputs.has(EMBEDDING_SHIFT_INPUT)) {
      feeds[EMBEDDING_SHIFT_INPUT] = new ort.Tensor('float32', new Float32Array(batch * seq * dim!), [batch, seq, dim!]);
    }
    return feeds;
  });
  const wrt = [...(embeddingTensor ? [embeddingTensor] : []), ...options.attentionNames];
  const lrp = options.variant === 'conservative-lrp';
  const result = buildGradientGraph(model, shapes, {
    logits: options.logitsName,
    wrt,
    detach: lrp ? conservativeLrpDetachments(graph, options.attentionNames) : [],
    constantLayerNormScale: lrp,
    link: options.link,
  });
  const problems = [...result.unavailable.entries()].map(([tensor, why]) => `∂/∂${tensor}: ${why}`);
  const manifest: GradientManifest = {
    classes: shapes.get(options.logitsName)!.shape.a[1],
    embeddingTensor: embeddingTensor ?? null,
    embeddingDim: embeddingTensor ? shapes.get(embeddingTensor)?.shape.a.at(-1) ?? 0 : 0,
    embeddingGradient: (embeddingTensor && result.gradients.get(embeddingTensor)) ?? null,
    attentionGradients: options.attentionNames.map((n) => result.gradients.get(n) ?? null),
    attentionValues: values,
    problems: embeddingTensor ? problems : ['no word-embedding tensor was found in the model', ...problems],
  };
  dropDeclaredShapes(result.model);
  return { bytes: serializeModel(result.model), manifest };
}
