/**
 * `polarity-lens doctor` and Select Model → Browse…: what Polarity Lens finds in a model folder, and which explainers
 * and erasure operators will run on it, established by running them once on a short probe text (not guessed).
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { explainText } from '../explain/explainText';
import { PAPER_OPERATORS } from '../erasure/operators';
import { EXPLAINERS } from '../explainers/registry';
import { resolvePooling } from '../model/pooling';
import type { DoctorReport } from './doctorReport';
import { LoadOptions, TextClassifier } from '../classifier/textClassifier';

export { formatDoctorReport, type DoctorReport } from './doctorReport';

const PROBE = 'a warm , funny and moving film .';

/** The pooled position as declared, or as the probe text's attention shows it (see model/pooling). */
async function probePooling(model: TextClassifier): Promise<string> {
  const { ids } = await model.tokenizer.encode(PROBE);
  const { outputs } = await model.onnx.run({ ids: [ids] }, model.onnx.attentionNames);
  const maps = model.onnx.attentionNames.map((n) => ({ dims: outputs[n].dims, data: outputs[n].data as Float32Array }));
  const p = resolvePooling(model.pooling, maps);
  return `${p.kind === 'index' ? `token ${p.index}` : p.kind} (${p.from})`;
}

/** The tokenizer's algorithm in words, from tokenizer.json (WordPiece, byte-level BPE, SentencePiece Unigram …). */
function tokenizerKind(path: string): string {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as {
      model?: { type?: string };
      pre_tokenizer?: { type?: string; pretokenizers?: { type?: string }[] } | null;
    };
    const pre = json.pre_tokenizer;
    const pres = [pre?.type, ...(pre?.pretokenizers ?? []).map((p) => p.type)].filter(Boolean);
    const model = json.model?.type ?? 'unknown';
    if (model === 'BPE' && pres.includes('ByteLevel')) return 'byte-level BPE';
    if (model === 'Unigram' && pres.includes('Metaspace')) return 'SentencePiece Unigram';
    return model;
  } catch {
    return 'unknown';
  }
}

export async function diagnoseModel(dir: string, options: LoadOptions = {}): Promise<DoctorReport> {
  let model: TextClassifier;
  try {
    model = await TextClassifier.load(dir, options);
  } catch (e) {
    return { dir, status: 'unusable', error: (e as Error).message, explainers: [], operators: [], notes: [] };
  }
  try {
    const { folder, onnx, tokenizer, head } = model;
    const { wordEmbeddings, ...facts } = onnx.facts;
    const report: DoctorReport = {
      dir: folder.dir,
      status: 'ok',
      model: {
        file: relative(folder.dir, folder.modelPath),
        variants: folder.variants,
        megabytes:
          Math.round(
            (statSync(folder.modelPath).size + onnx.dataFiles.reduce((s, f) => s + statSync(f).size, 0)) / 1e5,
          ) / 10,
        externalData: onnx.dataFiles.map((f) => relative(folder.dir, f)),
        ...facts,
      },
      tokenizer: {
        kind: tokenizerKind(folder.tokenizerPath),
        vocabulary: tokenizer.vocabularySize(),
        maxLength: tokenizer.maxLength,
        padId: onnx.padId,
      },
      head: { kind: head.kind, quantity: head.quantity, classes: head.classes },
      pooling: await probePooling(model),
      attention: { layers: onnx.attentionNames.length, names: onnx.attentionNames, problem: onnx.attentionProblem },
      wordEmbeddings: { tensor: wordEmbeddings.tensor, rows: wordEmbeddings.rows, width: wordEmbeddings.cols },
      explainers: [],
      operators: [],
      notes: [],
    };
    const r = await explainText(model, PROBE, {
      explainers: EXPLAINERS.map((e) => e.id),
      metrics: false,
      samples: 20,
      igSteps: 4,
    });
    report.explainers = r.explanations.map((e) => ({
      id: e.id,
      label: e.label,
      runs: !e.error,
      ...(e.error ? { why: e.error } : {}),
    }));
    const ran = new Set(r.impacts.map((i) => i.operator));
    report.operators = PAPER_OPERATORS.map((name) =>
      ran.has(name)
        ? { name, runs: true }
        : { name, runs: false, why: r.notes.find((n) => n.includes(name)) ?? 'it did not run on the probe text' },
    );
    report.notes = r.notes;
    if (report.model!.quantized)
      report.notes.push(
        'The graph is int8-quantized: forward explainers (occlusion, LIME, Kernel SHAP) and attention read from the graph run; gradients stop at the quantized ops.',
      );
    if (report.explainers.some((e) => !e.runs) || report.operators.some((o) => !o.runs)) report.status = 'partial';
    return report;
  } finally {
    await model.dispose();
  }
}
