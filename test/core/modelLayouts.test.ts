import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation } from 'onnx-buf';
import { explainerById } from '../../src/core/explainers/registry';
import { diagnoseModel } from '../../src/core/doctor/doctor';
import { readModelFolder } from '../../src/core/model/modelFolder';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { FIXTURES } from '../helpers/paths';

/** Moves every initializer of `src` larger than `threshold` bytes into `data` (ONNX external data), as exporters do. */
function externalize(src: string, out: string, data: string, threshold = 1024): void {
  const model = fromBinary(ModelProtoSchema, readFileSync(src));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph!.initializer) {
    if (t.rawData.byteLength <= threshold) continue;
    chunks.push(t.rawData.slice());
    t.externalData = [
      ['location', data],
      ['offset', String(offset)],
      ['length', String(t.rawData.byteLength)],
    ].map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
    t.dataLocation = TensorProto_DataLocation.EXTERNAL;
    offset += t.rawData.byteLength;
    t.rawData = new Uint8Array();
  }
  writeFileSync(out, toBinary(ModelProtoSchema, model));
  writeFileSync(join(out, '..', data), Buffer.concat(chunks));
}

describe('Model folders as users have them', () => {
  let tmp: string;
  const shipped = resolveModelDir('sst2-transformer');
  const text = 'a gripping , funny and moving film';
  let reference: number[];
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'pl-layouts-'));
    const model = await TextClassifier.load(shipped, { gradientCacheDir: null });
    try {
      reference = (await model.predict([text]))[0].logits;
    } finally {
      await model.dispose();
    }
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const folder = (name: string, files: Record<string, string>): string => {
    const dir = join(tmp, name);
    for (const [to, from] of Object.entries(files)) {
      mkdirSync(join(dir, to, '..'), { recursive: true });
      copyFileSync(from, join(dir, to));
    }
    return dir;
  };

  it('the hub layout (onnx/model.onnx) loads, and a quantized sibling is listed, never picked', async () => {
    const dir = folder('hub', {
      'onnx/model.onnx': join(shipped, 'model.onnx'),
      'onnx/model_quantized.onnx': join(shipped, 'model.onnx'),
      'tokenizer.json': join(shipped, 'tokenizer.json'),
      'config.json': join(shipped, 'config.json'),
    });
    const info = readModelFolder(dir);
    assert.equal(info.modelPath, join(dir, 'onnx', 'model.onnx'));
    assert.deepEqual(info.variants, ['onnx/model_quantized.onnx']);
    const model = await TextClassifier.load(dir, { gradientCacheDir: null });
    try {
      assert.deepEqual((await model.predict([text]))[0].logits, reference);
    } finally {
      await model.dispose();
    }
  });

  it("a folder with only variants names them and how to choose one; the manifest's onnx picks it", () => {
    const dir = folder('variants-only', {
      'onnx/model_quantized.onnx': join(shipped, 'model.onnx'),
      'onnx/model_fp16.onnx': join(shipped, 'model.onnx'),
      'tokenizer.json': join(shipped, 'tokenizer.json'),
    });
    assert.throws(
      () => readModelFolder(dir),
      (e: Error) => {
        assert.match(
          e.message,
          /has no model\.onnx nor onnx\/model\.onnx, but has onnx\/model_fp16\.onnx, onnx\/model_quantized\.onnx\. Polarity Lens does not pick a variant/,
        );
        assert.match(e.message, /polarity-lens\.json, e\.g\. \{"onnx": "onnx\/model_fp16\.onnx"\}/);
        return true;
      },
    );
    writeFileSync(join(dir, 'polarity-lens.json'), JSON.stringify({ onnx: 'onnx/model_quantized.onnx' }));
    assert.equal(readModelFolder(dir).modelPath, join(dir, 'onnx', 'model_quantized.onnx'));
    assert.deepEqual(readModelFolder(dir).variants, ['onnx/model_fp16.onnx']);
    for (const [bad, why] of [
      ['../model.onnx', /is outside the model folder/],
      ['onnx/nope.onnx', /does not exist/],
      [3, /must be the path of an ONNX file/],
    ] as const) {
      writeFileSync(join(dir, 'polarity-lens.json'), JSON.stringify({ onnx: bad }));
      assert.throws(() => readModelFolder(dir), why);
    }
  });

  it('a LayerNormalization without its optional bias (torch 1.13 at opset 17) runs as with a zero bias, instead of crashing onnxruntime', async () => {
    const source = readFileSync(join(shipped, 'model.onnx'));
    const variant = (name: string, edit: (m: ReturnType<typeof fromBinary<typeof ModelProtoSchema>>) => void) => {
      const model = fromBinary(ModelProtoSchema, source);
      edit(model);
      const dir = folder(name, {
        'tokenizer.json': join(shipped, 'tokenizer.json'),
        'config.json': join(shipped, 'config.json'),
      });
      writeFileSync(join(dir, 'model.onnx'), toBinary(ModelProtoSchema, model));
      return dir;
    };
    const layerNorms = (m: ReturnType<typeof fromBinary<typeof ModelProtoSchema>>) =>
      m.graph!.node.filter((n) => n.opType === 'LayerNormalization');
    const empty = variant('ln-empty-bias', (m) =>
      layerNorms(m).forEach((n) => {
        n.input = [n.input[0], n.input[1], ''];
      }),
    );
    const zero = variant('ln-zero-bias', (m) =>
      layerNorms(m).forEach((n) => {
        const bias = m.graph!.initializer.find((t) => t.name === n.input[2])!;
        bias.rawData = new Uint8Array(bias.rawData.byteLength);
        bias.floatData = [];
      }),
    );
    const logits = async (dir: string) => {
      const model = await TextClassifier.load(dir, { gradientCacheDir: null });
      try {
        return (await model.predict([text]))[0].logits;
      } finally {
        await model.dispose();
      }
    };
    const [a, b] = [await logits(empty), await logits(zero)];
    a.forEach((z, i) => assert.ok(Math.abs(z - b[i]) < 1e-5, `${a} vs ${b}`));
  });

  it('weights in an external data file (model.onnx_data) give the same logits; a missing or truncated data file is named', async () => {
    const dir = folder('external', {
      'tokenizer.json': join(shipped, 'tokenizer.json'),
      'config.json': join(shipped, 'config.json'),
    });
    externalize(join(shipped, 'model.onnx'), join(dir, 'model.onnx'), 'model.onnx_data');
    assert.ok(readFileSync(join(dir, 'model.onnx')).length < 200_000, 'the graph file no longer holds the weights');
    const model = await TextClassifier.load(dir, { gradientCacheDir: join(tmp, 'cache') });
    try {
      assert.deepEqual(model.onnx.dataFiles, [join(dir, 'model.onnx_data')]);
      const [p] = await model.predict([text]);
      p.logits.forEach((z, i) => assert.ok(Math.abs(z - reference[i]) < 1e-5));
      // The gradient graph reads the same weights.
      const g = await model.gradients();
      const [row] = await g.run({
        ids: [(await model.tokenizer.encode(text)).ids],
        target: [p.predicted],
        objective: 'logit',
      });
      Array.from(row.logits).forEach((z, i) => assert.ok(Math.abs(z - reference[i]) < 1e-5));
    } finally {
      await model.dispose();
    }
    truncateSync(join(dir, 'model.onnx_data'), 1000);
    await assert.rejects(
      TextClassifier.load(dir, { gradientCacheDir: null }),
      /reads bytes \d+–\d+ of model\.onnx_data, which has 1000: the file is truncated or from another export/,
    );
    rmSync(join(dir, 'model.onnx_data'));
    await assert.rejects(
      TextClassifier.load(dir, { gradientCacheDir: null }),
      /keeps its weights in model\.onnx_data, which is missing from .*: copy the whole exported folder/,
    );
  });

  it("the zoo's hub folder: its int8 sibling, chosen explicitly, runs the forward and attention explainers and says why gradients stop", async () => {
    const hub = join(FIXTURES, 'zoo', 'bert-hub');
    const dir = folder('quantized', {
      'onnx/model.onnx': join(hub, 'onnx', 'model.onnx'),
      'onnx/model_quantized.onnx': join(hub, 'onnx', 'model_quantized.onnx'),
      'tokenizer.json': join(hub, 'tokenizer.json'),
      'config.json': join(hub, 'config.json'),
    });
    writeFileSync(join(dir, 'polarity-lens.json'), JSON.stringify({ onnx: 'onnx/model_quantized.onnx' }));
    const report = await diagnoseModel(dir, { gradientCacheDir: null });
    assert.equal(report.status, 'partial');
    assert.equal(report.model?.quantized, true);
    const runs = report.explainers.filter((e) => e.runs).map((e) => e.id);
    for (const id of ['raw-attention', 'rollout', 'occlusion', 'lime', 'kernel-shap'])
      assert.ok(runs.includes(id), `${id} runs on the int8 graph`);
    for (const e of report.explainers.filter((x) => explainerById(x.id).family === 'gradient'))
      assert.match(e.why ?? '', /passes through DynamicQuantizeLinear node/);
    assert.ok(report.notes.some((n) => /int8-quantized/.test(n)));
  });

  it("the zoo's external-data folder gives the logits of the same weights inline", async () => {
    const reference = JSON.parse(readFileSync(join(FIXTURES, 'zoo', 'bert', 'reference.json'), 'utf8')) as {
      samples: { text: string; logits: number[] }[];
    };
    const model = await TextClassifier.load(join(FIXTURES, 'zoo', 'bert-external'), { gradientCacheDir: null });
    try {
      for (const s of reference.samples) {
        const [p] = await model.predict([s.text]);
        p.logits.forEach((z, i) => assert.ok(Math.abs(z - s.logits[i]) < 1e-4));
      }
    } finally {
      await model.dispose();
    }
  });
});
