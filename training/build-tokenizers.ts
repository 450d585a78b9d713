/**
 * Step 1 of the model build: make each dataset's Hugging Face `tokenizer.json` with the official
 * `tokenizers` binding, and encode every split with it, so the ids PyTorch trains on are exactly the
 * ids the engine will feed at run time (no second tokenizer implementation to drift).
 *
 * Usage: tsx training/build-tokenizers.ts <shared data dir> <build dir>
 * Writes <build dir>/<dataset>/{tokenizer-plain.json, tokenizer-cls.json, encoded.json} (and dev.csv for TREC).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AddedToken,
  Tokenizer,
  WordPiece,
  bertNormalizer,
  bertPreTokenizer,
  templateProcessing,
  wordPieceDecoder,
} from 'tokenizers';
import { stringify } from 'csv-stringify/sync';
import { readLabelledCsv, LabelledText } from '../src/core/datasetFiles/labelledCsv';
import { seededRandom } from '../src/core/math/random';

/** Special tokens, in id order: ids 0..4 are the same for every shipped model. */
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

interface DatasetPlan {
  name: string;
  /** Keep words seen at least this often in train as whole-word pieces. */
  minCount: number;
  /** TREC ships no dev file: hold out this fraction of train per class (seeded) and write it as build/<name>/dev.csv. */
  holdOutDev?: number;
}

const PLANS: DatasetPlan[] = [
  { name: 'sst2', minCount: 2 },
  { name: 'trec', minCount: 2, holdOutDev: 0.1 },
];
const SPLIT_SEED = 20220717;

/** Stratified hold-out: per label, a seeded shuffle, the first `fraction` (rounded) go to dev. Order is kept. */
function holdOut(rows: LabelledText[], fraction: number): { train: LabelledText[]; dev: LabelledText[] } {
  const rand = seededRandom(SPLIT_SEED);
  const dev = new Set<number>();
  for (const label of [...new Set(rows.map((r) => r.label))].sort()) {
    const idx = rows.flatMap((r, i) => (r.label === label ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx.slice(0, Math.round(idx.length * fraction)).forEach((i) => dev.add(i));
  }
  return { train: rows.filter((_, i) => !dev.has(i)), dev: rows.filter((_, i) => dev.has(i)) };
}

function readSplits(dataDir: string, plan: DatasetPlan, out: string): Record<string, LabelledText[]> {
  const read = (split: string) => readLabelledCsv(join(dataDir, plan.name, `${split}.csv`));
  const test = read('test');
  if (!plan.holdOutDev) return { train: read('train'), dev: read('dev'), test };
  const { train, dev } = holdOut(read('train'), plan.holdOutDev);
  writeFileSync(join(out, 'dev.csv'), stringify(dev, { header: true, columns: ['text', 'label'] }));
  return { train, dev, test };
}

const normalizer = bertNormalizer({ lowercase: true, stripAccents: true, cleanText: true, handleChineseChars: true });
const preTokenizer = bertPreTokenizer();

/** WordPiece vocabulary of whole words: specials, then train words seen at least `minCount` times. A rarer word
 * becomes one [UNK] token, so every token the user sees is a whole word (word-level explanations, as in the paper). */
function buildVocab(train: LabelledText[], minCount: number): Record<string, number> {
  const counts = new Map<string, number>();
  for (const { text } of train) {
    for (const [word] of preTokenizer.preTokenizeString(normalizer.normalizeString(text))) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const vocab: Record<string, number> = {};
  const add = (piece: string) => {
    if (!(piece in vocab)) vocab[piece] = Object.keys(vocab).length;
  };
  SPECIALS.forEach(add);
  // Most frequent first, ties alphabetical, so the file is byte-for-byte reproducible.
  [...counts.entries()]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .forEach(([w]) => add(w));
  return vocab;
}

function makeTokenizer(vocab: Record<string, number>, withClsSep: boolean): Tokenizer {
  const tok = new Tokenizer(WordPiece.init(vocab, { unkToken: '[UNK]', continuingSubwordPrefix: '##' }));
  tok.setNormalizer(normalizer);
  tok.setPreTokenizer(preTokenizer);
  tok.setDecoder(wordPieceDecoder('##', true));
  tok.addAddedTokens(SPECIALS.map((s) => new AddedToken(s, true)));
  if (withClsSep) {
    tok.setPostProcessor(
      templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
        ['[CLS]', vocab['[CLS]']],
        ['[SEP]', vocab['[SEP]']],
      ]),
    );
  }
  return tok;
}

async function main(): Promise<void> {
  const [dataDir, buildDir] = process.argv.slice(2);
  if (!dataDir || !buildDir) throw new Error('usage: build-tokenizers.ts <shared data dir> <build dir>');
  for (const plan of PLANS) {
    const out = join(buildDir, plan.name);
    mkdirSync(out, { recursive: true });
    const splits = readSplits(dataDir, plan, out);
    const vocab = buildVocab(splits.train, plan.minCount);
    const labels = [...new Set(splits.train.map((r) => r.label))].sort();
    const encoded: Record<string, unknown> = { labels, vocabSize: Object.keys(vocab).length, splits: {} };
    for (const variant of ['plain', 'cls'] as const) {
      const tok = makeTokenizer(vocab, variant === 'cls');
      tok.save(join(out, `tokenizer-${variant}.json`), true);
      for (const [split, rows] of Object.entries(splits)) {
        const encs = await tok.encodeBatch(rows.map((r) => r.text));
        const target = ((encoded.splits as Record<string, Record<string, unknown>>)[split] ??= {
          texts: rows.map((r) => r.text),
          labels: rows.map((r) => labels.indexOf(r.label)),
        });
        target[variant] = encs.map((e) => e.getIds());
      }
    }
    writeFileSync(join(out, 'encoded.json'), JSON.stringify(encoded));
    const lens = (encoded.splits as Record<string, Record<string, number[][]>>).train.cls.map((x) => x.length);
    console.error(
      `${plan.name}: vocab ${Object.keys(vocab).length}, labels ${labels.join('/')}, longest train input ${Math.max(...lens)} tokens (with [CLS]/[SEP])`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
