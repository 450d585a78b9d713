import { join } from 'node:path';
import { GradientSession, GradientVariant } from '../gradients/gradientSession';
import { argmax, softmax } from '../math/softmax';
import { logitsOf, MAX_BATCH } from './batchRunner';
import { TextTokenizer } from '../tokenize/textTokenizer';
import { MANIFEST_FILE, readModelFolder, ModelFolder } from './modelFolder';
import { OnnxClassifier, SessionOptions } from './onnxClassifier';

/** A prediction for one text. */
export interface Prediction {
  /** softmax(logits), one per class. */
  probabilities: number[];
  logits: number[];
  /** argmax of the logits; ties go to the lowest class index. */
  predicted: number;
  truncated: boolean;
}

/** The width of the model's logits, from one run on a short text (an export rarely declares it). */
async function classCount(onnx: OnnxClassifier, tokenizer: TextTokenizer): Promise<number> {
  const { ids } = await tokenizer.encode('a');
  const [logits] = await logitsOf(onnx, [{ ids, attentionMask: ids.map(() => 1) }]);
  return logits.length;
}

/**
 * A label list whose length is not the logits' width would name every class wrongly (three names for two logits
 * drop the last class's name and call class 1 by another's): refused, with both numbers and where to fix it.
 */
function checkLabels(folder: ModelFolder, classes: number): void {
  const { labels, labelsFrom } = folder;
  if (!labels || labels.length === classes) return;
  const fix = labelsFrom?.endsWith(MANIFEST_FILE)
    ? `Give ${MANIFEST_FILE}'s id2label one name per logit.`
    : `Give config.json's id2label one name per logit, or override it with an id2label in ${join(folder.dir, MANIFEST_FILE)}.`;
  throw new Error(`${labelsFrom}: id2label names ${labels.length} class${labels.length === 1 ? '' : 'es'} (${labels.join(', ')}) but the model's logits have ${classes}. ${fix}`);
}

/** Model folder + tokenizer + ONNX session: the whole text -> prediction path. */
export type LoadOptions = SessionOptions & { gradientCacheDir?: string | null; maxTokens?: number };

export class TextClassifier {
  private readonly gradientSessions = new Map<GradientVariant, Promise<GradientSession>>();

  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: TextTokenizer,
    readonly onnx: OnnxClassifier,
    private readonly options: LoadOptions,
  ) {}

  /**
   * The model's forward + backward session (plain gradients or conservative LRP), built on first use and kept.
   * Building differentiates the graph once (cached on disk by the model file's hash).
   */
  gradients(variant: GradientVariant = 'gradient'): Promise<GradientSession> {
    let pending = this.gradientSessions.get(variant);
    if (!pending) {
      pending = GradientSession.load(this.folder.modelPath, {
        padId: this.onnx.padId, logitsName: this.onnx.logitsName, attentionNames: this.onnx.attentionNames, variant,
        threads: this.options.threads, cacheDir: this.options.gradientCacheDir,
      });
      this.gradientSessions.set(variant, pending);
      pending.catch(() => this.gradientSessions.delete(variant));
    }
    return pending;
  }

  /** `maxTokens` caps the model's own maximum input length (a user setting: explaining long texts costs more). */
  static async load(dir: string, options: LoadOptions = {}): Promise<TextClassifier> {
    const folder = readModelFolder(dir);
    const tokenizer = TextTokenizer.fromFile(folder.tokenizerPath, Math.min(folder.maxLength, options.maxTokens ?? Infinity));
    const padId = folder.config.pad_token_id ?? tokenizer.tokenId('[PAD]') ?? tokenizer.tokenId('<pad>') ?? 0;
    const declared = (folder.config.outputs as { attentions?: string[] } | undefined)?.attentions;
    const onnx = await OnnxClassifier.load(folder.modelPath, padId, { attentionOutputs: declared, ...options });
    try {
      const tokens = tokenizer.vocabularySize();
      if (onnx.vocabularySize !== undefined && tokens > onnx.vocabularySize) {
        throw new Error(`${folder.tokenizerPath} has ${tokens} tokens but the model's word-embedding table has ${onnx.vocabularySize} rows: the tokenizer and the model do not belong together.`);
      }
      checkLabels(folder, await classCount(onnx, tokenizer));
    } catch (e) {
      await onnx.dispose();
      throw e;
    }
    return new TextClassifier(folder, tokenizer, onnx, options);
  }

  /** Class names by index; `LABEL_i` for a model whose config has no id2label. */
  labelOf(index: number): string {
    return this.folder.labels?.[index] ?? `LABEL_${index}`;
  }

  /** Predicts every text, in length-grouped batches (see `logitsOf`); results come back in input order. */
  async predict(texts: string[], batchSize = MAX_BATCH): Promise<Prediction[]> {
    const encoded = await this.tokenizer.encodeBatch(texts);
    const inputs = encoded.map((e) => ({ ids: e.ids, attentionMask: e.ids.map(() => 1) }));
    const logits = await logitsOf(this.onnx, inputs, batchSize);
    return logits.map((l, i) => {
      const row = Array.from(l);
      return { logits: row, probabilities: softmax(row), predicted: argmax(row), truncated: encoded[i].truncated };
    });
  }

  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled(this.gradientSessions.values());
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.dispose();
    this.gradientSessions.clear();
    await this.onnx.dispose();
  }
}
