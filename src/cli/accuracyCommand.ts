import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  measureAccuracy,
  projectRoot,
  readCardAccuracies,
  readLabelledCsv,
  resolveModelDir,
  SHIPPED_MODELS,
  TextClassifier,
} from '../core';

export const ACCURACY_HELP = `polarity-lens accuracy [--model NAME|DIR]... [--data FILE.csv]... [--data-root DIR] [--json]

Runs labelled text,label CSV files through each model (onnxruntime-node, the model's own tokenizer.json) and
prints its accuracy next to the accuracy its MODEL_CARD.md claims.
  --model      a shipped model name (${SHIPPED_MODELS.map((m) => m.name).join(', ')}) or a model folder; default: every shipped model
  --data       a CSV with text and label columns; default: the shipped model's test split under --data-root
  --data-root  where the shared datasets live; default: $POLARITY_LENS_DATA or ../shared/data next to the project
  --json       print JSON instead of a table`;

/** One measured row of the report. */
export interface AccuracyRow {
  model: string;
  file: string;
  examples: number;
  accuracy: number;
  truncated: number;
  /** What the model card says for the same file, if it has a row for it. */
  cardAccuracy: number | null;
}

function defaultDataFiles(model: string, dataRoot: string): string[] {
  const shipped = SHIPPED_MODELS.find((m) => m.name === model);
  if (!shipped) throw new Error(`--data is required for a model that is not shipped (${model}).`);
  const file = join(dataRoot, shipped.dataset, 'test.csv');
  if (!existsSync(file))
    throw new Error(
      `${file} not found: set --data-root or POLARITY_LENS_DATA to the folder holding ${shipped.dataset}/test.csv.`,
    );
  return [file];
}

export async function accuracyCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', multiple: true },
      data: { type: 'string', multiple: true },
      'data-root': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const dataRoot = resolve(
    values['data-root'] ?? process.env.POLARITY_LENS_DATA ?? join(projectRoot(), '..', 'shared', 'data'),
  );
  const models = values.model ?? SHIPPED_MODELS.map((m) => m.name);
  const rows: AccuracyRow[] = [];
  for (const model of models) {
    const files = values.data ?? defaultDataFiles(model, dataRoot);
    const classifier = await TextClassifier.load(resolveModelDir(model));
    try {
      const card = readCardAccuracies(classifier.folder.dir);
      for (const file of files) {
        const result = await measureAccuracy(classifier, readLabelledCsv(file));
        // Cards name files relative to the data root (e.g. sst2/test.csv); show them the same way.
        const abs = resolve(file);
        const shown = abs.startsWith(dataRoot + sep) ? relative(dataRoot, abs) : file;
        const claimed = card.find((c) => resolve(dataRoot, c.file) === abs);
        rows.push({ model, file: shown, ...result, cardAccuracy: claimed?.accuracy ?? null });
      }
    } finally {
      await classifier.dispose();
    }
  }
  if (values.json) {
    out(JSON.stringify(rows, null, 2));
  } else {
    out(formatTable(rows));
  }
  return 0;
}

function formatTable(rows: AccuracyRow[]): string {
  const header = ['model', 'data', 'examples', 'accuracy', 'model card'];
  const body = rows.map((r) => [
    r.model,
    r.file,
    String(r.examples),
    r.accuracy.toFixed(4),
    r.cardAccuracy === null ? '-' : r.cardAccuracy.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    'accuracy = share of rows whose argmax class equals the gold label, measured now on model.onnx with onnxruntime-node.',
  ].join('\n');
}
