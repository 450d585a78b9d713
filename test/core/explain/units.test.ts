import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explanationUnits, unitWeights } from '../../../src/core/tokenize/units';
import type { TokenizedText } from '../../../src/core/tokenize/textTokenizer';

const TEXT = 'Playing well';
/** What a WordPiece tokenizer gives: [CLS] play ##ing well [SEP]. */
const TOKENS: TokenizedText = {
  ids: [2, 10, 11, 12, 3],
  tokens: ['[CLS]', 'play', '##ing', 'well', '[SEP]'],
  offsets: [
    [0, 0],
    [0, 4],
    [4, 7],
    [8, 12],
    [0, 0],
  ],
  wordIds: [null, 0, 0, 1, null],
  special: [true, false, false, false, true],
  truncated: false,
};

describe('explanation units', () => {
  it('word granularity joins subwords into the original word and erases them together', () => {
    const units = explanationUnits(TEXT, TOKENS, 'word');
    assert.deepEqual(units, [
      { text: 'Playing', start: 0, end: 7, tokens: [1, 2] },
      { text: 'well', start: 8, end: 12, tokens: [3] },
    ]);
  });

  it('token granularity keeps every subword, and neither keeps special tokens', () => {
    assert.deepEqual(
      explanationUnits(TEXT, TOKENS, 'token').map((u) => [u.text, u.tokens]),
      [
        ['Play', [1]],
        ['ing', [2]],
        ['well', [3]],
      ],
    );
  });

  it('a word weight is the signed sum of its subword weights', () => {
    const units = explanationUnits(TEXT, TOKENS, 'word');
    assert.deepEqual(unitWeights([9, 0.5, -0.75, 0.25, 9], units), [-0.25, 0.25]);
  });
});
