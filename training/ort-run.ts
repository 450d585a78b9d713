/**
 * Runs an ONNX model on raw tensors with onnxruntime-node, for the Python build's export checks (Python has no
 * onnxruntime here, and the checks should exercise the runtime users get anyway).
 * stdin: {"model": path, "runs": [{"<input>": {"type": "int64"|"float32", "dims": [...], "data": [...]}}]}
 * stdout: [{"<output>": {"dims": [...], "data": [...]}}] in the same order.
 */
import { readFileSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { onnxruntime } from '../src/core/runtime/onnxruntime';

interface WireTensor {
  type?: 'int64' | 'float32';
  dims: number[];
  data: number[];
}

async function main(): Promise<void> {
  const ort = onnxruntime();
  const request = JSON.parse(readFileSync(0, 'utf8')) as { model: string; runs: Record<string, WireTensor>[] };
  const session = await ort.InferenceSession.create(request.model);
  const results: Record<string, { dims: readonly number[]; data: number[] }>[] = [];
  for (const run of request.runs) {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(run)) {
      feeds[name] =
        t.type === 'int64'
          ? new ort.Tensor(
              'int64',
              BigInt64Array.from(t.data, (v) => BigInt(v)),
              t.dims,
            )
          : new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
    }
    const out = await session.run(feeds);
    results.push(
      Object.fromEntries(
        Object.entries(out).map(([k, v]) => [k, { dims: v.dims, data: Array.from(v.data as Float32Array) }]),
      ),
    );
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
