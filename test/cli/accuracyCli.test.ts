import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { measureAccuracy } from '../../src/core/eval/accuracy';
import { readCardAccuracies } from '../../src/core/model/modelCard';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { DATA, ROOT } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

const tmp = mkdtempSync(join(tmpdir(), 'polarity-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('polarity-lens accuracy', () => {
  it('prints per-file accuracy as JSON that agrees with the in-process engine', async () => {
    const rows = readLabelledCsv(join(DATA, 'sst2', 'dev.csv')).slice(0, 40);
    const file = join(tmp, 'dev40.csv');
    writeFileSync(file, stringify(rows, { header: true, columns: ['text', 'label'] }));
    const r = runCli(['accuracy', '--model', 'sst2-cnn-dot', '--data', file, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const [row] = JSON.parse(r.stdout) as { examples: number; accuracy: number; cardAccuracy: number | null }[];
    const model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'));
    const expected = await measureAccuracy(model, rows);
    await model.dispose();
    assert.equal(row.examples, 40);
    assert.equal(row.accuracy, expected.accuracy);
    assert.equal(row.cardAccuracy, null, 'the card has no row for an ad-hoc file');
  });

  it('prints a labelled table with the model card column by default', () => {
    const r = runCli(['accuracy', '--model', 'trec-transformer']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /model\s+data\s+examples\s+accuracy\s+model card/);
    assert.match(r.stdout, /trec-transformer\s+trec\/test\.csv\s+500\s+0\.\d{4}\s+0\.\d{4}/);
  });

  it("finds the card's number for a file given by a relative path", () => {
    const rel = relative(ROOT, join(DATA, 'sst2', 'test.csv'));
    const r = runCli(['accuracy', '--model', 'sst2-cnn-dot', '--data', rel, '--data-root', DATA, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const [row] = JSON.parse(r.stdout) as { file: string; accuracy: number; cardAccuracy: number | null }[];
    const card = readCardAccuracies(resolveModelDir('sst2-cnn-dot')).find((c) => c.split === 'test');
    assert.equal(row.file, 'sst2/test.csv');
    assert.equal(row.cardAccuracy, card?.accuracy);
    assert.ok(Math.abs(row.accuracy - (card?.accuracy ?? -1)) <= 0.005);
  });

  it('rejects an unknown command with usage and exit code 2', () => {
    const r = runCli(['explode']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown command "explode"/);
  });

  it('explains a missing model folder', () => {
    const r = runCli(['accuracy', '--model', join(tmp, 'nope'), '--data', 'x.csv']);
    assert.equal(r.status, 2, 'bad input');
    assert.match(r.stderr, /Model folder not found: .*nope\. Pick a folder that holds model\.onnx and tokenizer\.json/);
  });

  it('explains a corrupt ONNX file instead of crashing', () => {
    const dir = join(tmp, 'corrupt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.onnx'), 'this is not protobuf');
    copyFileSync(join(resolveModelDir('sst2-cnn-dot'), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const csv = join(tmp, 'one.csv');
    writeFileSync(csv, 'text,label\ngood,positive\n');
    const r = runCli(['accuracy', '--model', dir, '--data', csv]);
    assert.equal(r.status, 2, 'bad input');
    assert.match(r.stderr, /Cannot load .*model\.onnx as an ONNX model/);
  });

  it('names the expected columns when a CSV has others', () => {
    const csv = join(tmp, 'wrong.csv');
    writeFileSync(csv, 'sentence,sentiment\ngood,positive\n');
    const r = runCli(['accuracy', '--model', 'sst2-cnn-dot', '--data', csv]);
    assert.equal(r.status, 2, 'bad input');
    assert.match(r.stderr, /expected a header with columns "text" and "label", found: sentence, sentiment/);
  });

  it('names the model classes when a label is unknown', () => {
    const csv = join(tmp, 'labels.csv');
    writeFileSync(csv, 'text,label\ngood,neutral\n');
    const r = runCli(['accuracy', '--model', 'sst2-cnn-dot', '--data', csv]);
    assert.equal(r.status, 2, 'bad input');
    assert.match(r.stderr, /Label "neutral" is not one of the model's classes \(negative, positive\)/);
  });
});
