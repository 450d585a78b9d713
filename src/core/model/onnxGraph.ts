/**
 * Reading and editing ONNX graphs before a session is created, with `onnx-buf` (the ONNX protobuf schema compiled
 * for @bufbuild/protobuf). Edits add inputs or outputs; they never change what the model computes by default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  GraphProto,
  ModelProto,
  ModelProtoSchema,
  NodeProto,
  NodeProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
  ValueInfoProto,
  ValueInfoProtoSchema,
} from 'onnx-buf';

/** Name of the per-position factor input that `addEmbeddingScaleInput` adds. */
export const EMBEDDING_SCALE_INPUT = 'embedding_scale';
/** Name of the optional additive input [batch, seq, dim] after the scale (Integrated Gradients' non-zero baselines). */
export const EMBEDDING_SHIFT_INPUT = 'embedding_shift';

export function parseModel(bytes: Uint8Array, path: string): ModelProto {
  try {
    const model = fromBinary(ModelProtoSchema, bytes);
    if (!model.graph || model.graph.node.length === 0) throw new Error('it has no graph');
    return model;
  } catch (e) {
    throw new Error(
      `Cannot load ${path} as an ONNX model (is the file complete and exported with a standard opset?): ${(e as Error).message}`,
    );
  }
}

/** Reads an ONNX file, prepared for the engine (see prepareModel). */
export function readModel(path: string): ModelProto {
  const model = parseModel(readFileSync(path), path);
  prepareModel(model, path);
  return model;
}

/**
 * What every graph the engine builds from a model file needs first: weights kept in external data files
 * (`model.onnx_data`) read in, and LayerNormalization's optional bias made explicit (onnxruntime-node 1.30 crashes the
 * process on a LayerNormalization whose bias input is empty, as torch 1.13 exports a bias-free LayerNorm).
 */
export function prepareModel(model: ModelProto, path: string): void {
  inlineExternalData(model, path);
  addMissingLayerNormBias(model);
}

function addMissingLayerNormBias(model: ModelProto): void {
  const graph = model.graph;
  if (!graph) return;
  for (const node of graph.node) {
    if (node.opType !== 'LayerNormalization' || (node.input[2] ?? '') !== '') continue;
    const scale = graph.initializer.find((t) => t.name === node.input[1]);
    if (!scale) continue; // a computed scale: its width is unknown here, and no exporter writes one
    const name = `${node.input[1]}__zero_bias`;
    if (!graph.initializer.some((t) => t.name === name)) {
      const count = scale.dims.reduce((a, b) => a * Number(b), 1);
      graph.initializer.push(
        create(TensorProtoSchema, {
          name,
          dims: scale.dims,
          dataType: TensorProto_DataType.FLOAT,
          floatData: new Array<number>(count).fill(0),
        }),
      );
    }
    node.input = [node.input[0], node.input[1], name];
  }
}

/** The external data files a model's initializers live in, relative to its folder. */
export function externalDataFiles(model: ModelProto): string[] {
  const files = new Set<string>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue;
    const location = t.externalData.find((e) => e.key === 'location')?.value;
    if (location) files.add(location);
  }
  return [...files];
}

/**
 * Moves every externally stored initializer's bytes into the model (ONNX's external data: `location`, `offset`,
 * `length` entries). Sessions are created from the edited model's bytes, which onnxruntime cannot resolve files for.
 */
function inlineExternalData(model: ModelProto, path: string): void {
  const dir = dirname(path);
  const opened = new Map<string, Buffer>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue;
    const entry = (key: string) => t.externalData.find((e) => e.key === key)?.value;
    const location = entry('location');
    if (!location) throw new Error(`${path}: initializer ${t.name} is stored externally but names no file.`);
    const file = resolve(dir, location);
    if (relative(dir, file).startsWith('..'))
      throw new Error(`${path}: initializer ${t.name}'s external data "${location}" is outside the model's folder.`);
    let bytes = opened.get(file);
    if (!bytes) {
      if (!existsSync(file))
        throw new Error(
          `${path} keeps its weights in ${location}, which is missing from ${dir}: copy the whole exported folder.`,
        );
      bytes = readFileSync(file);
      opened.set(file, bytes);
    }
    const offset = Number(entry('offset') ?? 0);
    const length = entry('length') === undefined ? bytes.length - offset : Number(entry('length'));
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
      throw new Error(
        `${path}: initializer ${t.name} reads bytes ${offset}–${offset + length} of ${location}, which has ${bytes.length}: the file is truncated or from another export.`,
      );
    }
    t.rawData = new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length);
    t.externalData = [];
    t.dataLocation = TensorProto_DataLocation.DEFAULT;
  }
}

export function serializeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}

/** The version of the default ONNX operator set the model imports. */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 1;
}

/**
 * The tensor holding the word embeddings: one named `word_embeddings` (the shipped models' contract), else the
 * output of the `Gather` that looks `input_ids` up in a 2-D initializer (the embedding table of a Hugging Face export).
 */
export function wordEmbeddingTensor(graph: GraphProto): string | undefined {
  if (graph.node.some((n) => n.output.includes('word_embeddings'))) return 'word_embeddings';
  const tables = new Set(graph.initializer.filter((t) => t.dims.length === 2).map((t) => t.name));
  // The ids may be reshaped or cast first (GPT-2 flattens them to [-1, seq]); position ids computed from them are not.
  const ids = new Set(['input_ids']);
  for (const n of graph.node) if (ID_RESHAPES.has(n.opType) && ids.has(n.input[0])) ids.add(n.output[0]);
  return graph.node.find((n) => n.opType === 'Gather' && ids.has(n.input[1]) && tables.has(n.input[0]))?.output[0];
}

/** Ops that change only the shape or type of the ids on their way to the embedding lookup. */
const ID_RESHAPES: ReadonlySet<string> = new Set(['Reshape', 'Cast', 'Identity', 'Flatten', 'Squeeze', 'Unsqueeze']);

/** The 2-D table the word embeddings are looked up in (rows = the vocabulary size, cols = the embedding width). */
export function embeddingTable(graph: GraphProto): { rows: number; cols: number } | undefined {
  const target = wordEmbeddingTensor(graph);
  const producer = graph.node.find((n) => target !== undefined && n.output.includes(target) && n.opType === 'Gather');
  const table = producer && graph.initializer.find((t) => t.name === producer.input[0]);
  return table?.dims.length === 2 ? { rows: Number(table.dims[0]), cols: Number(table.dims[1]) } : undefined;
}

/** What a model file is, as read before any edit: for the loader's checks and for `polarity-lens doctor`. */
export interface GraphFacts {
  opset: number;
  producer: string;
  /** Graph inputs that are not initializers. */
  inputs: string[];
  outputs: string[];
  /** Ops outside the standard domain, as `domain.OpType` (com.microsoft fused kernels, quantized ops). */
  customOps: string[];
  /** Whether the graph holds int8/uint8 quantized matrix products (onnxruntime's quantize_dynamic and friends). */
  quantized: boolean;
  /** The word-embedding tensor and its lookup table's size (rows = the vocabulary), when found. */
  wordEmbeddings: { tensor: string | null; rows?: number; cols?: number };
}

const QUANTIZED_OPS =
  /^(MatMulInteger|DynamicQuantizeLinear|QLinearMatMul|QuantizeLinear|DequantizeLinear|MatMulIntegerToFloat|DynamicQuantizeMatMul)$/;

export function graphFacts(model: ModelProto): GraphFacts {
  const graph = model.graph!;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const table = embeddingTable(graph);
  return {
    opset: defaultOpset(model),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    inputs: graph.input.map((i) => i.name).filter((n) => !initializers.has(n)),
    outputs: graph.output.map((o) => o.name),
    customOps: [
      ...new Set(graph.node.filter((n) => n.domain && n.domain !== 'ai.onnx').map((n) => `${n.domain}.${n.opType}`)),
    ].sort(),
    quantized: graph.node.some((n) => QUANTIZED_OPS.test(n.opType)),
    wordEmbeddings: { tensor: wordEmbeddingTensor(graph) ?? null, rows: table?.rows, cols: table?.cols },
  };
}

/** A float32 initializer's values and dims. */
export function floatInitializer(graph: GraphProto, name: string): { data: Float32Array; dims: number[] } | undefined {
  const t = graph.initializer.find((i) => i.name === name);
  if (!t || t.dataType !== TensorProto_DataType.FLOAT) return undefined;
  const data = t.floatData.length
    ? Float32Array.from(t.floatData)
    : new Float32Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength));
  return { data, dims: t.dims.map(Number) };
}

/**
 * Adds a float input `embedding_scale` [batch, seq] that multiplies the word embeddings per position, so the
 * zero-embedding erasure and Integrated Gradients' scaled inputs can run on an unmodified user model; with `shift`,
 * also `embedding_shift` [batch, seq, dim] added after the scale (e = s·e_raw + shift). The word-embedding tensor keeps
 * its name and now holds the scaled value. Returns false, leaving the model as it was, when no word-embedding tensor
 * can be found.
 */
export function addEmbeddingScaleInput(model: ModelProto, shift = false): boolean {
  const graph = model.graph;
  if (!graph) return false;
  const target = wordEmbeddingTensor(graph);
  if (!target) return false;
  const producer = graph.node.find((n) => n.output.includes(target));
  if (!producer) return false;
  const raw = `${target}__unscaled`;
  producer.output = producer.output.map((o) => (o === target ? raw : o));
  graph.input.push(floatInput(EMBEDDING_SCALE_INPUT, ['batch', 'seq']));
  if (shift) graph.input.push(floatInput(EMBEDDING_SHIFT_INPUT, ['batch', 'seq', 'dim']));
  const scaled3d = `${EMBEDDING_SCALE_INPUT}__3d`;
  // Unsqueeze takes its axes as an attribute before opset 13 and as an input from 13 on.
  if (defaultOpset(model) >= 13) {
    const axes = `${EMBEDDING_SCALE_INPUT}__axes`;
    graph.initializer.push(
      create(TensorProtoSchema, { name: axes, dims: [1n], dataType: TensorProto_DataType.INT64, int64Data: [-1n] }),
    );
    graph.node.unshift(
      create(NodeProtoSchema, { opType: 'Unsqueeze', input: [EMBEDDING_SCALE_INPUT, axes], output: [scaled3d] }),
    );
  } else {
    graph.node.unshift(
      create(NodeProtoSchema, {
        opType: 'Unsqueeze',
        input: [EMBEDDING_SCALE_INPUT],
        output: [scaled3d],
        attribute: [{ name: 'axes', type: AttributeProto_AttributeType.INTS, ints: [-1n] }],
      }),
    );
  }
  // Insert the Mul right after its producer so the node list stays topologically sorted.
  const at = graph.node.indexOf(producer) + 1;
  const scaled = shift ? `${target}__scaled` : target;
  graph.node.splice(at, 0, create(NodeProtoSchema, { opType: 'Mul', input: [raw, scaled3d], output: [scaled] }));
  if (shift)
    graph.node.splice(
      at + 1,
      0,
      create(NodeProtoSchema, { opType: 'Add', input: [scaled, EMBEDDING_SHIFT_INPUT], output: [target] }),
    );
  return true;
}

/** A float32 graph input; string dims are symbolic (batch, seq), numbers fixed. */
export function floatInput(name: string, dims: (string | number)[]): ValueInfoProto {
  const dim = dims.map((d) => ({
    value:
      typeof d === 'string' ? { case: 'dimParam' as const, value: d } : { case: 'dimValue' as const, value: BigInt(d) },
  }));
  return create(ValueInfoProtoSchema, {
    name,
    type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT, shape: { dim } } } },
  });
}

/** Ops that pass a tensor through unchanged at inference, between an attention softmax and its MatMul. */
export const PASS_THROUGH: ReadonlySet<string> = new Set(['Dropout', 'Identity', 'Cast']);

/** Every tensor's consuming nodes, in graph order. */
export function consumerMap(graph: GraphProto): Map<string, NodeProto[]> {
  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node) {
    for (const i of n.input) {
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  return consumers;
}

/**
 * Attention probability tensors of a graph that does not output them (a Hugging Face export): the output of every
 * `Softmax` that reaches a `MatMul` through pass-through ops (probabilities times values). In graph order, so for a
 * stack of layers the first is layer 0.
 */
export function findAttentionTensors(graph: GraphProto): string[] {
  const consumers = consumerMap(graph);
  // The tensor that multiplies the values: the softmax's output, or the output of a mask applied after it (DeBERTa's
  // XSoftmax zeroes masked positions with a Where); reshapes on the way to the MatMul (batched heads) keep it.
  const weighted = (tensor: string, candidate: string, depth = 0): string | undefined => {
    if (depth >= 5) return undefined;
    for (const c of consumers.get(tensor) ?? []) {
      if (c.opType === 'MatMul') return candidate;
      const masks = (c.opType === 'Where' && c.input[2] === tensor) || c.opType === 'Mul';
      if (!PASS_THROUGH.has(c.opType) && !masks && c.opType !== 'Reshape') continue;
      const found = weighted(c.output[0], masks ? c.output[0] : candidate, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return graph.node.filter((n) => n.opType === 'Softmax').flatMap((n) => weighted(n.output[0], n.output[0]) ?? []);
}

/** Whether the graph uses fused attention kernels (com.microsoft Attention and friends) whose probabilities cannot be read. */
export function usesFusedAttention(graph: GraphProto): boolean {
  return graph.node.some((n) => n.domain === 'com.microsoft' && /Attention/.test(n.opType));
}

/** Makes tensors graph outputs (shape left to the runtime), so a session can fetch them. */
export function exposeOutputs(model: ModelProto, tensors: string[]): void {
  const graph = model.graph;
  if (!graph) return;
  for (const name of tensors) {
    if (graph.output.some((o) => o.name === name)) continue;
    graph.output.push(
      create(ValueInfoProtoSchema, {
        name,
        type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT } } },
      }),
    );
  }
}

/**
 * Drops the declared shapes of the graph's inputs, outputs and intermediate values (element types stay).
 * onnxruntime's allocation planner searches for reusable buffers among every freed tensor of known shape, which
 * grows quadratically on big unrolled graphs (the BiLSTM: ~4 s of a session's creation, ~40 s for its gradient
 * graph). Without declared shapes it skips that search; results and run time are unchanged.
 */
export function dropDeclaredShapes(model: ModelProto): void {
  const graph = model.graph;
  if (!graph) return;
  graph.valueInfo = [];
  for (const v of [...graph.input, ...graph.output]) {
    if (v.type?.value.case === 'tensorType') v.type.value.value.shape = undefined;
  }
}
