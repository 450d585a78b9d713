import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from './paths';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/cli.js, what users run) in a child process; `input` is piped to its stdin. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, input = ''): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000,
    input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
