import { argmax, softmax } from '../math/softmax';
import { TextTokenizer } from '../tokenize/textTokenizer';
import { readModelFolder, ModelFolder } from './modelFolder';
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

/** Model folder + tokenizer + ONNX session: the whole text -> prediction path. */
export class TextClassifier {
  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: TextTokenizer,
    readonly onnx: OnnxClassifier,
  ) {}

  static async load(dir: string, options: SessionOptions = {}): Promise<TextClassifier> {
    const folder = readModelFolder(dir);
    const tokenizer = TextTokenizer.fromFile(folder.tokenizerPath, folder.maxLength);
    const padId = folder.config.pad_token_id ?? tokenizer.tokenId('[PAD]') ?? tokenizer.tokenId('<pad>') ?? 0;
    const declared = (folder.config.outputs as { attentions?: string[] } | undefined)?.attentions;
    const onnx = await OnnxClassifier.load(folder.modelPath, padId, { attentionOutputs: declared, ...options });
    const tokens = tokenizer.vocabularySize();
    if (onnx.vocabularySize !== undefined && tokens > onnx.vocabularySize) {
      await onnx.dispose();
      throw new Error(`${folder.tokenizerPath} has ${tokens} tokens but the model's word-embedding table has ${onnx.vocabularySize} rows: the tokenizer and the model do not belong together.`);
    }
    return new TextClassifier(folder, tokenizer, onnx);
  }

  /** Class names by index; `LABEL_i` for a model whose config has no id2label. */
  labelOf(index: number): string {
    return this.folder.labels?.[index] ?? `LABEL_${index}`;
  }

  /**
   * Predicts every text. Texts are grouped by token length before batching, so little time goes into padding;
   * results come back in input order.
   */
  async predict(texts: string[], batchSize = 64): Promise<Prediction[]> {
    const encoded = await this.tokenizer.encodeBatch(texts);
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].ids.length - encoded[b].ids.length);
    const results: Prediction[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const { logits } = await this.onnx.run({ ids: idx.map((i) => encoded[i].ids) });
      idx.forEach((i, r) => {
        const row = Array.from(logits[r]);
        results[i] = { logits: row, probabilities: softmax(row), predicted: argmax(row), truncated: encoded[i].truncated };
      });
    }
    return results;
  }

  async dispose(): Promise<void> {
    await this.onnx.dispose();
  }
}
