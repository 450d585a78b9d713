import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLabels, labelIndex, labelSet } from '../../../src/core/datasetFiles/labelMapping';

describe('labelIndex', () => {
  const SST2 = ['negative', 'positive'];

  it('matches names exactly, then case-insensitively', () => {
    assert.equal(labelIndex('positive', SST2), 1);
    assert.equal(labelIndex('Negative', SST2), 0);
    assert.equal(labelIndex(' POSITIVE ', SST2), 1);
  });

  it('reads a decimal integer as a class id when in range', () => {
    assert.equal(labelIndex('1', SST2), 1);
    assert.equal(labelIndex('0', SST2), 0);
    assert.equal(labelIndex('1.0', SST2), 1, 'pandas writes integer labels with gaps as floats');
    assert.equal(labelIndex('2', SST2), null);
    assert.equal(labelIndex('-1', SST2), null);
    assert.equal(labelIndex('1.5', SST2), null);
    assert.equal(labelIndex('', SST2), null);
  });

  it('a class literally named "1" wins over the id 1', () => {
    assert.equal(labelIndex('1', ['0', '2', '1']), 2);
    assert.equal(labelIndex('2', ['1', '2']), 1);
    assert.equal(labelIndex('0', ['1', '2']), 0, 'no class named "0": the id');
  });

  it('null for no label or an unknown one', () => {
    assert.equal(labelIndex(null, SST2), null);
    assert.equal(labelIndex('neutral', SST2), null);
  });
});

describe('checkLabels', () => {
  it('lists the distinct labels that map to nothing, in first-seen order', () => {
    assert.deepEqual(
      checkLabels(['positive', 'neutral', '1', 'NEGATIVE', 'neutral', 'mixed', '7'], ['negative', 'positive']),
      ['neutral', 'mixed', '7'],
    );
    assert.deepEqual(checkLabels(new Set(['0', '1']), ['negative', 'positive']), []);
  });
});

describe("labelSet (a multi-label row's gold labels)", () => {
  const LABELS = ['joy', 'anger', 'fear', 'joy, mostly'];
  it('splits a list at ; , or | and maps each label by name or id', () => {
    assert.deepEqual(labelSet('anger;fear', LABELS), new Set([1, 2]));
    assert.deepEqual(labelSet(' JOY | 2 ', LABELS), new Set([0, 2]));
    assert.deepEqual(labelSet('anger, anger', LABELS), new Set([1]));
  });
  it('a whole cell that names one label is that label, even with a separator in its name', () => {
    assert.deepEqual(labelSet('joy, mostly', LABELS), new Set([3]));
  });
  it('an empty cell is the empty set, no cell is null, and one unknown label makes the row unlabelled', () => {
    assert.deepEqual(labelSet('  ', LABELS), new Set());
    assert.equal(labelSet(null, LABELS), null);
    assert.equal(labelSet('anger;sadness', LABELS), null);
  });
});
