import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { FIXTURES } from '../helpers/paths';

const TEXTS = ['a gripping , funny and moving film', 'the plot is a mess and the acting is worse'];

/** The one stored entry's folder under a cache folder. */
function entryDir(cache: string): string {
  const entries = readdirSync(join(cache, 'models'));
  assert.equal(entries.length, 1, `entries: ${entries.join(', ')}`);
  return join(cache, 'models', entries[0]);
}

describe('The stored forward graph: weights once, as external data', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'pl-store-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('is written on the first load, graph and weights apart, and later loads use it as it is', async () => {
    const cache = join(tmp, 'cache-a');
    const first = await TextClassifier.load(resolveModelDir('sst2-transformer'), { gradientCacheDir: cache });
    const before = (await first.predict(TEXTS)).map((p) => p.logits);
    await first.dispose();
    const dir = entryDir(cache);
    const graph = statSync(join(dir, 'forward.onnx'));
    const weights = statSync(join(dir, 'weights.onnx_data'));
    assert.ok(weights.size > 10 * graph.size, `graph ${graph.size} B, weights ${weights.size} B`);
    const info = statSync(join(dir, 'forward.json')).mtimeMs;
    const second = await TextClassifier.load(resolveModelDir('sst2-transformer'), { gradientCacheDir: cache });
    assert.deepEqual(
      (await second.predict(TEXTS)).map((p) => p.logits),
      before,
    );
    await second.dispose();
    assert.equal(statSync(join(dir, 'forward.json')).mtimeMs, info, 'the entry was read, not written again');
  });

  it('a damaged entry is made again from the model', async () => {
    const cache = join(tmp, 'cache-b');
    const reference = await TextClassifier.load(resolveModelDir('sst2-transformer'), { gradientCacheDir: cache });
    const expected = (await reference.predict(TEXTS)).map((p) => p.logits);
    await reference.dispose();
    writeFileSync(join(entryDir(cache), 'forward.onnx'), 'not an onnx model');
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'), { gradientCacheDir: cache });
    assert.deepEqual(
      (await model.predict(TEXTS)).map((p) => p.logits),
      expected,
    );
    await model.dispose();
    assert.ok(statSync(join(entryDir(cache), 'forward.onnx')).size > 1000);
  });

  it('a model that cannot be used leaves no stored copy of its weights behind', async () => {
    const folder = join(tmp, 'renamed-input');
    cpSync(resolveModelDir('sst2-transformer'), folder, { recursive: true });
    // An export whose ids input has another name: it parses and loads in onnxruntime, but the engine cannot feed it.
    const model = fromBinary(ModelProtoSchema, readFileSync(join(folder, 'model.onnx')));
    const graph = model.graph!;
    for (const input of graph.input) if (input.name === 'input_ids') input.name = 'tokens';
    for (const node of graph.node) node.input = node.input.map((i) => (i === 'input_ids' ? 'tokens' : i));
    writeFileSync(join(folder, 'model.onnx'), toBinary(ModelProtoSchema, model));
    const cache = join(tmp, 'cache-refused');
    await assert.rejects(
      TextClassifier.load(folder, { gradientCacheDir: cache }),
      /has no input named input_ids \(its inputs: tokens/,
    );
    assert.deepEqual(readdirSync(join(cache, 'models')), []);
  });

  it("new weights in a model's own external data file are noticed", async () => {
    const folder = join(tmp, 'bert-external');
    cpSync(join(FIXTURES, 'zoo', 'bert-external'), folder, { recursive: true });
    const cache = join(tmp, 'cache-c');
    const load = () => TextClassifier.load(folder, { gradientCacheDir: cache });
    const first = await load();
    const before = (await first.predict(TEXTS))[0].logits;
    await first.dispose();
    // Another fine-tune exported over the same graph: model.onnx unchanged, model.onnx_data different.
    const data = join(folder, 'model.onnx_data');
    const bytes = readFileSync(data);
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    for (let i = 0; i < floats.length; i++) floats[i] *= 1.5;
    writeFileSync(data, bytes);
    const second = await load();
    const after = (await second.predict(TEXTS))[0].logits;
    await second.dispose();
    assert.ok(
      after.some((v, i) => Math.abs(v - before[i]) > 1e-3),
      `logits ${before} then ${after}`,
    );
  });
});

describe('One session per model: the built graph takes over the forward runs', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'pl-handover-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('after the first gradients, forward runs go to the built graph, with the same predictions', async () => {
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'), {
      gradientCacheDir: join(tmp, 'cache'),
    });
    try {
      const own = await model.predict(TEXTS);
      assert.equal(await model.onnx.usesOwnSession(), true);
      // A forward run asked for while the session changes hands waits for the new one.
      const [gradients, during] = await Promise.all([model.gradients(), model.predict(TEXTS)]);
      assert.equal(await model.onnx.usesOwnSession(), false);
      const shared = await model.predict(TEXTS);
      for (const [i, p] of shared.entries()) {
        assert.equal(p.predicted, own[i].predicted);
        for (const [c, z] of p.logits.entries()) {
          assert.ok(Math.abs(z - own[i].logits[c]) < 1e-5, `logit ${z} against ${own[i].logits[c]}`);
          assert.ok(Math.abs(during[i].logits[c] - own[i].logits[c]) < 1e-5);
        }
      }
      // The other backward pass lives in the same graph: its session is the same one.
      const lrp = await model.gradients('conservative-lrp');
      const [row] = await lrp.run({ ids: [[2, 40, 41, 3]], target: [0], objective: 'probability' });
      const [plain] = await gradients.run({ ids: [[2, 40, 41, 3]], target: [0], objective: 'probability' });
      assert.ok(row.embeddingGradient && plain.embeddingGradient);
      assert.ok(
        row.embeddingGradient.some((g, i) => Math.abs(g - plain.embeddingGradient![i]) > 1e-7),
        'LRP relevance is not the plain gradient',
      );
      assert.equal(Math.abs(row.objective - plain.objective) < 1e-6, true, 'one forward pass, one objective');
    } finally {
      await model.dispose();
    }
  });

  it('a build removes the entries an older engine left in the cache, and nothing else', async () => {
    const cache = join(tmp, 'cache-stale');
    const graphs = join(cache, 'gradient-graphs');
    mkdirSync(graphs, { recursive: true });
    // An entry of an earlier builder (no version in its manifest) and a temporary file of a build killed long ago.
    for (const [name, body] of [
      ['0123abcd.json', '{"classes":2}'],
      ['0123abcd.onnx', 'old graph'],
      ['0123abcd.onnx_data', 'old weights'],
      ['4567.onnx_data.99.tmp', 'half'],
    ]) {
      writeFileSync(join(graphs, name), body);
    }
    utimesSync(join(graphs, '4567.onnx_data.99.tmp'), new Date(0), new Date(0));
    writeFileSync(join(graphs, 'recent.onnx_data.98.tmp'), 'another build, still running');
    const model = await TextClassifier.load(resolveModelDir('sst2-cnn-dot'), { gradientCacheDir: cache });
    try {
      await model.gradients();
    } finally {
      await model.dispose();
    }
    const left = readdirSync(graphs).sort();
    assert.deepEqual(
      left.filter((f) => f.startsWith('0123abcd') || f.startsWith('4567')),
      [],
    );
    assert.ok(left.includes('recent.onnx_data.98.tmp'), 'a recent temporary file may belong to a build still running');
    assert.equal(left.filter((f) => f.endsWith('.json')).length, 1, `left: ${left.join(', ')}`);
  });

  it("a failed hand-over opens the classifier's own session again", async () => {
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'), {
      gradientCacheDir: join(tmp, 'cache'),
    });
    try {
      const expected = await model.predict(TEXTS);
      await assert.rejects(
        model.onnx.handOver(
          async () => {
            throw new Error('no graph today');
          },
          () => {
            throw new Error('unreachable');
          },
        ),
        /no graph today/,
      );
      assert.equal(await model.onnx.usesOwnSession(), true);
      assert.deepEqual(await model.predict(TEXTS), expected);
    } finally {
      await model.dispose();
    }
  });
});
