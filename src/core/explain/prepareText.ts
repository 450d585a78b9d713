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

export interface PreparedText {
  text: string;
  tokens: TokenizedText;
  units: ExplanationUnit[];
  input: ModelInput;
  probabilities: number[];
  /** The class explained: ŷ, or the label asked for on a multi-label head. */
  target: number;
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
  label?: string | number,
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
  const target = label === undefined ? model.head.predicted(probabilities) : chosenLabel(model, label);
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
    target,
    attentions,
    pooled,
    operators: runnableOperators(model, settings.operator, notes),
    erasureContext: { maskTokenId: maskTokenId(model) },
    notes,
  };
}

/** The index of a multi-label head's label asked for by name or index; other heads explain their prediction. */
export function chosenLabel(model: TextClassifier, label: string | number): number {
  const { head } = model;
  if (head.kind !== 'multi-label') {
    throw new Error(
      `A label can be chosen only for a multi-label head; this model's head is ${head.kind}, so its prediction is explained.`,
    );
  }
  const index = typeof label === 'number' ? label : head.classes.indexOf(label);
  if (!Number.isInteger(index) || index < 0 || index >= head.classes.length) {
    throw new Error(`No label ${JSON.stringify(label)} in this model; its labels are ${head.classes.join(', ')}.`);
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
