import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExplainResult } from '../../src/core/explain/explainResult';
import { runCli } from '../helpers/runCli';

describe('polarity-lens explain', () => {
  it('prints the documented JSON view model', () => {
    const r = runCli([
      'explain',
      'a gorgeous , witty film',
      '--model',
      'sst2-cnn-dot',
      '--format',
      'json',
      '--explainers',
      'raw-attention,occlusion',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as ExplainResult;
    assert.equal(result.schema, 'polarity-lens/explain@2');
    assert.equal(result.model.name, 'sst2-cnn-dot');
    assert.deepEqual(
      result.units.map((u) => u.text),
      ['a', 'gorgeous', ',', 'witty', 'film'],
    );
    assert.deepEqual(
      result.explanations.map((e) => e.id),
      ['raw-attention', 'occlusion'],
    );
    assert.ok(result.explanations.every((e) => e.verdicts.length === 3));
  });

  it('prints a table that labels the probability, the operators and each verdict', () => {
    const r = runCli(['explain', 'good service but horrible garbage food and small portions']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /model sst2-bilstm-tanh: predicts "(negative|positive)" with p\(ŷ\) = 0\.\d{4} \(softmax probability; class [01]\)/,
    );
    assert.match(r.stdout, /Δ = p\(ŷ\) of the text − p\(ŷ\) with the unit erased/);
    assert.match(r.stdout, /^Δ attention-mask /m);
    assert.match(r.stdout, /raw-attention: delete (✓ consistent|✗ violates) \(top "/);
    // Verdicts that are not independent evidence are marked, with why, and a held-out mean.
    assert.match(r.stdout, /occlusion: delete ✓ consistent† /);
    assert.match(
      r.stdout,
      /† delete is not independent evidence, by construction \(exact: its weights are the Δs of erasures under delete/,
    );
    assert.match(
      r.stdout,
      /† attention-mask is not independent evidence, by construction \(exact: on one attention distribution read linearly by a binary model/,
    );
    assert.doesNotMatch(r.stdout, /raw-attention: [^\n]*†/);
    assert.match(r.stdout, /other faithfulness metrics \(erasing with delete; ↑ higher is better, ↓ lower is better\)/);
    assert.match(r.stdout, /^occlusion\s+-?\d\.\d{3}\s+-?\d\.\d{3}\s+-?\d\.\d{3}\s+1\.000\s+1\.000/m);
  });

  it('--target explains another class: the header names both, every Δ is a change in p(class)', () => {
    const text = 'What is the population of Paris ?';
    const base = ['explain', text, '--model', 'trec-transformer', '--explainers', 'occlusion,input-x-gradient'];
    const plain = runCli([...base, '--format', 'json']);
    assert.equal(plain.status, 0, plain.stderr);
    const predicted = JSON.parse(plain.stdout) as ExplainResult;
    const other = predicted.model.labels.findIndex((_, i) => i !== predicted.prediction.index);
    const name = predicted.model.labels[other];
    const asked = runCli([...base, '--format', 'json', '--target', name]);
    assert.equal(asked.status, 0, asked.stderr);
    const r = JSON.parse(asked.stdout) as ExplainResult;
    assert.deepEqual(r.prediction, predicted.prediction, 'ŷ is unchanged');
    assert.deepEqual(r.target, {
      index: other,
      label: name,
      probability: predicted.prediction.probabilities[other],
      requested: true,
    });
    assert.ok(r.explanations.every((e) => e.target === other));
    // Occlusion's weights under delete are the Δs, so they follow the target: not the prediction's.
    const occlusion = (x: ExplainResult) => x.explanations.find((e) => e.id === 'occlusion')!.weights!;
    assert.notDeepEqual(occlusion(r), occlusion(predicted));
    const table = runCli([...base, '--target', String(other)]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(
      table.stdout,
      new RegExp(
        `explains class "${name}" with p\\(c\\) = 0\\.\\d{4} \\(softmax probability; class ${other}, asked for\\); it predicts "${predicted.prediction.label}"`,
      ),
    );
    assert.match(table.stdout, /Δ = p\(c\) of the text − p\(c\) with the unit erased/);
    const bad = runCli([...base, '--target', 'NOPE']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /No class "NOPE" in this model; its classes are 0 /);
  });

  it('--layer all prints the violation share by layer of each layer-reading explainer', () => {
    const r = runCli([
      'explain',
      'a gripping , funny and deeply moving film',
      '--model',
      'sst2-transformer',
      '--explainers',
      'raw-attention,occlusion',
      '--layer',
      'all',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /violation by layer \(--layer all\)/);
    assert.match(r.stdout, /^\s+layer 0\s+layer 1\s+layer 2\s+layer 3$/m);
    assert.match(r.stdout, /^raw-attention(\s+\d\.\d{3}){4}$/m);
    assert.doesNotMatch(r.stdout, /^occlusion(\s+\d\.\d{3}){4}$/m);
    assert.match(runCli(['explain', 'x', '--layer', 'every']).stderr, /--layer must be an integer/);
  });

  it('passes the gradient options through: objective, IG steps and baseline are applied and labelled', () => {
    const args = [
      'explain',
      'a gorgeous , witty film',
      '--model',
      'sst2-cnn-dot',
      '--format',
      'json',
      '--explainers',
      'integrated-gradients,attention-x-gradient',
    ];
    const r = runCli([...args, '--objective', 'logit', '--ig-steps', '7', '--ig-baseline', 'pad']);
    assert.equal(r.status, 0, r.stderr);
    const [ig, attGrad] = (JSON.parse(r.stdout) as ExplainResult).explanations;
    assert.deepEqual([ig.parameters.steps, ig.parameters.baseline, ig.parameters.objective], [7, 'pad', 'logit']);
    assert.match(ig.quantity, /the logit z_ŷ, 7 midpoint steps from the \[PAD\] embedding/);
    assert.equal(attGrad.parameters.objective, 'logit');
    const byProbability = JSON.parse(runCli(args).stdout) as ExplainResult;
    assert.notDeepEqual(byProbability.explanations[1].weights, attGrad.weights, 'the objective changes the gradients');
  });

  it('explains bad arguments instead of crashing', () => {
    assert.match(runCli(['explain']).stderr, /explain takes one text: give it quoted as an argument, or pipe it in/);
    assert.match(runCli(['explain', 'a', 'b']).stderr, /explain takes exactly one text \(quote it\); got 2/);
    assert.match(
      runCli(['explain', 'x', '--operator', 'slice']).stderr,
      /--operator must be one of delete, zero-embedding, attention-mask, mask-token/,
    );
    assert.match(runCli(['explain', 'x', '--granularity', 'char']).stderr, /--granularity must be word or token/);
    assert.match(runCli(['explain', 'x', '--samples', '1']).stderr, /--samples must be an integer from 10 to 10000/);
    assert.match(runCli(['explain', 'x', '--objective', 'loss']).stderr, /--objective must be probability or logit/);
    assert.match(runCli(['explain', 'x', '--ig-steps', '0']).stderr, /--ig-steps must be an integer from 1 to 1000/);
    assert.match(runCli(['explain', 'x', '--ig-baseline', 'mean']).stderr, /--ig-baseline must be zero or pad/);
    assert.match(
      runCli(['explain', 'x', '--label', 'joy']).stderr,
      /No class "joy" in this model; its classes are 0 negative, 1 positive/,
      '--label is --target under its earlier name',
    );
    assert.match(runCli(['explain', 'x', '--label', '1', '--target', '1']).stderr, /give one of them/);
    assert.match(runCli(['explain', '   ']).stderr, /Nothing to explain: the text is empty/);
    assert.equal(runCli(['explain', '   ']).status, 2, 'bad input: exit 2, as every command');
  });
});
