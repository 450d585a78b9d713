import { parseArgs } from 'node:util';
import { diagnoseModel, formatDoctorReport, resolveModelDir } from '../core';

export const DOCTOR_HELP = `polarity-lens doctor <model folder|shipped name> [--format text|json] [--threads N]

Checks a model folder: what Polarity Lens finds in it (ONNX file and variants, inputs and outputs, attention maps,
word embeddings, tokenizer, head and labels, pooling, maximum length) and which explainers and erasure operators run
on it, by running each once on a short probe text. Exit code 0: everything runs; 1: it loads, but some explainers or
operators cannot run (each says why); 2: it cannot be used (the error says why).`;

export async function doctorCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      threads: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new Error(`doctor takes one model folder; got ${positionals.length}.`);
  if (values.format !== 'text' && values.format !== 'json') throw new Error('--format must be text or json.');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0))
    throw new Error('--threads must be a whole number (0: onnxruntime chooses).');
  const report = await diagnoseModel(resolveModelDir(positionals[0]), { threads });
  out(values.format === 'json' ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
  return report.status === 'ok' ? 0 : report.status === 'partial' ? 1 : 2;
}
