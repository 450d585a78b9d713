import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './paths';

/** A float32 tensor as the training script stores it: shape + little-endian bytes in base64. */
export interface EncodedTensor {
  shape: number[];
  float32_base64: string;
}

export interface ReferenceSample {
  text: string;
  input_ids: number[];
  attention_mask: number[];
  logits: number[];
  probabilities: number[];
  predicted: number;
  attentions: Record<string, EncodedTensor>;
  grad_attentions: Record<string, EncodedTensor>;
  word_embeddings: EncodedTensor;
  grad_word_embeddings: EncodedTensor;
  input_x_gradient: number[];
  integrated_gradients: Record<string, { steps: number; attributions: number[]; completeness_error: number }>;
}

export interface ReferenceFixture {
  model: string;
  attention_outputs: string[];
  samples: ReferenceSample[];
}

export function readReferenceFixture(model: string): ReferenceFixture {
  return JSON.parse(readFileSync(join(FIXTURES, 'reference', `${model}.json`), 'utf8')) as ReferenceFixture;
}

export function decodeTensor(t: EncodedTensor): Float32Array {
  const bytes = Buffer.from(t.float32_base64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  const expected = t.shape.reduce((a, b) => a * b, 1);
  if (out.length !== expected) throw new Error(`tensor has ${out.length} values, shape says ${expected}`);
  return out;
}

/** Largest |a_i - b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** A model zoo fixture's reference (test/fixtures/zoo/<name>/reference.json, written by training/zoo). */
export interface ZooReference {
  model: string;
  head: { kind: string; label?: number[] };
  pooling: { kind: 'first' | 'mean' | 'last-non-pad'; position: number[] | null };
  samples: ReferenceSample[];
}

/** The engine's class whose quantity the reference differentiated for sample k: a single logit's σ(z) is class 1,
 * a multi-label sample's recorded label, else the prediction. */
export function zooTarget(reference: ZooReference, k: number): number {
  const { head } = reference;
  return head.kind === 'sigmoid' ? 1 : head.kind === 'multi-label' ? head.label![k] : reference.samples[k].predicted;
}
