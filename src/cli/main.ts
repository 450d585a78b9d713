#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../core';
import { accuracyCommand, ACCURACY_HELP } from './accuracyCommand';
import { checkCommand, CHECK_HELP } from './checkCommand';
import { doctorCommand, DOCTOR_HELP } from './doctorCommand';
import { explainCommand, EXPLAIN_HELP } from './explainCommand';
import { mergeCommand, MERGE_HELP } from './mergeCommand';
import { reportCommand, REPORT_HELP } from './reportCommand';

const HELP = `polarity-lens <command> [options]

Commands:
  explain    explain one text and run the faithfulness violation test on it
  check      run the violation test over a dataset file (CSV, TSV, JSONL, JSON, TXT) and gate CI on it
  report     render a saved dataset report (check --json) as HTML, Markdown, CSV or JUnit
  merge      fold the shard files of a run split across machines (check --shard K/N) into its report, and gate on it
  accuracy   measure the shipped (or your) models' accuracy on labelled CSV files
  doctor     check a model folder: what is found in it, which explainers and operators run on it

${EXPLAIN_HELP}

${CHECK_HELP}

${REPORT_HELP}

${MERGE_HELP}

${ACCURACY_HELP}

${DOCTOR_HELP}`;

const EXIT_CODES = `Exit codes, the same for every command: 0 done; 1 a --max-violation threshold broken (check, report, merge),
a --max-regression gate failed (check, merge) or a check that failed (doctor); 2 bad input (arguments, files, a model or text that cannot be used), with the reason on stderr;
130 interrupted.`;

const COMMANDS: Record<
  string,
  { run: (argv: string[], out: (line: string) => void) => Promise<number>; help: string }
> = {
  accuracy: { run: accuracyCommand, help: ACCURACY_HELP },
  check: { run: checkCommand, help: CHECK_HELP },
  doctor: { run: doctorCommand, help: DOCTOR_HELP },
  explain: { run: explainCommand, help: EXPLAIN_HELP },
  merge: { run: mergeCommand, help: MERGE_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    console.log(packageVersion());
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(`${HELP}\n\n${EXIT_CODES}`);
    return 0;
  }
  if (!command) {
    console.error(`${HELP}\n\n${EXIT_CODES}`);
    return 2;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    console.error(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  // Help is answered here for every command, so none of them parses a help flag of its own.
  if (rest.includes('-h') || rest.includes('--help')) {
    console.log(`${entry.help}\n\n${EXIT_CODES}`);
    return 0;
  }
  try {
    return await entry.run(rest, (line) => console.log(line));
  } catch (err) {
    // What a command throws is what it was given: arguments, a file, a model or a text it cannot use.
    console.error(`polarity-lens ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
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
