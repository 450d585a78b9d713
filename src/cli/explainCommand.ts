import { parseArgs } from 'node:util';
import {
  explainText,
  resolveModelDir,
  resultWords,
  TextClassifier,
  type ExplainPart,
  type ExplainResult,
} from '../core';
import { ENGINE_FLAGS, ENGINE_HELP, engineOptions } from './engineOptions';

export const DEFAULT_EXPLAIN_MODEL = 'sst2-bilstm-tanh';

export const EXPLAIN_HELP = `polarity-lens explain "<text>"|- [--model NAME|DIR] [--explainers a,b] [--operator OP]
                     [--granularity word|token] [--seed N] [--samples N] [--layer L] [--head H]
                     [--objective probability|logit] [--ig-steps N] [--ig-baseline zero|pad] [--max-tokens N]
                     [--threads N] [--target CLASS] [--format table|json|jsonl]

Explains the model's prediction (or the class --target names) for the text with each explainer, measures each unit's real impact by erasing it,
and runs the faithfulness violation test (Liu et al., ICML 2022) under each erasure operator. The text may come on
stdin: \`-\`, or no text with something piped in (echo "…" | polarity-lens explain).
  --model        a shipped model name or a model folder; default ${DEFAULT_EXPLAIN_MODEL}
${ENGINE_HELP}
  --target       the class to explain, by name or index (a multi-label model: the label): every Δ, gradient and
                 verdict is then about p(CLASS); default: the prediction ŷ (multi-label: the label with the highest
                 σ(z)). --label is the same flag under its earlier name
  --format       table (default), json (the documented view model, src/core/explain/explainResult.ts), or jsonl: one
                 line per part as soon as it is ready (the prediction and attention, the chosen operator's impact row,
                 each explainer cheapest first with its verdicts, the other operators' impact rows), then the whole
                 result with its metrics`;

export async function explainCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: DEFAULT_EXPLAIN_MODEL },
      ...ENGINE_FLAGS,
      target: { type: 'string' },
      label: { type: 'string' },
      format: { type: 'string', default: 'table' },
    },
  });
  if (positionals.length > 1) throw new Error(`explain takes exactly one text (quote it); got ${positionals.length}.`);
  // `-`, or no text with something piped in: the text is stdin's.
  const fromStdin = positionals[0] === '-' || (positionals.length === 0 && !process.stdin.isTTY);
  const text = fromStdin ? await readStdin() : positionals[0];
  if (text === undefined || (positionals.length === 0 && text.trim() === ''))
    throw new Error('explain takes one text: give it quoted as an argument, or pipe it in (`-` reads stdin).');
  if (!['table', 'json', 'jsonl'].includes(values.format)) throw new Error('--format must be table, json or jsonl.');
  const { load, ...options } = engineOptions(values);
  const model = await TextClassifier.load(resolveModelDir(values.model), load);
  try {
    if (values.target !== undefined && values.label !== undefined)
      throw new Error('--label is the earlier name of --target; give one of them.');
    const target = values.target ?? values.label;
    // jsonl: one line per part as it is ready (see ExplainPart), then the result.
    const onPart = values.format === 'jsonl' ? (part: ExplainPart) => out(JSON.stringify(part)) : undefined;
    const result = await explainText(model, text, {
      ...options,
      ...(target === undefined ? {} : { target }),
      onPart,
    });
    if (values.format === 'jsonl') out(JSON.stringify({ part: 'result', result }));
    else out(values.format === 'json' ? JSON.stringify(result, null, 2) : formatExplanation(result));
  } finally {
    await model.dispose();
  }
  return 0;
}

/** `--layer all`: each layer-reading explainer's violation share (of the paper's operators) at every layer. */
function depthTable(r: ExplainResult): string[] {
  const depth = r.depth ?? [];
  const layers = Math.max(...depth.map((d) => d.layer)) + 1;
  const ids = [...new Set(depth.map((d) => d.id))];
  const header = ['', ...Array.from({ length: layers }, (_, l) => `layer ${l}`)];
  const body = ids.map((id) => [
    id,
    ...header.slice(1).map((_, l) => {
      const row = depth.find((d) => d.id === id && d.layer === l);
      return row?.violationMean === null || row === undefined ? '-' : row.violationMean.toFixed(3);
    }),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const row = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [
    `violation by layer (--layer all): share of the paper's operators under which the top unit at that layer violates; layer 0 is the first`,
    row(header),
    ...body.map(row),
  ];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const fmt = (x: number) => (x >= 0 ? ' ' : '') + x.toFixed(3);
/** Small impacts decide verdicts too, so print them with their magnitude rather than as 0.000. */
const exact = (x: number) => (x !== 0 && Math.abs(x) < 0.001 ? x.toExponential(1) : x.toFixed(3));

/** The human-readable report: prediction, one column per unit, one row per explainer and per operator's impact. */
export function formatExplanation(r: ExplainResult): string {
  const lines: string[] = [];
  const words = resultWords(r);
  const { symbol } = words;
  const t = r.target;
  const value = (x: number) => x.toFixed(4);
  lines.push(
    r.head?.kind === 'regression'
      ? `model ${r.model.name}: scores ${value(r.prediction.probability)} (${words.quantity})`
      : r.head?.kind === 'multi-label'
        ? `model ${r.model.name}: explains label "${t.label}" with ${symbol} = ${value(t.probability)} (${words.quantity}; label ${t.index}${t.requested ? ', asked for' : ', the most likely'})`
        : t.index === r.prediction.index
          ? `model ${r.model.name}: predicts "${r.prediction.label}" with ${symbol} = ${value(r.prediction.probability)} (${words.quantity}; class ${r.prediction.index})`
          : `model ${r.model.name}: explains class "${t.label}" with ${symbol} = ${value(t.probability)} (${words.quantity}; class ${t.index}, asked for); it predicts "${r.prediction.label}" with ${value(r.prediction.probability)}`,
  );
  lines.push(
    `granularity ${r.granularity}; Δ = ${symbol} of the text − ${symbol} with the unit erased; |Δ| ≤ ${r.deltaTolerance} counts as 0`,
  );
  lines.push(
    `explainer weights are divided by each row's largest |w| (signs and ranking kept); Δ rows are raw ${words.isProbability ? 'probabilities' : 'scores'}`,
  );
  r.notes.forEach((n) => lines.push(`note: ${n}`));
  const names = ['', ...r.units.map((u) => u.text)];
  const rows: string[][] = [];
  // Weights are shown divided by the row's max |w| (sign and ranking kept, as in the paper's figure): gradients of a
  // confident prediction are tiny and would all print as 0.000. The JSON output keeps the raw values.
  for (const e of r.explanations) {
    const scale = e.weights ? Math.max(...e.weights.map(Math.abs)) || 1 : 1;
    rows.push([
      `${e.id}${e.signed ? '' : ' (≥0)'}`,
      ...(e.weights ? e.weights.map((w) => fmt(w / scale)) : r.units.map(() => '-')),
    ]);
  }
  for (const i of r.impacts) rows.push([`Δ ${i.operator}`, ...i.deltas.map(fmt)]);
  for (const i of r.impacts)
    rows.push([
      `polarity ${i.operator}`,
      ...i.polarity.map((p) => (p === 'supports' ? '▲' : p === 'suppresses' ? '▼' : '·')),
    ]);
  const widths = names.map((n, c) => Math.max(n.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  lines.push('', line(names), ...rows.map(line), '');
  lines.push(
    'violation test: the unit with the largest |w| is erased; it violates when sign(w) disagrees with sign(Δ)',
  );
  for (const e of r.explanations) {
    if (!e.weights) {
      lines.push(`  ${e.id}: could not run: ${e.error}`);
      continue;
    }
    const verdicts = e.verdicts.map(
      (v) =>
        `${v.operator} ${v.violates ? '✗ violates' : '✓ consistent'}${v.byConstruction ? '†' : ''} (top "${r.units[v.unit]?.text ?? '-'}", w ${exact(v.weight)}, Δ ${exact(v.delta)})`,
    );
    lines.push(`  ${e.id}: ${verdicts.join('; ')}`);
    for (const v of e.verdicts.filter((x) => x.byConstruction))
      lines.push(
        `    † ${v.operator} is not independent evidence, by construction (${v.byConstruction}); held-out mean ${e.heldOutMean === null ? '-' : e.heldOutMean.toFixed(3)}`,
      );
  }
  if (r.depth?.length) lines.push('', ...depthTable(r));
  const measured = r.explanations.filter((e) => e.metrics.length);
  if (measured.length) {
    const first = measured[0].metrics;
    lines.push(
      '',
      `other faithfulness metrics (erasing with ${first[0].operator}; ↑ higher is better, ↓ lower is better)`,
    );
    const header = ['', ...first.map((m) => `${m.id} ${m.better === 'higher' ? '↑' : '↓'}`)];
    const body = measured.map((e) => [e.id, ...e.metrics.map((m) => (m.value === null ? '-' : m.value.toFixed(3)))]);
    const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
    const row = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    lines.push(row(header), ...body.map(row));
  }
  return lines.join('\n');
}
