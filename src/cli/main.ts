#!/usr/bin/env node
import { accuracyCommand, ACCURACY_HELP } from './accuracyCommand';
import { checkCommand, CHECK_HELP } from './checkCommand';
import { doctorCommand, DOCTOR_HELP } from './doctorCommand';
import { explainCommand, EXPLAIN_HELP } from './explainCommand';

const HELP = `polarity-lens <command> [options]

Commands:
  explain    explain one text and run the faithfulness violation test on it
  check      run the violation test over a dataset file (CSV, TSV, JSONL, JSON) and gate CI on it
  accuracy   measure the shipped (or your) models' accuracy on labelled CSV files
  doctor     check a model folder: what is found in it, which explainers and operators run on it

${EXPLAIN_HELP}

${CHECK_HELP}

${ACCURACY_HELP}

${DOCTOR_HELP}`;

const COMMANDS: Record<string, (argv: string[], out: (line: string) => void) => Promise<number>> = {
  accuracy: accuracyCommand,
  check: checkCommand,
  doctor: doctorCommand,
  explain: explainCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  return run(rest, (line) => console.log(line));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`polarity-lens: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
