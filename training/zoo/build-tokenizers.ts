/**
 * Model zoo, step 1: small, deterministic Hugging Face `tokenizer.json` files of every kind the zoo's architectures
 * ship with, trained on the first TRAIN_ROWS rows of SST-2 train. The `tokenizers` binding has no configurable
 * trainers, so the vocabularies are learnt here (BPE merges, WordPiece-as-BPE with "##", a SentencePiece-style
 * Unigram by hard EM) and the files are assembled as JSON, then loaded and re-saved by the official binding (so the
 * file is exactly what `tokenizers` writes) and checked by encoding a few sentences.
 *
 * Usage: tsx training/zoo/build-tokenizers.ts <sst2 train.csv> <out dir> [flavour ...]
 * Writes <out dir>/<flavour>.json (tokenizer.json) and <out dir>/<flavour>.hf.json ({tokenizer_config,
 * special_tokens_map, specials, pad_token_id, vocab_txt?}) for each flavour (all of them by default).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Tokenizer,
  bertNormalizer,
  bertPreTokenizer,
  byteLevelPreTokenizer,
  metaspacePreTokenizer,
  Normalizer,
  nfkcNormalizer,
  nfkdNormalizer,
  sequenceNormalizer,
  stripAccentsNormalizer,
  lowercase,
  replace,
} from 'tokenizers';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';

const TRAIN_ROWS = 3000;
const VOCAB_SIZE = 1000;
const MIN_PAIR_COUNT = 2;

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Trainers (deterministic: every tie is broken by string order)

/** BPE merges over words given as symbol sequences. `join(a, b)` names the merged symbol. */
function trainBpe(
  words: Map<string, number>,
  split: (w: string) => string[],
  join: (a: string, b: string) => string,
  newTokens: number,
  existing: Iterable<string>,
): { merges: [string, string][]; tokens: string[] } {
  const known = new Set(existing);
  const seqs = [...words.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w, n]) => ({ s: split(w), n }));
  const merges: [string, string][] = [];
  const tokens: string[] = [];
  while (tokens.length < newTokens) {
    const counts = new Map<string, number>();
    for (const { s, n } of seqs) {
      for (let i = 0; i + 1 < s.length; i++) {
        const k = `${s[i]}\u0000${s[i + 1]}`;
        counts.set(k, (counts.get(k) ?? 0) + n);
      }
    }
    let best: string | undefined;
    let bestN = 0;
    for (const [k, n] of counts) {
      if (n > bestN || (n === bestN && best !== undefined && k < best)) {
        best = k;
        bestN = n;
      }
    }
    if (best === undefined || bestN < MIN_PAIR_COUNT) break;
    const [a, b] = best.split('\u0000');
    const merged = join(a, b);
    merges.push([a, b]);
    if (!known.has(merged)) {
      known.add(merged);
      tokens.push(merged);
    }
    for (const item of seqs) {
      const s = item.s;
      if (s.length < 2) continue;
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(s[i]);
      }
      item.s = out;
    }
  }
  return { merges, tokens };
}

/** SentencePiece-style Unigram: seed pieces (frequent substrings + every character), then hard-EM (Viterbi counts)
 * with pruning until `size` pieces remain. Returns [piece, log-probability] sorted by score, best first. */
function trainUnigram(words: Map<string, number>, size: number): [string, number][] {
  const wordList = [...words.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const chars = new Set<string>();
  const subCounts = new Map<string, number>();
  for (const [w, n] of wordList) {
    const cs = Array.from(w);
    cs.forEach((c) => chars.add(c));
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 2; j <= Math.min(cs.length, i + 12); j++) {
        if (cs.slice(i + 1, j).includes('▁')) continue;
        const sub = cs.slice(i, j).join('');
        subCounts.set(sub, (subCounts.get(sub) ?? 0) + n);
      }
    }
  }
  const seeds = [...subCounts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] * Array.from(b[0]).length - a[1] * Array.from(a[0]).length || (a[0] < b[0] ? -1 : 1))
    .slice(0, size * 8)
    .map(([s]) => s);
  let pieces = new Map<string, number>(); // piece -> log p
  const total0 = seeds.reduce((t, s) => t + (subCounts.get(s) ?? 0), 0) + chars.size;
  for (const s of seeds) pieces.set(s, Math.log((subCounts.get(s) ?? 1) / total0));
  for (const c of chars) if (!pieces.has(c)) pieces.set(c, Math.log(1 / total0));

  const viterbi = (w: string[]): string[] => {
    const n = w.length;
    const best = new Array<number>(n + 1).fill(-Infinity);
    const back = new Array<number>(n + 1).fill(-1);
    best[0] = 0;
    for (let j = 1; j <= n; j++) {
      for (let i = Math.max(0, j - 12); i < j; i++) {
        if (best[i] === -Infinity) continue;
        const lp = pieces.get(w.slice(i, j).join(''));
        if (lp === undefined) continue;
        const v = best[i] + lp;
        if (v > best[j]) {
          best[j] = v;
          back[j] = i;
        }
      }
    }
    const out: string[] = [];
    for (let j = n; j > 0; j = back[j]) out.unshift(w.slice(back[j], j).join(''));
    return out;
  };
  const split = wordList.map(([w, n]) => ({ w: Array.from(w), n }));
  const emStep = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const { w, n } of split) for (const p of viterbi(w)) counts.set(p, (counts.get(p) ?? 0) + n);
    return counts;
  };
  const reestimate = (counts: Map<string, number>, keep: Set<string>): void => {
    const total = [...keep].reduce((t, p) => t + (counts.get(p) ?? 0) + 0.5, 0);
    pieces = new Map([...keep].map((p) => [p, Math.log(((counts.get(p) ?? 0) + 0.5) / total)]));
  };
  for (let round = 0; round < 40; round++) {
    const counts = emStep();
    const all = [...pieces.keys()];
    if (all.length <= size) {
      reestimate(counts, new Set(all));
      if (round > 0 && all.length === size) break;
      continue;
    }
    const target = Math.max(size, Math.floor(all.length * 0.8));
    const ranked = all
      .filter((p) => !chars.has(p))
      .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1));
    const keep = new Set<string>([...chars, ...ranked.slice(0, Math.max(0, target - chars.size))]);
    reestimate(counts, keep);
  }
  reestimate(emStep(), new Set(pieces.keys()));
  return [...pieces.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([p, s]) => [p, Math.round(s * 1e4) / 1e4]);
}

/** GPT-2's byte <-> unicode table, in its vocabulary order. */
function byteLevelSymbols(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const printable = new Set(bs);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!printable.has(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  return cs.map((c) => String.fromCodePoint(c));
}

// ---------------------------------------------------------------------------------------------------------------
// Flavours

interface Special {
  content: string;
  lstrip?: boolean;
  normalized?: boolean;
}
interface Built {
  tokenizer: Json;
  hf: Json;
}

function addedTokens(vocab: Record<string, number>, specials: Special[]): Json[] {
  return specials.map((s) => ({
    id: vocab[s.content],
    content: s.content,
    single_word: false,
    lstrip: s.lstrip ?? false,
    rstrip: false,
    normalized: s.normalized ?? false,
    special: true,
  }));
}

function addedTokensDecoder(added: Json[]): Json {
  return Object.fromEntries(
    added.map((a) => [
      String(a.id),
      {
        content: a.content,
        lstrip: a.lstrip,
        normalized: a.normalized,
        rstrip: a.rstrip,
        single_word: a.single_word,
        special: true,
      },
    ]),
  );
}

function template(single: string[], pair: string[], specials: Record<string, number>): Json {
  const piece = (p: string): Json => {
    const [name, type] = p.split(':');
    const typeId = Number(type ?? 0);
    return name === '$A' || name === '$B'
      ? { Sequence: { id: name.slice(1), type_id: typeId } }
      : { SpecialToken: { id: name, type_id: typeId } };
  };
  return {
    type: 'TemplateProcessing',
    single: single.map(piece),
    pair: pair.map(piece),
    special_tokens: Object.fromEntries(
      Object.entries(specials).map(([k, id]) => [k, { id: k, ids: [id], tokens: [k] }]),
    ),
  };
}

function words(
  texts: string[],
  norm: Normalizer | null,
  pre: (s: string) => [string, [number, number]][],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts) {
    for (const [w] of pre(norm ? norm.normalizeString(t) : t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

function bert(texts: string[]): Built {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const norm = bertNormalizer({ lowercase: true, stripAccents: true, cleanText: true, handleChineseChars: true });
  const pre = bertPreTokenizer();
  const w = words(texts, norm, (s) => pre.preTokenizeString(s));
  const split = (word: string) => Array.from(word).map((c, i) => (i === 0 ? c : `##${c}`));
  const alphabet = [...new Set([...w.keys()].flatMap(split))].sort();
  const { tokens } = trainBpe(w, split, (a, b) => a + b.slice(2), VOCAB_SIZE - specials.length - alphabet.length, [
    ...specials,
    ...alphabet,
  ]);
  const vocab: Record<string, number> = {};
  for (const t of [...specials, ...alphabet, ...tokens]) if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  const added = addedTokens(
    vocab,
    specials.map((content) => ({ content })),
  );
  const ids = (t: string) => vocab[t];
  return {
    tokenizer: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: template(['[CLS]', '$A', '[SEP]'], ['[CLS]', '$A', '[SEP]', '$B:1', '[SEP]:1'], {
        '[CLS]': ids('[CLS]'),
        '[SEP]': ids('[SEP]'),
      }),
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab,
      },
    },
    hf: {
      tokenizer_config: {
        added_tokens_decoder: addedTokensDecoder(added),
        clean_up_tokenization_spaces: true,
        cls_token: '[CLS]',
        do_basic_tokenize: true,
        do_lower_case: true,
        mask_token: '[MASK]',
        model_max_length: 512,
        never_split: null,
        pad_token: '[PAD]',
        sep_token: '[SEP]',
        strip_accents: null,
        tokenize_chinese_chars: true,
        tokenizer_class: 'BertTokenizer',
        unk_token: '[UNK]',
      },
      special_tokens_map: {
        cls_token: '[CLS]',
        mask_token: '[MASK]',
        pad_token: '[PAD]',
        sep_token: '[SEP]',
        unk_token: '[UNK]',
      },
      pad_token_id: ids('[PAD]'),
      special_ids: {
        cls_token_id: ids('[CLS]'),
        sep_token_id: ids('[SEP]'),
        mask_token_id: ids('[MASK]'),
        unk_token_id: ids('[UNK]'),
      },
      vocab_txt: Object.keys(vocab).join('\n') + '\n',
    },
  };
}

type BpeStyle = 'roberta' | 'gpt2' | 'modernbert';

function byteLevelBpe(texts: string[], style: BpeStyle): Built {
  const head =
    style === 'roberta'
      ? ['<s>', '<pad>', '</s>', '<unk>']
      : style === 'modernbert'
        ? ['<|endoftext|>', '<|padding|>']
        : [];
  const tail =
    style === 'roberta'
      ? ['<mask>']
      : style === 'modernbert'
        ? ['[UNK]', '[CLS]', '[SEP]', '[PAD]', '[MASK]']
        : ['<|endoftext|>'];
  const pre = byteLevelPreTokenizer(false, true);
  const w = words(texts, null, (s) => pre.preTokenizeString(s));
  const alphabet = byteLevelSymbols();
  const { merges, tokens } = trainBpe(
    w,
    (x) => Array.from(x),
    (a, b) => a + b,
    VOCAB_SIZE - head.length - tail.length - alphabet.length,
    [...head, ...alphabet, ...tail],
  );
  const vocab: Record<string, number> = {};
  for (const t of [...head, ...alphabet, ...tokens, ...tail]) if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  const ids = (t: string) => vocab[t];
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const model = {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: '',
    end_of_word_suffix: '',
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab,
    merges: merges.map(([a, b]) => `${a} ${b}`),
  };
  if (style === 'roberta') {
    const added = addedTokens(vocab, [
      { content: '<s>', normalized: true },
      { content: '<pad>', normalized: true },
      { content: '</s>', normalized: true },
      { content: '<unk>', normalized: true },
      { content: '<mask>', lstrip: true },
    ]);
    return {
      tokenizer: {
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: added,
        normalizer: null,
        pre_tokenizer: byteLevel,
        post_processor: {
          type: 'RobertaProcessing',
          sep: ['</s>', ids('</s>')],
          cls: ['<s>', ids('<s>')],
          trim_offsets: true,
          add_prefix_space: false,
        },
        decoder: byteLevel,
        model,
      },
      hf: {
        tokenizer_config: {
          add_prefix_space: false,
          added_tokens_decoder: addedTokensDecoder(added),
          bos_token: '<s>',
          clean_up_tokenization_spaces: false,
          cls_token: '<s>',
          eos_token: '</s>',
          errors: 'replace',
          mask_token: '<mask>',
          model_max_length: 512,
          pad_token: '<pad>',
          sep_token: '</s>',
          tokenizer_class: 'RobertaTokenizer',
          trim_offsets: true,
          unk_token: '<unk>',
        },
        special_tokens_map: {
          bos_token: '<s>',
          cls_token: '<s>',
          eos_token: '</s>',
          mask_token: { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false },
          pad_token: '<pad>',
          sep_token: '</s>',
          unk_token: '<unk>',
        },
        pad_token_id: ids('<pad>'),
        special_ids: {
          bos_token_id: ids('<s>'),
          eos_token_id: ids('</s>'),
          mask_token_id: ids('<mask>'),
          unk_token_id: ids('<unk>'),
        },
      },
    };
  }
  if (style === 'gpt2') {
    const added = addedTokens(vocab, [{ content: '<|endoftext|>', normalized: true }]);
    return {
      tokenizer: {
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: added,
        normalizer: null,
        pre_tokenizer: byteLevel,
        post_processor: { ...byteLevel, trim_offsets: false },
        decoder: byteLevel,
        model,
      },
      hf: {
        tokenizer_config: {
          add_bos_token: false,
          add_prefix_space: false,
          added_tokens_decoder: addedTokensDecoder(added),
          bos_token: '<|endoftext|>',
          clean_up_tokenization_spaces: false,
          eos_token: '<|endoftext|>',
          errors: 'replace',
          model_max_length: 1024,
          pad_token: '<|endoftext|>',
          tokenizer_class: 'GPT2Tokenizer',
          unk_token: '<|endoftext|>',
        },
        special_tokens_map: {
          bos_token: '<|endoftext|>',
          eos_token: '<|endoftext|>',
          pad_token: '<|endoftext|>',
          unk_token: '<|endoftext|>',
        },
        pad_token_id: ids('<|endoftext|>'),
        special_ids: { bos_token_id: ids('<|endoftext|>'), eos_token_id: ids('<|endoftext|>') },
      },
    };
  }
  const added = addedTokens(vocab, [
    { content: '<|endoftext|>' },
    { content: '<|padding|>' },
    { content: '[UNK]' },
    { content: '[CLS]' },
    { content: '[SEP]' },
    { content: '[PAD]' },
    { content: '[MASK]', lstrip: true },
  ]);
  return {
    tokenizer: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: { type: 'NFC' },
      pre_tokenizer: byteLevel,
      post_processor: template(['[CLS]', '$A', '[SEP]'], ['[CLS]', '$A', '[SEP]', '$B', '[SEP]'], {
        '[CLS]': ids('[CLS]'),
        '[SEP]': ids('[SEP]'),
      }),
      decoder: byteLevel,
      model,
    },
    hf: {
      tokenizer_config: {
        added_tokens_decoder: addedTokensDecoder(added),
        clean_up_tokenization_spaces: true,
        cls_token: '[CLS]',
        mask_token: '[MASK]',
        model_input_names: ['input_ids', 'attention_mask'],
        model_max_length: 8192,
        pad_token: '[PAD]',
        sep_token: '[SEP]',
        tokenizer_class: 'PreTrainedTokenizerFast',
        unk_token: '[UNK]',
      },
      special_tokens_map: {
        cls_token: '[CLS]',
        mask_token: { content: '[MASK]', lstrip: true, normalized: false, rstrip: false, single_word: false },
        pad_token: '[PAD]',
        sep_token: '[SEP]',
        unk_token: '[UNK]',
      },
      pad_token_id: ids('[PAD]'),
      special_ids: {
        bos_token_id: ids('[CLS]'),
        eos_token_id: ids('[SEP]'),
        cls_token_id: ids('[CLS]'),
        sep_token_id: ids('[SEP]'),
        mask_token_id: ids('[MASK]'),
      },
    },
  };
}

type UnigramStyle = 'xlmr' | 'albert' | 'deberta-v3';

function unigram(texts: string[], style: UnigramStyle): Built {
  const head =
    style === 'xlmr'
      ? ['<s>', '<pad>', '</s>', '<unk>']
      : style === 'albert'
        ? ['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]']
        : ['[PAD]', '[CLS]', '[SEP]', '[UNK]'];
  const tail = style === 'xlmr' ? ['<mask>'] : style === 'albert' ? [] : ['[MASK]'];
  const unk = style === 'xlmr' ? '<unk>' : style === 'albert' ? '<unk>' : '[UNK]';
  // The real files start with a `Precompiled` (SentencePiece nmt_nfkc charsmap) normalizer; NFKC stands in for it.
  const squeeze = { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' };
  const normalizerJson: Json =
    style === 'albert'
      ? {
          type: 'Sequence',
          normalizers: [
            { type: 'Replace', pattern: { String: '``' }, content: '"' },
            { type: 'Replace', pattern: { String: "''" }, content: '"' },
            { type: 'NFKD' },
            { type: 'StripAccents' },
            { type: 'Lowercase' },
            { type: 'NFKC' },
            squeeze,
          ],
        }
      : { type: 'Sequence', normalizers: [{ type: 'NFKC' }, squeeze] };
  const norm =
    style === 'albert'
      ? sequenceNormalizer([
          replace('``', '"'),
          replace("''", '"'),
          nfkdNormalizer(),
          stripAccentsNormalizer(),
          lowercase(),
          nfkcNormalizer(),
        ])
      : nfkcNormalizer();
  const pre = metaspacePreTokenizer('▁', 'always', true);
  const w = words(texts, norm, (s) => pre.preTokenizeString(s.replace(/ {2,}/g, ' ')));
  const pieces = trainUnigram(w, VOCAB_SIZE - head.length - tail.length);
  const vocabList: [string, number][] = [
    ...head.map((h): [string, number] => [h, 0]),
    ...pieces,
    ...tail.map((t): [string, number] => [t, 0]),
  ];
  const vocab = Object.fromEntries(vocabList.map(([p], i) => [p, i]));
  const ids = (t: string) => vocab[t];
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  const model = { type: 'Unigram', unk_id: ids(unk), vocab: vocabList, byte_fallback: false };
  const maskTok: Special = { content: tail[0] ?? '[MASK]', lstrip: style === 'xlmr' };
  const added = addedTokens(
    vocab,
    [...head.map((content) => ({ content })), ...(tail.length ? [maskTok] : [])].sort(
      (a, b) => ids(a.content) - ids(b.content),
    ),
  );
  let post: Json;
  let hf: Json;
  if (style === 'xlmr') {
    post = template(['<s>', '$A', '</s>'], ['<s>', '$A', '</s>', '</s>', '$B', '</s>'], {
      '<s>': ids('<s>'),
      '</s>': ids('</s>'),
    });
    hf = {
      tokenizer_config: {
        added_tokens_decoder: addedTokensDecoder(added),
        bos_token: '<s>',
        clean_up_tokenization_spaces: true,
        cls_token: '<s>',
        eos_token: '</s>',
        mask_token: '<mask>',
        model_max_length: 512,
        pad_token: '<pad>',
        sep_token: '</s>',
        tokenizer_class: 'XLMRobertaTokenizer',
        unk_token: '<unk>',
      },
      special_tokens_map: {
        bos_token: '<s>',
        cls_token: '<s>',
        eos_token: '</s>',
        mask_token: { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false },
        pad_token: '<pad>',
        sep_token: '</s>',
        unk_token: '<unk>',
      },
      pad_token_id: ids('<pad>'),
      special_ids: {
        bos_token_id: ids('<s>'),
        eos_token_id: ids('</s>'),
        mask_token_id: ids('<mask>'),
        unk_token_id: ids('<unk>'),
      },
    };
  } else {
    post = template(['[CLS]', '$A', '[SEP]'], ['[CLS]', '$A', '[SEP]', '$B:1', '[SEP]:1'], {
      '[CLS]': ids('[CLS]'),
      '[SEP]': ids('[SEP]'),
    });
    const albert = style === 'albert';
    hf = {
      tokenizer_config: {
        added_tokens_decoder: addedTokensDecoder(added),
        bos_token: '[CLS]',
        clean_up_tokenization_spaces: true,
        cls_token: '[CLS]',
        do_lower_case: albert,
        eos_token: '[SEP]',
        keep_accents: false,
        mask_token: '[MASK]',
        model_max_length: 512,
        pad_token: albert ? '<pad>' : '[PAD]',
        remove_space: true,
        sep_token: '[SEP]',
        ...(albert ? {} : { sp_model_kwargs: {}, split_by_punct: false }),
        tokenizer_class: albert ? 'AlbertTokenizer' : 'DebertaV2Tokenizer',
        unk_token: albert ? '<unk>' : '[UNK]',
      },
      special_tokens_map: {
        bos_token: '[CLS]',
        cls_token: '[CLS]',
        eos_token: '[SEP]',
        mask_token: '[MASK]',
        pad_token: albert ? '<pad>' : '[PAD]',
        sep_token: '[SEP]',
        unk_token: albert ? '<unk>' : '[UNK]',
      },
      pad_token_id: ids(albert ? '<pad>' : '[PAD]'),
      special_ids: {
        bos_token_id: ids('[CLS]'),
        eos_token_id: ids('[SEP]'),
        cls_token_id: ids('[CLS]'),
        sep_token_id: ids('[SEP]'),
        mask_token_id: ids('[MASK]'),
        unk_token_id: ids(unk),
      },
    };
  }
  return {
    tokenizer: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: normalizerJson,
      pre_tokenizer: metaspace,
      post_processor: post,
      decoder: metaspace,
      model,
    },
    hf,
  };
}

const FLAVOURS: Record<string, (texts: string[]) => Built> = {
  bert,
  roberta: (t) => byteLevelBpe(t, 'roberta'),
  gpt2: (t) => byteLevelBpe(t, 'gpt2'),
  modernbert: (t) => byteLevelBpe(t, 'modernbert'),
  xlmr: (t) => unigram(t, 'xlmr'),
  albert: (t) => unigram(t, 'albert'),
  'deberta-v3': (t) => unigram(t, 'deberta-v3'),
};

async function main(): Promise<void> {
  const [trainCsv, outDir, ...only] = process.argv.slice(2);
  if (!trainCsv || !outDir) throw new Error('usage: build-tokenizers.ts <sst2 train.csv> <out dir> [flavour ...]');
  const texts = readLabelledCsv(trainCsv)
    .slice(0, TRAIN_ROWS)
    .map((r) => r.text);
  mkdirSync(outDir, { recursive: true });
  for (const [name, build] of Object.entries(FLAVOURS)) {
    if (only.length && !only.includes(name)) continue;
    const { tokenizer, hf } = build(texts);
    // Round trip through the binding: it validates the JSON and writes the file in its own canonical form.
    const tok = Tokenizer.fromString(JSON.stringify(tokenizer));
    const path = join(outDir, `${name}.json`);
    tok.save(path, false);
    const check = Tokenizer.fromFile(path);
    const enc = await check.encode("it 's a charming and often affecting journey .");
    const size = check.getVocabSize(true);
    if (size !== VOCAB_SIZE) throw new Error(`${name}: vocabulary has ${size} entries, expected ${VOCAB_SIZE}`);
    writeFileSync(join(outDir, `${name}.hf.json`), JSON.stringify({ ...hf, vocab_size: size }, null, 2) + '\n');
    console.error(`${name}: ${size} tokens; ${enc.getTokens().join(' ')}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
