import { join } from 'node:path';
import { GradientSession, GradientVariant } from '../gradients/gradientSession';
import { logitsOf, MAX_BATCH } from '../model/batchRunner';
import { TextTokenizer } from '../tokenize/textTokenizer';
import { MANIFEST_FILE, readModelFolder, ModelFolder } from '../model/modelFolder';
import { headOf, ModelHead } from '../model/modelHead';
import { declaredPooling, Pooling } from '../model/pooling';
import { OnnxClassifier, SessionOptions } from '../model/onnxClassifier';

/** A prediction for one text. */
export interface Prediction {
  /** The head's quantity per class (see ModelHead): softmax or sigmoid probabilities, or the regression score. */
  probabilities: number[];
  logits: number[];
  /** The head's prediction (argmax for softmax; ties go to the lowest class index). */
  predicted: number;
  truncated: boolean;
}

/** The width of the model's logits, from one run on a short text (an export rarely declares it). */
async function classCount(onnx: OnnxClassifier, tokenizer: TextTokenizer): Promise<number> {
  const { ids } = await tokenizer.encode('a');
  const [logits] = await logitsOf(onnx, [{ ids, attentionMask: ids.map(() => 1) }]);
  return logits.length;
}

/** The head as the folder declares it (manifest `head`, config.json problem_type and id2label), for `width` logits. */
function headOfFolder(folder: ModelFolder, width: number): ModelHead {
  const manifestPath = join(folder.dir, MANIFEST_FILE);
  return headOf(width, {
    head: folder.config.head,
    problemType: folder.config.problem_type,
    crossEncoderActivation: folder.config.sbert_ce_default_activation_function,
    labels: folder.labels,
    origin: folder.labelsFrom ?? join(folder.dir, 'config.json'),
    manifestPath,
  });
}

/** Model folder + tokenizer + ONNX session: the whole text -> prediction path. */
export type LoadOptions = Omit<SessionOptions, 'cacheDir'> & {
  /** The engine's cache folder (stored graphs, built gradient graphs); null keeps everything in memory. */
  gradientCacheDir?: string | null;
  maxTokens?: number;
};

export class TextClassifier {
  private readonly gradientSessions = new Map<GradientVariant, Promise<GradientSession>>();
  /** The first gradient session's load, which took over the forward runs. */
  private handedOver?: Promise<GradientSession>;

  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: TextTokenizer,
    readonly onnx: OnnxClassifier,
    private readonly options: LoadOptions,
    /** What the logits mean and which quantity every Δ is measured on. */
    readonly head: ModelHead,
    /** The position(s) the classifier pools, when the folder or config says (else each explanation's attention tells). */
    readonly pooling: Pooling | undefined,
  ) {}

  /**
   * The model's forward + backward session (plain gradients or conservative LRP), built on first use and kept.
   * Building differentiates the graph once (cached on disk by the model file's hash).
   */
  gradients(variant: GradientVariant = 'gradient'): Promise<GradientSession> {
    let pending = this.gradientSessions.get(variant);
    if (!pending) {
      const load = () =>
        GradientSession.load(this.folder.modelPath, {
          padId: this.onnx.padId,
          logitsName: this.onnx.logitsName,
          attentionNames: this.onnx.attentionNames,
          variant,
          link: this.head.link,
          targetVector: (c) => this.head.targetVector(c),
          dataFiles: this.onnx.dataFiles,
          threads: this.options.threads,
          cacheDir: this.options.gradientCacheDir,
        });
      // The built graph holds the forward pass too: the first one loaded takes over the forward runs, so the process
      // keeps one copy of the weights (see OnnxClassifier.handOver); the others share its session.
      if (!this.handedOver) {
        pending = this.onnx.handOver(load, (session) => session.forwardRunner());
        this.handedOver = pending;
        pending.catch(() => {
          this.handedOver = undefined;
        });
      } else {
        pending = this.handedOver.catch(() => undefined).then(load);
      }
      this.gradientSessions.set(variant, pending);
      pending.catch(() => this.gradientSessions.delete(variant));
    }
    return pending;
  }

  /** `maxTokens` caps the model's own maximum input length (a user setting: explaining long texts costs more). */
  static async load(dir: string, options: LoadOptions = {}): Promise<TextClassifier> {
    const folder = readModelFolder(dir);
    const pooling = declaredPooling(folder.dir, folder.config);
    const tokenizer = TextTokenizer.fromFile(
      folder.tokenizerPath,
      Math.min(folder.maxLength, options.maxTokens ?? Infinity),
    );
    const padId = folder.config.pad_token_id ?? tokenizer.tokenId('[PAD]') ?? tokenizer.tokenId('<pad>') ?? 0;
    const declared = (folder.config.outputs as { attentions?: string[] } | undefined)?.attentions;
    const onnx = await OnnxClassifier.load(folder.modelPath, padId, {
      attentionOutputs: declared,
      ...options,
      cacheDir: options.gradientCacheDir,
    });
    let head: ModelHead;
    try {
      const tokens = tokenizer.vocabularySize();
      if (onnx.vocabularySize !== undefined && tokens > onnx.vocabularySize) {
        throw new Error(
          `${folder.tokenizerPath} has ${tokens} tokens but the model's word-embedding table has ${onnx.vocabularySize} rows: the tokenizer and the model do not belong together.`,
        );
      }
      head = headOfFolder(folder, await classCount(onnx, tokenizer));
    } catch (e) {
      await onnx.dispose();
      throw e;
    }
    return new TextClassifier(folder, tokenizer, onnx, options, head, pooling);
  }

  /** Class names by index (the head's: a sigmoid head has two); `LABEL_i` for a model whose config has no id2label. */
  labelOf(index: number): string {
    return this.head.classes[index] ?? `LABEL_${index}`;
  }

  /** The head's quantity per class for each row of logits (what every Δ is measured on). */
  scores(logits: ArrayLike<number>): number[] {
    return this.head.scores(logits);
  }

  /** Predicts every text, in length-grouped batches (see `logitsOf`); results come back in input order. */
  async predict(texts: string[], batchSize = MAX_BATCH): Promise<Prediction[]> {
    const encoded = await this.tokenizer.encodeBatch(texts);
    const inputs = encoded.map((e) => ({ ids: e.ids, attentionMask: e.ids.map(() => 1) }));
    const logits = await logitsOf(this.onnx, inputs, batchSize);
    return logits.map((l, i) => {
      const row = Array.from(l);
      const scores = this.head.scores(row);
      return {
        logits: row,
        probabilities: scores,
        predicted: this.head.predicted(scores),
        truncated: encoded[i].truncated,
      };
    });
  }

  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled(this.gradientSessions.values());
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.dispose();
    this.gradientSessions.clear();
    await this.onnx.dispose();
  }
}
