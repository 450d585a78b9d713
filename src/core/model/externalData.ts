/**
 * Writing a model with its weights as ONNX external data. onnxruntime maps such a file into memory and uses the
 * mapped bytes as the tensors (no copy on its heap, pages read only when used), and a session created from the
 * file's path never needs the model's bytes in JavaScript: a built graph loaded from the cache costs one copy of the
 * weights, not three (the file read, the protobuf, onnxruntime's tensors).
 */
import { closeSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { GraphProto, ModelProto, StringStringEntryProtoSchema, TensorProto, TensorProto_DataLocation, TensorProto_DataType } from 'onnx-buf';
import { floatInitializer, serializeModel } from './onnxGraph';

/** Tensors smaller than this stay in the graph file (shapes, axes, scalars). */
const EXTERNAL_FROM_BYTES = 1024;
/** Each tensor starts on a page, so onnxruntime can map it where it lies. */
const ALIGNMENT = 4096;

/** A tensor's values as little-endian bytes, whichever field holds them; undefined for kinds kept in the graph. */
function tensorBytes(t: TensorProto): Uint8Array | undefined {
  if (t.rawData.length) return t.rawData;
  if (t.dataType === TensorProto_DataType.FLOAT && t.floatData.length) return new Uint8Array(Float32Array.from(t.floatData).buffer);
  if (t.dataType === TensorProto_DataType.INT64 && t.int64Data.length) return new Uint8Array(BigInt64Array.from(t.int64Data).buffer);
  if (t.dataType === TensorProto_DataType.INT32 && t.int32Data.length) return new Uint8Array(Int32Array.from(t.int32Data).buffer);
  return undefined;
}

/**
 * Writes `model` to `graphFile` with every initializer of at least 1 KB moved to `dataFile` (same folder), each
 * written as it is reached, so no second copy of the weights is ever built in memory. The model's initializers are
 * edited to point at the file. Both files are written under temporary names and renamed, data first, so a reader
 * never finds a graph whose data is incomplete.
 */
export function writeWithExternalData(model: ModelProto, graphFile: string, dataFile: string): void {
  const tmpData = `${dataFile}.${process.pid}.tmp`;
  const fd = openSync(tmpData, 'w');
  try {
    let offset = 0;
    for (const t of model.graph?.initializer ?? []) {
      if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) throw new Error(`initializer ${t.name} is still external; read the model with prepareModel first`);
      const bytes = tensorBytes(t);
      if (!bytes || bytes.byteLength < EXTERNAL_FROM_BYTES) continue;
      const start = Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
      writeSync(fd, bytes, 0, bytes.byteLength, start);
      offset = start + bytes.byteLength;
      const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
      t.externalData = [entry('location', basename(dataFile)), entry('offset', String(start)), entry('length', String(bytes.byteLength))];
      t.dataLocation = TensorProto_DataLocation.EXTERNAL;
      t.rawData = new Uint8Array(0);
      t.floatData = [];
      t.int64Data = [];
      t.int32Data = [];
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmpData, dataFile);
  writeFileSync(`${graphFile}.${process.pid}.tmp`, serializeModel(model));
  renameSync(`${graphFile}.${process.pid}.tmp`, graphFile);
}

/**
 * A float32 initializer's values and dims from a graph whose weights may be external data in `dir`: only that
 * tensor's bytes are read (the AttIN projections of a stored graph, a few MB of a file of hundreds).
 */
export function readFloatInitializer(graph: GraphProto, name: string, dir: string): { data: Float32Array; dims: number[] } | undefined {
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
