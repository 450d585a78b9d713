import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextTokenizer } from '../../src/core/tokenize/textTokenizer';

const transformerTokenizer = join(resolveModelDir('sst2-transformer'), 'tokenizer.json');
const lstmTokenizer = join(resolveModelDir('sst2-bilstm-tanh'), 'tokenizer.json');

describe('TextTokenizer', () => {
  it('marks [CLS] and [SEP] as special and maps every other token back to its characters', async () => {
    const text = 'A Gorgeous, witty film!';
    const t = await TextTokenizer.fromFile(transformerTokenizer, 128).encode(text);
    assert.equal(t.tokens[0], '[CLS]');
    assert.equal(t.tokens[t.tokens.length - 1], '[SEP]');
    assert.deepEqual(
      t.special,
      t.tokens.map((_, i) => i === 0 || i === t.tokens.length - 1),
    );
    assert.deepEqual(t.wordIds[0], null);
    const words = t.tokens.map((_, i) =>
      t.special[i] ? null : text.slice(t.offsets[i][0], t.offsets[i][1]).toLowerCase(),
    );
    assert.deepEqual(words, [null, 'a', 'gorgeous', ',', 'witty', 'film', '!', null]);
    assert.equal(t.truncated, false);
  });

  it('adds no special tokens for the recurrent model and reads rare words as [UNK]', async () => {
    const t = await TextTokenizer.fromFile(lstmTokenizer, 64).encode('a zyzzyvaesque film');
    assert.deepEqual(t.tokens, ['a', '[UNK]', 'film']);
    assert.ok(t.special.every((s) => !s));
    assert.deepEqual(t.wordIds, [0, 1, 2]);
  });

  it('truncates text longer than the maximum and says so', async () => {
    const tok = TextTokenizer.fromFile(transformerTokenizer, 16);
    const t = await tok.encode('good '.repeat(40));
    assert.equal(t.ids.length, 16);
    assert.equal(t.tokens[15], '[SEP]', 'special tokens survive truncation');
    assert.equal(t.truncated, true);
  });

  it('explains an unreadable tokenizer file', () => {
    assert.throws(
      () => TextTokenizer.fromFile(join(resolveModelDir('sst2-cnn-dot'), 'MODEL_CARD.md'), 64),
      /Cannot read the tokenizer .*MODEL_CARD\.md/,
    );
  });
});
