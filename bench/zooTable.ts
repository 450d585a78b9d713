/**
 * What works per architecture: the model zoo (test/fixtures/zoo, made by training/zoo) and the third-party exports
 * (test/fixtures/third-party), each checked as test/core/zooModels.test.ts does: the tokenizer's ids, the logits and
 * ∂p/∂e, ∂p/∂α against PyTorch float64 autograd, and `polarity-lens doctor` (every explainer and operator tried once).
 *
 *   npm run zoo-table [-- --write-readme]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { diagnoseModel, projectRoot, TextClassifier } from '../src/core';
import { decodeTensor, maxAbsDiff, ZooReference, zooTarget } from '../test/helpers/referenceFixtures';
import { writeReadmeBlock } from './readmeBlock';

const ROOT = projectRoot(__dirname);
const ZOO = join(ROOT, 'test', 'fixtures', 'zoo');
const THIRD_PARTY = join(ROOT, 'test', 'fixtures', 'third-party');

interface ZooEntry {
  architecture: string;
  tokenizer: { kind: string };
  opset: number;
  layout: string;
  head: string;
  pooling: string;
  same_weights_as: string | null;
}

const sci = (x: number) => (x === 0 ? '0' : x.toExponential(0));

/** Largest differences from the PyTorch reference over its samples: ids (count of mismatches), logits, ∂p/∂e, ∂p/∂α. */
async function compare(
  model: TextClassifier,
  reference: ZooReference,
): Promise<{ ids: number; logits: number; gradE: number; gradA: number }> {
  const out = { ids: 0, logits: 0, gradE: 0, gradA: 0 };
  const session = await model.gradients();
  for (const [k, s] of reference.samples.entries()) {
    const { ids } = await model.tokenizer.encode(s.text);
    if (ids.join() !== s.input_ids.join()) out.ids++;
    const target = zooTarget(reference, k);
    const [row] = await session.run({ ids: [s.input_ids], target: [target], objective: 'probability' });
    out.logits = Math.max(out.logits, maxAbsDiff(row.logits, s.logits));
    out.gradE = Math.max(
      out.gradE,
      row.embeddingGradient ? maxAbsDiff(row.embeddingGradient, decodeTensor(s.grad_word_embeddings)) : Infinity,
    );
    const names = Object.keys(s.grad_attentions).sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]));
    names.forEach((n, l) => {
      const g = row.attentionGradients[l];
      out.gradA = Math.max(out.gradA, g ? maxAbsDiff(g.data, decodeTensor(s.grad_attentions[n])) : Infinity);
    });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'write-readme': { type: 'boolean', default: false } } });
  const manifest = (
    JSON.parse(readFileSync(join(ZOO, 'manifest.json'), 'utf8')) as { fixtures: Record<string, ZooEntry> }
  ).fixtures;
  const lines = [
    '| model | architecture (export) | tokenizer | head | pooled row | ids, logits vs PyTorch | ∂p/∂e, ∂p/∂α vs autograd (max abs error) | explainers | operators |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const rows: { name: string; dir: string; what: string; reference?: ZooReference; tokenizer?: string }[] = [];
  for (const [name, entry] of Object.entries(manifest)) {
    const refDir = join(ZOO, entry.same_weights_as ?? name);
    const reference = existsSync(join(refDir, 'reference.json'))
      ? (JSON.parse(readFileSync(join(refDir, 'reference.json'), 'utf8')) as ZooReference)
      : undefined;
    const layout = entry.layout === 'optimum' ? '' : `, ${entry.layout} layout`;
    rows.push({
      name: `zoo/${name}`,
      dir: join(ZOO, name),
      what: `${entry.architecture} (opset ${entry.opset}${layout})`,
      reference,
      tokenizer: entry.tokenizer.kind,
    });
  }
  for (const name of ['opensearch-tiny-xlmr-ce', 'optimum-tiny-distilbert-sst2', 'tribuo-tinybert']) {
    rows.push({
      name: `third-party/${name}`,
      dir: join(THIRD_PARTY, name),
      what: 'third-party export (see its PROVENANCE.md)',
    });
  }
  for (const row of rows) {
    const report = await diagnoseModel(row.dir, { gradientCacheDir: null });
    if (report.status === 'unusable') {
      const why = report.error!.replaceAll(`${ROOT}/`, '').replace(/\|/g, '\\|');
      lines.push(`| ${row.name} | ${row.what} | | | | | | refused: ${why} | |`);
      continue;
    }
    let checks = 'no reference';
    let grads = '';
    if (row.reference) {
      const model = await TextClassifier.load(row.dir, { gradientCacheDir: null });
      try {
        const c = await compare(model, row.reference);
        checks = `${c.ids === 0 ? 'ids equal' : `${c.ids} ids differ`}; ${sci(c.logits)}`;
        grads = `${sci(c.gradE)}, ${sci(c.gradA)}`;
      } finally {
        await model.dispose();
      }
    }
    const explainers = `${report.explainers.filter((e) => e.runs).length} of ${report.explainers.length}`;
    const operators =
      report.operators.filter((o) => o.runs).length === report.operators.length
        ? 'all 3'
        : report.operators
            .filter((o) => o.runs)
            .map((o) => o.name)
            .join(', ');
    const pooling = (report.pooling ?? '').split(' (')[0];
    lines.push(
      `| ${row.name} | ${row.what} | ${report.tokenizer!.kind} | ${report.head!.kind} | ${pooling} | ${checks} | ${grads} | ${explainers} | ${operators} |`,
    );
  }
  lines.push(
    '',
    'Tiny models (2 layers, hidden 32) with seeded weights; references are PyTorch float64 autograd on 4 SST-2 test sentences; the ONNX runs in float32.',
  );
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  if (values['write-readme']) writeReadmeBlock(ROOT, 'zoo-table', table);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
