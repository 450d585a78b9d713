/**
 * Writing a model with its weights as ONNX external data. onnxruntime maps such a file into memory and uses the
 * mapped bytes as the tensors (no copy on its heap, pages read only when used), and a session created from the
 * file's path never needs the model's bytes in JavaScript: a built graph loaded from the cache costs one copy of the
 * weights, not three (the file read, the protobuf, onnxruntime's tensors).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import {
  GraphProto,
  GraphProtoSchema,
  ModelProto,
  ModelProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
} from 'onnx-buf';
import { writeAtomically } from '../files/writeAtomically';
import { floatInitializer, serializeModel } from './onnxGraph';

/** Tensors smaller than this stay in the graph file (shapes, axes, scalars). */
const EXTERNAL_FROM_BYTES = 1024;
/** Each tensor starts on a page, so onnxruntime can map it where it lies. */
const ALIGNMENT = 4096;

/** A tensor's values as little-endian bytes, whichever field holds them; undefined for kinds kept in the graph. */
function tensorBytes(t: TensorProto): Uint8Array | undefined {
  if (t.rawData.length) return t.rawData;
  if (t.dataType === TensorProto_DataType.FLOAT && t.floatData.length)
    return new Uint8Array(Float32Array.from(t.floatData).buffer);
  if (t.dataType === TensorProto_DataType.INT64 && t.int64Data.length)
    return new Uint8Array(BigInt64Array.from(t.int64Data).buffer);
  if (t.dataType === TensorProto_DataType.INT32 && t.int32Data.length)
    return new Uint8Array(Int32Array.from(t.int32Data).buffer);
  return undefined;
}

/** Where each initializer written to a data file lies in it. */
export type ExternalRefs = Map<string, { offset: number; length: number }>;

/**
 * Writes `model` to `graphFile` with every initializer of at least 1 KB in the data file `dataPath`, named `location`
 * in the graph (the caller renames a temporary data file into place before the graph is read). Initializers already
 * in `previous` (written there by an earlier call with the same data file) are referred to, the others appended, each
 * written as it is reached: no second copy of the weights is built in memory, and `model` is not changed. The graph
 * file is written under a temporary name and renamed. Returns every initializer's place in the data file.
 */
export function writeWithExternalData(
  model: ModelProto,
  graphFile: string,
  dataPath: string,
  location: string,
  previous?: ExternalRefs,
): ExternalRefs {
  const refs: ExternalRefs = new Map(previous);
  const initializers: TensorProto[] = [];
  const fd = openSync(dataPath, previous ? 'r+' : 'w');
  try {
    let end = previous ? fstatSync(fd).size : 0;
    for (const t of model.graph?.initializer ?? []) {
      if (t.dataLocation === TensorProto_DataLocation.EXTERNAL)
        throw new Error(`initializer ${t.name} is still external; read the model with prepareModel first`);
      let ref = refs.get(t.name);
      if (!ref) {
        const bytes = tensorBytes(t);
        if (!bytes || bytes.byteLength < EXTERNAL_FROM_BYTES) {
          initializers.push(t);
          continue;
        }
        const offset = Math.ceil(end / ALIGNMENT) * ALIGNMENT;
        writeSync(fd, bytes, 0, bytes.byteLength, offset);
        end = offset + bytes.byteLength;
        ref = { offset, length: bytes.byteLength };
        refs.set(t.name, ref);
      }
      const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
      initializers.push(
        create(TensorProtoSchema, {
          name: t.name,
          dims: t.dims,
          dataType: t.dataType,
          dataLocation: TensorProto_DataLocation.EXTERNAL,
          externalData: [
            entry('location', location),
            entry('offset', String(ref.offset)),
            entry('length', String(ref.length)),
          ],
        }),
      );
    }
  } finally {
    closeSync(fd);
  }
  const graph = create(GraphProtoSchema, { ...model.graph!, initializer: initializers });
  writeAtomically(graphFile, serializeModel(create(ModelProtoSchema, { ...model, graph })));
  return refs;
}

/**
 * A float32 initializer's values and dims from a graph whose weights may be external data in `dir`: only that
 * tensor's bytes are read (the AttIN projections of a stored graph, a few MB of a file of hundreds).
 */
export function readFloatInitializer(
  graph: GraphProto,
  name: string,
  dir: string,
): { data: Float32Array; dims: number[] } | undefined {
  const t = graph.initializer.find((i) => i.name === name);
  if (!t || t.dataType !== TensorProto_DataType.FLOAT) return undefined;
  if (t.dataLocation !== TensorProto_DataLocation.EXTERNAL) return floatInitializer(graph, name);
  const entry = (key: string) => t.externalData.find((e) => e.key === key)?.value;
  const location = entry('location');
  if (!location || location !== basename(location)) return undefined;
  const data = new Float32Array(Number(entry('length') ?? 0) / 4);
  const fd = openSync(join(dir, location), 'r');
  try {
    readSync(fd, new Uint8Array(data.buffer), 0, data.byteLength, Number(entry('offset') ?? 0));
  } finally {
    closeSync(fd);
  }
  return { data, dims: t.dims.map(Number) };
}
