/**
 * Which position's attention a classifier actually reads. BERT-style heads pool the first token ([CLS], <s>),
 * sentence-transformer classifiers the mean over tokens, decoder classifiers (GPT-2, Llama, Qwen …
 * ForSequenceClassification) the last non-pad token. Reading another row is reading attention the classifier ignores:
 * a causal model's first row attends only to itself, so its weights are all on one token and can never violate.
 *
 * Decided, first match wins: `pooling` (polarity-lens.json or config.json); ModernBERT's `classifier_pooling`; the
 * older `model.pooled_token_index`; a sentence-transformers `1_Pooling/config.json`; a decoder `model_type` or
 * architecture; the attention of the clean run (every map causal → a decoder); else the first token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from './modelFolder';

export type PoolingKind = 'first' | 'last' | 'mean' | 'index';

export interface Pooling {
  kind: PoolingKind;
  /** The token index, for kind 'index'. */
  index?: number;
  /** Where the choice came from, for the doctor and the quantity labels. */
  from: string;
}

/** Hugging Face model types whose sequence classifiers pool the last non-pad token. */
const DECODER_TYPES = new Set([
  'gpt2',
  'gpt_neo',
  'gptj',
  'gpt_neox',
  'gpt_bigcode',
  'llama',
  'mistral',
  'mixtral',
  'qwen2',
  'qwen2_moe',
  'qwen3',
  'phi',
  'phi3',
  'gemma',
  'gemma2',
  'opt',
  'bloom',
  'falcon',
  'mpt',
  'stablelm',
  'starcoder2',
  'olmo',
  'codegen',
  'ctrl',
  'biogpt',
  'persimmon',
]);

const KINDS: Record<string, PoolingKind> = { first: 'first', cls: 'first', last: 'last', mean: 'mean' };

/** The pooling declared by the folder and config, or undefined when only the model's behaviour can tell. */
export function declaredPooling(dir: string, config: ModelConfig): Pooling | undefined {
  const declared = config.pooling;
  if (declared !== undefined) {
    if (typeof declared === 'number' && Number.isInteger(declared) && declared >= 0)
      return { kind: 'index', index: declared, from: "pooling in the model's config" };
    if (typeof declared === 'string' && KINDS[declared])
      return { kind: KINDS[declared], from: `pooling "${declared}" in the model's config` };
    throw new Error(
      `${join(dir, 'polarity-lens.json')}: pooling must be "first", "last", "mean" or a token index (found ${JSON.stringify(declared)}).`,
    );
  }
  // ModernBERT's classifier head says which it pools.
  if (config.classifier_pooling === 'mean') return { kind: 'mean', from: 'classifier_pooling "mean" in config.json' };
  if (config.classifier_pooling === 'cls') return { kind: 'first', from: 'classifier_pooling "cls" in config.json' };
  const legacy = (config.model as { pooled_token_index?: unknown } | undefined)?.pooled_token_index;
  if (typeof legacy === 'number')
    return { kind: 'index', index: legacy, from: "model.pooled_token_index in the model's config" };
  const sentence = join(dir, '1_Pooling', 'config.json');
  if (existsSync(sentence)) {
    try {
      const st = JSON.parse(readFileSync(sentence, 'utf8')) as Record<string, unknown>;
      if (st.pooling_mode_mean_tokens)
        return { kind: 'mean', from: 'sentence-transformers 1_Pooling/config.json (mean tokens)' };
      if (st.pooling_mode_cls_token)
        return { kind: 'first', from: 'sentence-transformers 1_Pooling/config.json (CLS token)' };
      if (st.pooling_mode_lasttoken)
        return { kind: 'last', from: 'sentence-transformers 1_Pooling/config.json (last token)' };
    } catch {
      // An unreadable pooling config decides nothing; the model's behaviour still can.
    }
  }
  const type = typeof config.model_type === 'string' ? config.model_type : undefined;
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((a): a is string => typeof a === 'string')
    : [];
  if (
    (type && DECODER_TYPES.has(type)) ||
    architectures.some(
      (a) => /^(GPT|Llama|Mistral|Qwen|Phi|Gemma|OPT|Bloom|Falcon)/i.test(a) && /ForSequenceClassification$/.test(a),
    )
  ) {
    return { kind: 'last', from: `a decoder model (${type ?? architectures[0]}) pools its last token` };
  }
  return undefined;
}

/** An attention map [1, heads, n, n] with nothing above the diagonal, the mark of a causal (decoder) model. */
export function isCausal(dims: readonly number[], data: ArrayLike<number>): boolean {
  if (dims.length !== 4 || dims[2] !== dims[3] || dims[2] < 3) return false;
  const [, heads, n] = dims;
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (data[(h * n + i) * n + j] > 1e-6) return false;
  }
  return true;
}

/** The pooling of one explanation: declared, else seen in the clean run's attention, else the first token. */
export function resolvePooling(
  declared: Pooling | undefined,
  maps: { dims: readonly number[]; data: ArrayLike<number> }[],
): Pooling {
  if (declared) return declared;
  if (maps.length > 0 && maps.every((m) => isCausal(m.dims, m.data)))
    return { kind: 'last', from: 'every attention map is causal (a decoder pools its last token)' };
  return { kind: 'first', from: 'the default for encoders (the first token, [CLS] or <s>)' };
}

/** Weights over the n attention rows that the pooled representation reads, with the reading in words. */
export function pooledRows(pooling: Pooling, n: number): { weights: number[]; description: string } {
  const one = (i: number) => Array.from({ length: n }, (_, k) => (k === i ? 1 : 0));
  switch (pooling.kind) {
    case 'mean':
      return { weights: new Array<number>(n).fill(1 / n), description: "mean of every token's row" };
    case 'last':
      return { weights: one(n - 1), description: `row of the last token (${n - 1})` };
    case 'index':
      if (pooling.index! >= n) throw new Error(`pooled token ${pooling.index} is outside the ${n} tokens`);
      return { weights: one(pooling.index!), description: `row of token ${pooling.index}` };
    default:
      return { weights: one(0), description: 'row of token 0' };
  }
}
