/**
 * The first stage of an explanation: the text tokenized into units, the clean run (p(·) and attention), the class
 * explained, the position(s) the classifier pools, and the erasure operators this model can run, with notes on what
 * was cut or skipped.
 */
import type { TextClassifier } from '../classifier/textClassifier';
import type { ErasureContext, ErasureOperatorName, ModelInput } from '../erasure/erasureOperator';
import { PAPER_OPERATORS } from '../erasure/operators';
import type { AttentionMap, PooledRows } from '../explainers/explainer';
import { pooledRows, resolvePooling } from '../model/pooling';
import type { TokenizedText } from '../tokenize/textTokenizer';
import { explanationUnits, type ExplanationUnit } from '../tokenize/units';
import type { ResolvedExplainOptions } from './explainOptions';
import { classIndex } from './classIndex';

export interface PreparedText {
  text: string;
  tokens: TokenizedText;
  units: ExplanationUnit[];
  input: ModelInput;
  probabilities: number[];
  /** The model's own prediction ŷ (a multi-label head: its most likely label). */
  predicted: number;
  /** The class every number is about: ŷ, or the class (label) asked for. */
  target: number;
  /** Whether the target was asked for (else it is ŷ). */
  targetRequested: boolean;
  attentions: AttentionMap[];
  pooled: PooledRows;
  /** The paper's three and the chosen one, less those the model cannot run. */
  operators: ErasureOperatorName[];
  erasureContext: ErasureContext;
  notes: string[];
}

export async function prepareText(
  model: TextClassifier,
  text: string,
  settings: Pick<ResolvedExplainOptions, 'granularity' | 'operator'>,
  requested?: string | number,
): Promise<PreparedText> {
  if (text.trim() === '') throw new Error('Nothing to explain: the text is empty.');
  const notes: string[] = [];
  const tokens = await model.tokenizer.encode(text);
  if (tokens.truncated)
    notes.push(
      `The text is longer than the ${model.tokenizer.maxLength}-token maximum; only the first ${tokens.ids.length} tokens were explained.`,
    );
  const units = explanationUnits(text, tokens, settings.granularity);
  if (units.length === 0) throw new Error('Nothing to explain: the text has no tokens besides special tokens.');
  const input: ModelInput = { ids: tokens.ids, attentionMask: tokens.ids.map(() => 1) };

  const attentionNames = model.onnx.attentionNames;
  if (model.onnx.attentionProblem) notes.push(`Attention explainers cannot run: ${model.onnx.attentionProblem}.`);
  const clean = await model.onnx.run({ ids: [input.ids] }, attentionNames);
  const probabilities = model.scores(clean.logits[0]);
  const predicted = model.head.predicted(probabilities);
  const target = requested === undefined ? predicted : chosenTarget(model, requested);
  const attentions: AttentionMap[] = attentionNames.map((name) => ({
    name,
    dims: clean.outputs[name].dims,
    data: clean.outputs[name].data as Float32Array,
  }));
  const pooled = pooledRows(resolvePooling(model.pooling, attentions), tokens.ids.length);
  return {
    text,
    tokens,
    units,
    input,
    probabilities,
    predicted,
    target,
    targetRequested: requested !== undefined,
    attentions,
    pooled,
    operators: runnableOperators(model, settings.operator, notes),
    erasureContext: { maskTokenId: maskTokenId(model) },
    notes,
  };
}

/**
 * The class asked for, by name or index: any class of a softmax or sigmoid head, any label of a multi-label head. A
 * string is a class name first (names may be digits), then an index; a regression head has no class to choose.
 */
export function chosenTarget(model: TextClassifier, requested: string | number): number {
  const { head } = model;
  if (head.kind === 'regression')
    throw new Error(
      `A target class can be chosen only for a classifier; this model's head is a regression score, so its output is explained.`,
    );
  const classes = head.classes;
  const index = classIndex(classes, requested);
  if (!Number.isInteger(index) || index < 0 || index >= classes.length) {
    const what = head.kind === 'multi-label' ? 'labels' : 'classes';
    throw new Error(
      `No class ${JSON.stringify(requested)} in this model; its ${what} are ${classes.map((c, i) => `${i} ${c}`).join(', ')}.`,
    );
  }
  return index;
}

/** The paper's operators and the chosen one; zero-embedding only where a word-embedding tensor was found. */
function runnableOperators(model: TextClassifier, chosen: ErasureOperatorName, notes: string[]): ErasureOperatorName[] {
  const operators: ErasureOperatorName[] = [...PAPER_OPERATORS];
  if (!operators.includes(chosen)) operators.push(chosen);
  if (!model.onnx.supportsEmbeddingScale) {
    if (chosen === 'zero-embedding')
      throw new Error(
        'The zero-embedding operator needs a word-embedding tensor, and none was found in this model; choose another --operator.',
      );
    operators.splice(operators.indexOf('zero-embedding'), 1);
    notes.push('No word-embedding tensor was found in this model, so the zero-embedding operator was skipped.');
  }
  return operators;
}

/** The id standing in for an erased token: config.json's mask_token, else [MASK], else [UNK]. */
function maskTokenId(model: TextClassifier): number | undefined {
  const configured = model.folder.config.mask_token;
  const candidates = [typeof configured === 'string' ? configured : undefined, '[MASK]', '<mask>', '[UNK]', '<unk>'];
  for (const token of candidates) {
    const id = token === undefined ? undefined : model.tokenizer.tokenId(token);
    if (id !== undefined) return id;
  }
  return undefined;
}
