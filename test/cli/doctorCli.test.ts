import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DoctorReport } from '../../src/core/doctor/doctor';
import { EXPLAINERS } from '../../src/core/explainers/registry';
import { FIXTURES } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

describe('polarity-lens doctor', () => {
  it('a model on which everything runs: what was found, exit 0', () => {
    const r = runCli(['doctor', 'sst2-transformer']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tokenizer\s+WordPiece, \d+ tokens, at most \d+ per text, \[PAD\] id 0$/m);
    assert.match(r.stdout, /^head\s+softmax: softmax probability; classes negative, positive$/m);
    assert.match(r.stdout, /^attention\s+\d+ layers$/m);
    assert.match(r.stdout, new RegExp(`^explainers\\s+${EXPLAINERS.length} of ${EXPLAINERS.length} run$`, 'm'));
    assert.match(r.stdout, /✓ every explainer and operator runs/);
  });

  it('a model on which some explainers cannot run: each says why, exit 1; --format json has the same facts', () => {
    const r = runCli(['doctor', 'sst2-bilstm-tanh']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /✗ rollout: attention rollout needs a transformer's self-attention of every layer/);
    const json = JSON.parse(runCli(['doctor', 'sst2-bilstm-tanh', '--format', 'json']).stdout) as DoctorReport;
    assert.equal(json.status, 'partial');
    assert.deepEqual(
      json.explainers
        .filter((e) => !e.runs)
        .map((e) => e.id)
        .sort(),
      ['generic-attention', 'rollout', 'transformer-attribution'],
    );
    assert.deepEqual(
      json.operators.map((o) => [o.name, o.runs]),
      [
        ['delete', true],
        ['zero-embedding', true],
        ['attention-mask', true],
      ],
    );
    assert.equal(json.wordEmbeddings?.tensor, 'word_embeddings');
  });

  it('a folder that cannot be used says why, exit 2; bad arguments are explained', () => {
    const r = runCli(['doctor', join(FIXTURES, 'third-party', 'tribuo-tinybert')]);
    assert.equal(r.status, 2);
    assert.match(r.stdout, /✗ cannot be used: .*a bare encoder without a classification head/);
    assert.match(runCli(['doctor']).stderr, /doctor takes one model folder; got 0/);
    assert.match(runCli(['doctor', 'x', '--format', 'yaml']).stderr, /--format must be text or json/);
  });
});
