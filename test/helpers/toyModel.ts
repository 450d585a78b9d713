/**
 * The reference's toy sanity case (§7.2 item 1) as a real ONNX model folder, built in TypeScript:
 * a bag-of-words linear classifier, logits = Σ_i mask_i · E[x_i], where "good" pushes towards positive and "bad"
 * towards negative, plus a hand-set attention output α = masked softmax(S[x_i]) that puts its weight on "bad".
 * The attention does not feed the logits, so its polarity claims can be checked against exact impacts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataType } from 'onnx-buf';
import { Tokenizer, WordLevel, whitespaceSplitPreTokenizer } from 'tokenizers';

export const TOY_VOCAB = { '[PAD]': 0, '[UNK]': 1, good: 2, bad: 3, movie: 4 };
/** Per-word contribution to the logits [negative, positive]. */
const EMBEDDING = [
  [0, 0],
  [0, 0],
  [0, 2],
  [1.5, 0],
  [0, 0.1],
];
/** Hand-set attention scores: "bad" gets almost all the attention. */
const SCORES = [0, 0, 0, 5, 0];

const f32 = (name: string, dims: number[], values: number[]) => ({
  name,
  dims: dims.map(BigInt),
  dataType: TensorProto_DataType.FLOAT,
  floatData: values,
});
const i64 = (name: string, values: number[]) => ({
  name,
  dims: [BigInt(values.length)],
  dataType: TensorProto_DataType.INT64,
  int64Data: values.map(BigInt),
});
const dyn = (...names: string[]) => ({ dim: names.map((n) => ({ value: { case: 'dimParam' as const, value: n } })) });
const io = (name: string, elemType: TensorProto_DataType, ...dims: string[]) => ({
  name,
  type: { value: { case: 'tensorType' as const, value: { elemType, shape: dyn(...dims) } } },
});

export interface ToyOptions {
  /** The attention also pools the word embeddings into the logits: logits = Σ_i m_i E[x_i] + Σ_i α_i E[x_i]. */
  attentionPooling?: boolean;
  /** Passes the pooled term through Sin, an op without a gradient rule (with attentionPooling). */
  unsupportedOp?: boolean;
  /** Each vocabulary word's contribution to the logits, one row per word of TOY_VOCAB (default: two classes). */
  embedding?: number[][];
  /** Replaces keys of config.json (e.g. id2label, problem_type); undefined values remove them. */
  config?: Record<string, unknown>;
  /** Passes the logits through onnxruntime's fused com.microsoft.FastGelu, as its transformer optimizer writes. */
  fusedOp?: boolean;
}

/** Writes the toy model folder; `logitsName` renames its logits output (to test models without one), and
 * `tokenTypes` adds a BERT-style `token_type_ids` input whose (zero) type embedding is added to the words. */
export function writeToyModel(dir: string, logitsName = 'logits', tokenTypes = false, options: ToyOptions = {}): void {
  const bag = options.attentionPooling || options.fusedOp ? 'bag' : logitsName;
  const embedding = options.embedding ?? EMBEDDING;
  const graph = {
    name: 'toy-bag-of-words',
    input: [
      io('input_ids', TensorProto_DataType.INT64, 'batch', 'seq'),
      io('attention_mask', TensorProto_DataType.INT64, 'batch', 'seq'),
      ...(tokenTypes ? [io('token_type_ids', TensorProto_DataType.INT64, 'batch', 'seq')] : []),
    ],
    output: [
      io(logitsName, TensorProto_DataType.FLOAT, 'batch', 'classes'),
      io('attention', TensorProto_DataType.FLOAT, 'batch', 'seq'),
    ],
    initializer: [
      f32('E', [5, embedding[0].length], embedding.flat()),
      f32('S', [5], SCORES),
      f32('one', [], [1]),
      f32('neg_big', [], [-1e9]),
      i64('last_axis', [-1]),
      i64('seq_axis', [1]),
      f32('T', [2, 2], [0, 0, 5, -5]),
    ],
    node: [
      { opType: 'Gather', input: ['E', 'input_ids'], output: [tokenTypes ? 'words' : 'word_embeddings'] },
      ...(tokenTypes
        ? [
            { opType: 'Gather', input: ['T', 'token_type_ids'], output: ['types'] },
            { opType: 'Add', input: ['words', 'types'], output: ['word_embeddings'] },
          ]
        : []),
      {
        opType: 'Cast',
        input: ['attention_mask'],
        output: ['m'],
        attribute: [{ name: 'to', type: 2, i: BigInt(TensorProto_DataType.FLOAT) }],
      },
      { opType: 'Unsqueeze', input: ['m', 'last_axis'], output: ['m3'] },
      { opType: 'Mul', input: ['word_embeddings', 'm3'], output: ['kept'] },
      {
        opType: 'ReduceSum',
        input: ['kept', 'seq_axis'],
        output: [bag],
        attribute: [{ name: 'keepdims', type: 2, i: 0n }],
      },
      { opType: 'Gather', input: ['S', 'input_ids'], output: ['scores'] },
      { opType: 'Sub', input: ['one', 'm'], output: ['inv'] },
      { opType: 'Mul', input: ['inv', 'neg_big'], output: ['bias'] },
      { opType: 'Add', input: ['scores', 'bias'], output: ['masked_scores'] },
      {
        opType: 'Softmax',
        input: ['masked_scores'],
        output: ['probs'],
        attribute: [{ name: 'axis', type: 2, i: -1n }],
      },
      { opType: 'Mul', input: ['probs', 'm'], output: ['attention'] },
      ...(options.attentionPooling
        ? [
            { opType: 'Unsqueeze', input: ['attention', 'last_axis'], output: ['a3'] },
            { opType: 'Mul', input: ['word_embeddings', 'a3'], output: ['weighted'] },
            {
              opType: 'ReduceSum',
              input: ['weighted', 'seq_axis'],
              output: ['pooled'],
              attribute: [{ name: 'keepdims', type: 2, i: 0n }],
            },
            ...(options.unsupportedOp ? [{ opType: 'Sin', input: ['pooled'], output: ['pooled_sin'] }] : []),
            { opType: 'Add', input: [bag, options.unsupportedOp ? 'pooled_sin' : 'pooled'], output: [logitsName] },
          ]
        : []),
      ...(options.fusedOp ? [{ opType: 'FastGelu', domain: 'com.microsoft', input: [bag], output: [logitsName] }] : []),
    ],
  };
  const opsetImport = [
    { domain: '', version: 17n },
    ...(options.fusedOp ? [{ domain: 'com.microsoft', version: 1n }] : []),
  ];
  const model = create(ModelProtoSchema, { irVersion: 8n, opsetImport, producerName: 'polarity-lens tests', graph });
  writeFileSync(join(dir, 'model.onnx'), toBinary(ModelProtoSchema, model));
  const tok = new Tokenizer(WordLevel.init(TOY_VOCAB, { unkToken: '[UNK]' }));
  tok.setPreTokenizer(whitespaceSplitPreTokenizer());
  tok.save(join(dir, 'tokenizer.json'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      name: 'toy',
      id2label: { 0: 'negative', 1: 'positive' },
      max_length: 16,
      pad_token_id: 0,
      outputs: { attentions: ['attention'] },
      ...options.config,
    }),
  );
}
