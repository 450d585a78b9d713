/**
 * The one place that loads onnxruntime-node. onnxruntime-node 1.30 writes telemetry (a device id and a database
 * under ~/.cache/Microsoft/DeveloperTools/, a /tmp/mat-debug-*.log) unless ORT_DISABLE_TELEMETRY=1 is set before
 * the native module loads. A user's data and machine are not ours to report on, so we always set it, and load the
 * module lazily so no import order can get ahead of us.
 */
import type * as Ort from 'onnxruntime-node';

let ort: typeof Ort | undefined;

export function onnxruntime(): typeof Ort {
  if (!ort) {
    process.env.ORT_DISABLE_TELEMETRY = '1';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = require('onnxruntime-node') as typeof Ort;
  }
  return ort;
}
