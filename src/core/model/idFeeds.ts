import type * as Ort from 'onnxruntime-node';
import { onnxruntime } from '../runtime/onnxruntime';
import type { IdBatch } from './onnxClassifier';
import { EMBEDDING_SCALE_INPUT } from './onnxGraph';

/**
 * The padded input tensors for a batch of id rows, for whichever of input_ids / attention_mask / token_type_ids /
 * embedding_scale the session takes. Rows are right-padded with `padId` and masked there.
 */
export function idFeeds(batch: IdBatch, padId: number, inputNames: readonly string[]): Record<string, Ort.Tensor> {
  const ort = onnxruntime();
  const rows = batch.ids.length;
  const width = Math.max(1, ...batch.ids.map((r) => r.length));
  const ids = new BigInt64Array(rows * width).fill(BigInt(padId));
  const mask = new BigInt64Array(rows * width);
  const scale = new Float32Array(rows * width).fill(1);
  batch.ids.forEach((row, r) => {
    const m = batch.attentionMask?.[r];
    const s = batch.embeddingScale?.[r];
    for (let i = 0; i < row.length; i++) {
      ids[r * width + i] = BigInt(row[i]);
      mask[r * width + i] = BigInt(m ? m[i] : 1);
      if (s) scale[r * width + i] = s[i];
    }
  });
  const feeds: Record<string, Ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [rows, width]) };
  if (inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', mask, [rows, width]);
  if (inputNames.includes('token_type_ids'))
    feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(rows * width), [rows, width]);
  if (inputNames.includes(EMBEDDING_SCALE_INPUT))
    feeds[EMBEDDING_SCALE_INPUT] = new ort.Tensor('float32', scale, [rows, width]);
  return feeds;
}
