/**
 * A classifier's forward + backward model, built once (then cached in memory and on disk, keyed by the model file's
 * hash) and run on onnxruntime-node: logits, attentions, word embeddings and the gradients of p(ŷ) or z_ŷ with
 * respect to each, in one batched run. The three backward passes (plain gradients, conservative LRP, Chefer et al.'s
 * LRP relevance) live in one graph, each run by a boolean input of its own, with the forward pass alone when all are
 * off (see gateBackward); that graph
 * is one onnxruntime session per process, loaded from the cache with its weights as external data: one copy of the
 * weights, whichever passes run, and forward runs too once the classifier hands them over.
 */
import type { Objective } from './objective';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { HeadLink } from '../model/modelHead';
import type { ForwardRunner, IdBatch } from '../model/onnxClassifier';
import { idFeeds } from '../model/idFeeds';
import {
  addEmbeddingScaleInput,
  consumerMap,
  dropDeclaredShapes,
  EMBEDDING_SHIFT_INPUT,
  embeddingTable,
  exposeOutputs,
  prepareModel,
  parseModel,
  serializeModel,
  wordEmbeddingTensor,
} from '../model/onnxGraph';
import { AttentionValues, attentionValues } from '../model/attentionValues';
import { ExternalRefs, readFloatInitializer, writeWithExternalData } from '../model/externalData';
import { hashFiles } from '../files/hashFiles';
import { writeAtomically } from '../files/writeAtomically';
import { defaultCacheDir } from '../model/modelStore';
import { onnxruntime } from '../runtime/onnxruntime';
import { releaseMemory } from '../runtime/releaseMemory';
import { conservativeLrpDetachments } from './lrpDetachments';
import { BackwardPass, gateBackward } from './gatedBackward';
import { appendBackward, objectiveOutputName, OBJECTIVE_INPUT, TARGET_INPUT } from './gradientGraph';
import { PROBE_SESSION_OPTIONS, ProbeSession, probeShapes } from './probeShapes';
import { CHEFER_LRP } from './relevance/cheferLrp';

/**
 * Plain gradients; the conservative-LRP graph (softmax scores and LayerNorm σ held constant; Ali et al.); or Chefer et
 * al.'s LRP relevance from one-hot(ŷ) at the logits, whose "gradient" of each attention map is the relevance R^α left
 * on it (no word-embedding output: no explainer reads one).
 */
export type GradientVariant = 'gradient' | 'conservative-lrp' | 'chefer-lrp';
export type { Objective } from './objective';

/** Each backward pass's names and the boolean input that runs it. */
const PASSES: Record<GradientVariant, BackwardPass> = {
  gradient: { prefix: 'polarity_lens_grad', flag: 'polarity_lens_run_gradient' },
  'conservative-lrp': { prefix: 'polarity_lens_lrp', flag: 'polarity_lens_run_lrp' },
  'chefer-lrp': { prefix: 'polarity_lens_chefer', flag: 'polarity_lens_run_chefer_lrp' },
};
const VARIANTS = Object.keys(PASSES) as GradientVariant[];

/** Bumped whenever the builder's output changes, so stale disk caches are not reused. */
export const BUILDER_VERSION = 16;

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

/** One backward pass's outputs in the built graph. */
interface PassOutputs {
  /** Output name of the objective's value. */
  objective: string;
  /** Output name of ∂objective/∂(word embeddings), when available. */
  embeddingGradient: string | null;
  /** Per attention tensor (same order as the options), the output of its gradient, or null. */
  attentionGradients: (string | null)[];
  /** Why some gradients are missing, in words; empty when all are there. */
  problems: string[];
}

/** What the built graph offers, stored next to it in the cache. */
interface BuiltManifest {
  /** The BUILDER_VERSION that built it: entries of other versions are never read again, and are removed. */
  builder: number;
  classes: number;
  embeddingTensor: string | null;
  /** Size of the word-embedding vectors (0 when there is no word-embedding tensor). */
  embeddingDim: number;
  /** Per attention tensor, the value vectors it weighs and the projection after it (AttIN), or null. */
  attentionValues: (AttentionValues | null)[];
  passes: Record<GradientVariant, PassOutputs>;
}

/** What one variant's session offers. */
export type GradientManifest = Omit<BuiltManifest, 'passes'> & PassOutputs;

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

export { defaultCacheDir } from '../model/modelStore';

/** A built graph: its file in the disk cache (weights beside it as external data), or its bytes without a cache. */
interface BuiltGraph {
  file?: string;
  bytes?: Uint8Array;
  manifest: BuiltManifest;
  fromDiskCache: boolean;
}

/** Built graphs by key. */
const built = new Map<string, Promise<BuiltGraph>>();

/** The open session of each built graph, shared by every GradientSession on it and released with the last one. */
const open = new Map<string, { session: Promise<Ort.InferenceSession>; users: number }>();

/** Empties the in-memory cache of built graphs (the disk cache stays). */
export function forgetBuiltGradientGraphs(): void {
  built.clear();
}

export class GradientSession {
  private projections = new Map<number, { data: Float32Array; rows: number; cols: number } | null>();

  private released = false;
  readonly manifest: GradientManifest;

  private constructor(
    private readonly modelPath: string,
    private readonly session: Ort.InferenceSession,
    /** Key of the shared session in `open`. */
    private readonly sessionKey: string,
    private readonly options: GradientSessionOptions,
    private readonly graph: BuiltGraph,
  ) {
    const { passes, ...shared } = graph.manifest;
    this.manifest = { ...shared, ...passes[options.variant] };
  }

  /** Whether the graph came from the disk cache rather than being built in this process. */
  get fromDiskCache(): boolean {
    return this.graph.fromDiskCache;
  }

  static async load(modelPath: string, options: GradientSessionOptions): Promise<GradientSession> {
    // Weights kept in external data files are part of what is built (they are read into the graph), so of the key.
    const key = createHash('sha256')
      .update(await hashFiles([modelPath, ...(options.dataFiles ?? [])]))
      .update(
        JSON.stringify([
          BUILDER_VERSION,
          options.logitsName,
          options.attentionNames,
          options.padId,
          options.link ?? 'softmax',
        ]),
      )
      .digest('hex')
      .slice(0, 32);
    const graph = await builtGraph(modelPath, key, options, true);
    const sessionKey = `${key}|${options.threads ?? 0}`;
    try {
      return new GradientSession(modelPath, await openSession(sessionKey, graph, options), sessionKey, options, graph);
    } catch (e) {
      if (!graph.fromDiskCache) throw e;
      // A damaged cache entry (truncated file, another version's bytes): build afresh and overwrite it.
      built.delete(key);
      const fresh = await builtGraph(modelPath, key, options, false);
      return new GradientSession(modelPath, await openSession(sessionKey, fresh, options), sessionKey, options, fresh);
    }
  }

  get hasEmbeddingGradient(): boolean {
    return this.manifest.embeddingGradient !== null;
  }

  /** Whether `embeddingShift` is honoured (the word embeddings come from a lookup table whose width is known). */
  get acceptsEmbeddingShift(): boolean {
    return this.session.inputNames.includes(EMBEDDING_SHIFT_INPUT);
  }

  /**
   * Forward runs on this session (every backward pass off), for the classifier whose forward pass it contains (see
   * OnnxClassifier.handOver): the inputs the built graph adds are fed zeros.
   */
  forwardRunner(): ForwardRunner {
    const ort = onnxruntime();
    const { classes, embeddingDim: dim } = this.manifest;
    const shift = this.acceptsEmbeddingShift;
    return {
      session: this.session,
      owned: false,
      extraFeeds: (rows, width) => ({
        [TARGET_INPUT]: new ort.Tensor('float32', new Float32Array(rows * classes), [rows, classes]),
        [OBJECTIVE_INPUT]: new ort.Tensor('float32', new Float32Array(rows), [rows, 1]),
        ...(shift
          ? {
              [EMBEDDING_SHIFT_INPUT]: new ort.Tensor('float32', new Float32Array(rows * width * dim), [
                rows,
                width,
                dim,
              ]),
            }
          : {}),
        ...Object.fromEntries(VARIANTS.map((v) => [PASSES[v].flag, new ort.Tensor('bool', [false], [])])),
      }),
    };
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
    feeds[OBJECTIVE_INPUT] = new ort.Tensor(
      'float32',
      new Float32Array(rows).fill(batch.objective === 'probability' ? 1 : 0),
      [rows, 1],
    );
    for (const variant of VARIANTS)
      feeds[PASSES[variant].flag] = new ort.Tensor('bool', [variant === this.options.variant], []);
    if (this.session.inputNames.includes(EMBEDDING_SHIFT_INPUT)) {
      const shift = new Float32Array(rows * width * dim);
      batch.embeddingShift?.forEach((s, r) => {
        if (s) shift.set(s.subarray(0, width * dim), r * width * dim);
      });
      feeds[EMBEDDING_SHIFT_INPUT] = new ort.Tensor('float32', shift, [rows, width, dim]);
    }
    const m = this.manifest;
    // Integrated Gradients needs only ∂/∂e: fetching (and copying out) the attention tensors too would cost more
    // than the extra rows' backward pass on small models.
    const all = !batch.embeddingGradientOnly;
    const fetches = [this.options.logitsName, m.objective, ...(all ? this.options.attentionNames : [])];
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
        objective: (out[m.objective].data as Float32Array)[r],
        embeddings: m.embeddingTensor && all ? crop(m.embeddingTensor).data : undefined,
        embeddingGradient: m.embeddingGradient ? crop(m.embeddingGradient).data : undefined,
        attentions: all ? this.options.attentionNames.map((name) => ({ name, ...crop(name) })) : [],
        attentionGradients: all
          ? m.attentionGradients.map((g, i) => (g ? { name: this.options.attentionNames[i], ...crop(g) } : undefined))
          : [],
        attentionValues: all
          ? m.attentionValues.map((v) => (v ? { name: v.values, ...crop(v.values) } : undefined))
          : [],
      };
    });
  }

  /**
   * The projection after attention layer k as an [in, out] matrix, or null. Every layer's is read on the first call:
   * from the stored graph's data file, those tensors' bytes only, or from the graph in memory.
   */
  projection(k: number): { data: Float32Array; rows: number; cols: number } | null {
    if (this.projections.size === 0) {
      const { file, bytes } = this.graph;
      const graph = parseModel(file ? readFileSync(file) : bytes!, file ?? this.modelPath).graph!;
      this.manifest.attentionValues.forEach((values, layer) => {
        const spec = values?.projection;
        const weight = spec ? readFloatInitializer(graph, spec.weight, file ? dirname(file) : '') : undefined;
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
    if (this.released) return;
    this.released = true;
    const shared = open.get(this.sessionKey);
    if (shared && --shared.users > 0) return;
    open.delete(this.sessionKey);
    await this.session.release();
  }
}

/** The shared session on a built graph, opened by the first user. */
function openSession(key: string, graph: BuiltGraph, options: GradientSessionOptions): Promise<Ort.InferenceSession> {
  let shared = open.get(key);
  if (!shared) {
    const session = createSession(graph, options);
    shared = { session, users: 0 };
    open.set(key, shared);
    session.catch(() => open.delete(key));
  }
  shared.users++;
  return shared.session;
}

/** The built graph for `key`, shared by every load in this process; `readCache` false ignores the disk cache. */
function builtGraph(
  modelPath: string,
  key: string,
  options: GradientSessionOptions,
  readCache: boolean,
): Promise<BuiltGraph> {
  const known = built.get(key);
  if (known && readCache) return known;
  const pending = buildCached(modelPath, key, options, readCache);
  built.set(key, pending);
  pending.catch(() => built.delete(key));
  return pending;
}

async function createSession(graph: BuiltGraph, options: GradientSessionOptions): Promise<Ort.InferenceSession> {
  // A graph built just now leaves the model file's bytes behind: collected before the session loads the weights.
  if (!graph.fromDiskCache) releaseMemory();
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? 0,
    interOpNumThreads: 1,
    // 'basic': at the extended level, MatMulScaleFusion and MatMulTransposeFusion together miscompute the CNN's
    // forward pass once backward nodes share its tensors (onnxruntime-node 1.30); 'all' measured no faster here.
    graphOptimizationLevel: 'basic',
    // Errors only: the If branches read the weights from the outer graph, which onnxruntime warns about at load.
    logSeverityLevel: 3,
    // Both branches hold the forward nodes, and onnxruntime prepacks a MatMul's weight per node: two packed copies
    // of every weight (+300 MB on a DistilBERT-base-sized model, over its memory target). Unpacked, 16 rows of 24
    // tokens take 240 ms there against 210 ms prepacked.
    extra: { session: { disable_prepacking: '1' } },
  };
  return graph.file
    ? onnxruntime().InferenceSession.create(graph.file, sessionOptions)
    : onnxruntime().InferenceSession.create(graph.bytes!, sessionOptions);
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

async function buildCached(
  modelPath: string,
  key: string,
  options: GradientSessionOptions,
  readCache: boolean,
): Promise<BuiltGraph> {
  const dir = options.cacheDir === null ? undefined : join(options.cacheDir ?? defaultCacheDir(), 'gradient-graphs');
  const graphFile = dir && join(dir, `${key}.onnx`);
  const dataFile = dir && join(dir, `${key}.onnx_data`);
  const manifestFile = dir && join(dir, `${key}.json`);
  if (
    readCache &&
    graphFile &&
    dataFile &&
    manifestFile &&
    [graphFile, dataFile, manifestFile].every((f) => existsSync(f))
  ) {
    try {
      return {
        file: graphFile,
        manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as BuiltManifest,
        fromDiskCache: true,
      };
    } catch {
      // A damaged cache entry is rebuilt below.
    }
  }
  if (dir && graphFile && dataFile && manifestFile) {
    const files: BuildFiles = { graphFile, dataPath: `${dataFile}.${process.pid}.tmp`, location: basename(dataFile) };
    try {
      mkdirSync(dir, { recursive: true });
      const { manifest } = await buildGradientModel(readFileSync(modelPath), modelPath, options, files);
      // The data under its own name, then the manifest: an entry counts only once its graph and data are complete.
      renameSync(files.dataPath, dataFile);
      writeAtomically(manifestFile, JSON.stringify(manifest));
      removeStaleEntries(dir);
      return { file: graphFile, manifest, fromDiskCache: false };
    } catch {
      // The cache is an optimisation: an unwritable cache folder costs memory (the build below keeps its weights
      // in the graph) and a rebuild next time. A model that cannot be built fails again below, with its error.
      rmSync(files.dataPath, { force: true });
    }
  }
  const { model, manifest } = await buildGradientModel(readFileSync(modelPath), modelPath, options);
  return { bytes: serializeModel(model!), manifest, fromDiskCache: false };
}

/**
 * Removes what no build of this version reads: entries another BUILDER_VERSION wrote (hundreds of MB each for a
 * base-size model, so upgrades must not pile them up) and temporary files a killed build left over a day ago.
 * Best effort: a file another process holds or removes first is left to it.
 */
function removeStaleEntries(dir: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      if (name.endsWith('.json')) {
        const builder = (JSON.parse(readFileSync(path, 'utf8')) as Partial<BuiltManifest>).builder;
        if (builder === BUILDER_VERSION) continue;
        const key = name.slice(0, -'.json'.length);
        for (const file of [`${key}.onnx`, `${key}.onnx_data`, name]) rmSync(join(dir, file), { force: true });
      } else if (/\.tmp$|\.probe\.\d+$/.test(name) && statSync(path).mtimeMs < dayAgo) {
        rmSync(path, { force: true });
      }
    } catch {
      // Gone already, or unreadable: not ours to fix.
    }
  }
}

/** Where a build writes its graph and its weights (the data under a temporary name, `location` in the graph). */
interface BuildFiles {
  graphFile: string;
  dataPath: string;
  location: string;
}

/**
 * Builds the graph. With `files`, the weights are written once to the data file, the probe session maps them from
 * there, and the built graph is written beside them (no model returned): the build never holds a second copy of the
 * weights. Without, the built model is returned with its weights.
 */
async function buildGradientModel(
  bytes: Uint8Array,
  modelPath: string,
  options: GradientSessionOptions,
  files?: BuildFiles,
) {
  const ort = onnxruntime();
  let written: ExternalRefs | undefined;
  const probeSession: ProbeSession | undefined =
    files &&
    (async (probe) => {
      const probeFile = `${files.graphFile}.probe.${process.pid}`;
      written = writeWithExternalData(probe, probeFile, files.dataPath, basename(files.dataPath));
      try {
        return await ort.InferenceSession.create(probeFile, PROBE_SESSION_OPTIONS);
      } finally {
        rmSync(probeFile, { force: true });
      }
    });
  const model = parseModel(bytes, modelPath);
  prepareModel(model, modelPath);
  const graph = model.graph!;
  exposeOutputs(model, options.attentionNames);
  const consumers = consumerMap(graph);
  const values = options.attentionNames.map((a) => attentionValues(graph, a, consumers) ?? null);
  exposeOutputs(
    model,
    values.flatMap((v) => (v ? [v.values] : [])),
  );
  const embeddingTensor = wordEmbeddingTensor(graph);
  // The shift input needs the embedding width; without a lookup table there is no PAD baseline, only scaling.
  const dim = embeddingTable(graph)?.cols;
  addEmbeddingScaleInput(model, dim !== undefined);
  if (embeddingTensor) exposeOutputs(model, [embeddingTensor]);
  const inputs = new Set(graph.input.map((i) => i.name));
  const probeId = options.padId === 0 ? 1 : 0;
  const shapes = await probeShapes(
    model,
    (batch, seq) => {
      const feeds = idFeeds(
        { ids: Array.from({ length: batch }, () => new Array<number>(seq).fill(probeId)) },
        options.padId,
        [...inputs],
      );
      if (inputs.has(EMBEDDING_SHIFT_INPUT)) {
        feeds[EMBEDDING_SHIFT_INPUT] = new ort.Tensor('float32', new Float32Array(batch * seq * dim!), [
          batch,
          seq,
          dim!,
        ]);
      }
      return feeds;
    },
    probeSession,
  );
  const wrt = [...(embeddingTensor ? [embeddingTensor] : []), ...options.attentionNames];
  // Every pass differentiates the same forward nodes; the detachments are found before any backward node exists.
  const forward = [...graph.node];
  const detach = conservativeLrpDetachments(graph, options.attentionNames);
  const passes = {} as Record<GradientVariant, PassOutputs>;
  for (const variant of VARIANTS) {
    const lrp = variant === 'conservative-lrp';
    const chefer = variant === 'chefer-lrp';
    const { prefix } = PASSES[variant];
    const result = appendBackward(model, forward, shapes, {
      logits: options.logitsName,
      wrt,
      // Chefer's relevance is output on the attention maps only; the embeddings still mark what is computed.
      expose: chefer ? options.attentionNames : wrt,
      detach: lrp ? detach : [],
      constantLayerNormScale: lrp,
      link: options.link,
      prefix,
      propagation: chefer ? CHEFER_LRP : undefined,
    });
    const problems = [...result.unavailable.entries()].map(
      ([tensor, why]) => `${chefer ? 'R^' : '∂/∂'}${tensor}: ${why}`,
    );
    passes[variant] = {
      objective: objectiveOutputName(prefix),
      embeddingGradient: (!chefer && embeddingTensor && result.gradients.get(embeddingTensor)) || null,
      attentionGradients: options.attentionNames.map((n) => result.gradients.get(n) ?? null),
      problems: embeddingTensor || chefer ? problems : ['no word-embedding tensor was found in the model', ...problems],
    };
  }
  gateBackward(
    model,
    VARIANTS.map((v) => PASSES[v]),
  );
  const manifest: BuiltManifest = {
    builder: BUILDER_VERSION,
    classes: shapes.get(options.logitsName)!.shape.a[1],
    embeddingTensor: embeddingTensor ?? null,
    embeddingDim: embeddingTensor ? (shapes.get(embeddingTensor)?.shape.a.at(-1) ?? 0) : 0,
    attentionValues: values,
    passes,
  };
  dropDeclaredShapes(model);
  if (!files) return { model, manifest };
  writeWithExternalData(model, files.graphFile, files.dataPath, files.location, written);
  return { manifest };
}
