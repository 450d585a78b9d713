/**
 * What `polarity-lens doctor` reports about a model folder, and its text form. No engine imports (types only), so the
 * extension host can show a report made in the inference process.
 */
import type { GraphFacts } from '../model/onnxGraph';

export type DoctorStatus = 'ok' | 'partial' | 'unusable';

export interface DoctorReport {
  dir: string;
  /** ok: everything runs; partial: it loads but some explainers or operators cannot run; unusable: it cannot load. */
  status: DoctorStatus;
  /** Why the model cannot be loaded (status 'unusable'). */
  error?: string;
  model?: {
    file: string;
    /** Other ONNX files in the folder (quantized, optimised…), usable through polarity-lens.json's onnx. */
    variants: string[];
    megabytes: number;
    externalData: string[];
  } & Omit<GraphFacts, 'wordEmbeddings'>;
  tokenizer?: { kind: string; vocabulary: number; maxLength: number; padId: number };
  head?: { kind: string; quantity: string; classes: string[] };
  pooling?: string;
  attention?: { layers: number; names: string[]; problem?: string };
  wordEmbeddings?: { tensor: string | null; rows?: number; width?: number };
  explainers: { id: string; label: string; runs: boolean; why?: string }[];
  operators: { name: string; runs: boolean; why?: string }[];
  notes: string[];
}

/** The report as text, for the CLI and the extension's log. */
export function formatDoctorReport(r: DoctorReport): string {
  const lines = [`Polarity Lens doctor: ${r.dir}`];
  if (r.status === 'unusable') return [...lines, `✗ cannot be used: ${r.error}`].join('\n');
  const m = r.model!;
  lines.push(
    `model       ${m.file} (${m.megabytes} MB, opset ${m.opset}, ${m.producer})${m.externalData.length ? `, weights in ${m.externalData.join(', ')}` : ''}`,
    ...(m.variants.length
      ? [`variants    ${m.variants.join(', ')} (choose one with "onnx" in polarity-lens.json)`]
      : []),
    `inputs      ${m.inputs.join(', ')}`,
    `outputs     ${m.outputs.join(', ')}`,
    ...(m.customOps.length ? [`custom ops  ${m.customOps.join(', ')}`] : []),
    `tokenizer   ${r.tokenizer!.kind}, ${r.tokenizer!.vocabulary} tokens, at most ${r.tokenizer!.maxLength} per text, [PAD] id ${r.tokenizer!.padId}`,
    `head        ${r.head!.kind}: ${r.head!.quantity}; classes ${r.head!.classes.join(', ')}`,
    `pooling     ${r.pooling}`,
    `attention   ${r.attention!.layers ? `${r.attention!.layers} layer${r.attention!.layers === 1 ? '' : 's'}` : `none (${r.attention!.problem})`}`,
    `embeddings  ${r.wordEmbeddings!.tensor ? `${r.wordEmbeddings!.tensor}${r.wordEmbeddings!.rows ? ` [${r.wordEmbeddings!.rows} × ${r.wordEmbeddings!.width}]` : ''}` : 'not found (zero-embedding erasure and gradients cannot run)'}`,
    '',
    `explainers  ${r.explainers.filter((e) => e.runs).length} of ${r.explainers.length} run`,
    ...failingByReason(r.explainers).map(([why, ids]) => `  ✗ ${ids.join(', ')}: ${why}`),
    `operators   ${
      r.operators
        .filter((o) => o.runs)
        .map((o) => o.name)
        .join(', ') || 'none'
    } run`,
    ...r.operators.filter((o) => !o.runs).map((o) => `  ✗ ${o.name}: ${o.why}`),
    ...r.notes.map((n) => `note: ${n}`),
    '',
    r.status === 'ok'
      ? '✓ every explainer and operator runs'
      : '! usable, but some explainers or operators cannot run (above)',
  );
  return lines.join('\n');
}

/** Explainers that cannot run, grouped by their reason (gradient explainers usually share one). */
function failingByReason(explainers: DoctorReport['explainers']): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const e of explainers.filter((x) => !x.runs)) {
    const why = e.why ?? 'unknown';
    groups.set(why, [...(groups.get(why) ?? []), e.id]);
  }
  return [...groups.entries()];
}
