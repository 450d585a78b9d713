/**
 * deploy/: the Kubernetes Indexed Job, the Slurm job array and the GitHub Actions workflow that run a dataset in
 * shards. Each file is validated against its system's own schema (kubernetes-models: the Kubernetes API's OpenAPI
 * schemas; @actions/workflow-parser: GitHub's workflow schema), and each one's commands are run here as its scheduler
 * would run them, one local process per shard with the scheduler's environment variables set, then the merge, on a
 * small run (the files' settings, made small through the variables they read).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';
import { requireBundled } from '../helpers/esmBundle';
import { CLI, DATA, ROOT } from '../helpers/paths';
import { withoutClocks } from '../helpers/reportClocks';
import { runCli } from '../helpers/runCli';

const DEPLOY = join(ROOT, 'deploy');
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-deploy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// `polarity-lens` on PATH, as the image, the cluster or the runner has it: the built CLI.
const bin = join(tmp, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'polarity-lens'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
/** This process's environment without any scheduler's shard variables, and with the CLI on PATH. */
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(SLURM_|JOB_COMPLETION_INDEX$|POLARITY_LENS_SHARD_)/.test(k)),
) as Record<string, string>;
BASE_ENV.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;

/** The run every scheduler's files are tried with: their own settings, made small. */
const SMALL = {
  DATASET: join(DATA, 'sst2', 'test.csv'),
  MODEL: 'sst2-cnn-dot',
  EXPLAINERS: 'raw-attention,occlusion',
  LIMIT: '24',
  SAMPLE: 'random',
};
const PASSING = 'raw-attention=1';
const FAILING = 'raw-attention=0';

function run(command: string, args: string[], env: Record<string, string>, cwd: string) {
  mkdirSync(cwd, { recursive: true });
  const r = spawnSync(command, args, { cwd, env: { ...BASE_ENV, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `values` over the variables a file declares: each must be one it has, so a renamed variable fails here. */
function override(declared: Record<string, string>, values: Record<string, string>): Record<string, string> {
  for (const k of Object.keys(values)) assert.ok(k in declared, `the file sets no ${k}`);
  return { ...declared, ...values };
}

const merged: Record<string, DatasetReport> = {};
const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as DatasetReport;

interface Validatable {
  validate(): void;
}
type Model = new (data: unknown) => Validatable;
interface WorkflowParser {
  NoOperationTraceWriter: new () => unknown;
  parseWorkflow(
    file: { name: string; content: string },
    trace: unknown,
  ): { context: { errors: { getErrors(): { message: string }[] } }; value: unknown };
  convertWorkflowTemplate(context: unknown, root: unknown): Promise<unknown>;
}

/** GitHub's own parse of a workflow: its schema errors (unknown keys, wrong types, bad expressions, missing jobs). */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parser = requireBundled<WorkflowParser>('@actions/workflow-parser');
  const parsed = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  if (parsed.value) await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

interface K8sContainer {
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  spec: { completions?: number; parallelism?: number; template: { spec: { containers: K8sContainer[] } } };
}
const k8s = (file: string) =>
  parseAllDocuments(readFileSync(join(DEPLOY, 'kubernetes', file), 'utf8')).map((d) => d.toJS() as K8sObject);
const containerEnv = (c: K8sContainer) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

/** Kubernetes' expansion of $(VAR) in a container's command and args from its environment; $$ is a literal $. */
function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_match, name: string | undefined) => {
    if (name === undefined) return '$';
    assert.ok(name in env, `$(${name}) is not in the container's environment`);
    return env[name];
  });
}

interface WorkflowStep {
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string | boolean>;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<
    string,
    { env?: Record<string, string>; strategy?: { matrix: { shard: number[] } }; steps: WorkflowStep[] }
  >;
}

/** The ${{ }} expressions of the workflow's values, from `values`; any other one fails (the scripts read env only). */
function evaluate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_match, expression: string) => {
    assert.ok(expression in values, `the test does not know \${{ ${expression} }}`);
    return values[expression];
  });
}

/** A run step as the runner does it: `shell: bash` is bash --noprofile --norc -eo pipefail. */
function runStep(step: WorkflowStep, env: Record<string, string>, cwd: string) {
  assert.equal(step.shell, 'bash');
  assert.ok(step.run && !step.run.includes('${{'), 'a run script reads its values from the environment');
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], env, cwd);
}

describe('deploy/: shards on Kubernetes, Slurm and GitHub Actions', () => {
  it('the Kubernetes manifests are valid batch/v1 Jobs and a v1 PersistentVolumeClaim (kubernetes-models)', () => {
    const models: Record<string, Model> = {
      'batch/v1 Job': requireBundled<{ Job: Model }>('kubernetes-models/batch/v1/Job').Job,
      'v1 PersistentVolumeClaim': requireBundled<{ PersistentVolumeClaim: Model }>(
        'kubernetes-models/v1/PersistentVolumeClaim',
      ).PersistentVolumeClaim,
    };
    const files = readdirSync(join(DEPLOY, 'kubernetes'));
    assert.deepEqual(files.sort(), ['merge-job.yaml', 'shards-job.yaml', 'volume.yaml']);
    for (const file of files)
      for (const doc of k8s(file)) {
        const model = models[`${doc.apiVersion} ${doc.kind}`];
        assert.ok(model, `${file}: ${doc.apiVersion} ${doc.kind}`);
        assert.doesNotThrow(() => new model(doc).validate(), file);
      }
    // And the schema does catch a mistake.
    const [job] = k8s('shards-job.yaml');
    assert.throws(
      () => new models['batch/v1 Job']({ ...job, spec: { ...job.spec, completions: 'four' } }).validate(),
      /completions must be integer/,
    );
  });

  it('the GitHub Actions workflow passes GitHub’s workflow schema (@actions/workflow-parser); the Slurm scripts parse', async () => {
    const file = join(DEPLOY, 'github-actions', 'polarity-lens-shards.yml');
    const content = readFileSync(file, 'utf8');
    assert.deepEqual(await workflowErrors('polarity-lens-shards.yml', content), []);
    const broken = content.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    run-on: typo');
    assert.match((await workflowErrors('broken.yml', broken)).join('\n'), /Unexpected value 'run-on'/);
    for (const script of ['shards.sbatch', 'merge.sbatch', 'submit.sh']) {
      const r = spawnSync('bash', ['-n', join(DEPLOY, 'slurm', script)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${script}: ${r.stderr}`);
    }
  });

  it('Kubernetes: one process per completion index with JOB_COMPLETION_INDEX, then the merge Job’s script', () => {
    const [shards] = k8s('shards-job.yaml');
    const { completions, parallelism } = shards.spec;
    const [container] = shards.spec.template.spec.containers;
    const results = join(tmp, 'k8s', 'results');
    const env = override(containerEnv(container), { ...SMALL, RESULTS: results, WORKERS: '1' });
    assert.equal(Number(env.SHARDS), completions, 'SHARDS is the number of completions');
    assert.equal(parallelism, completions);
    for (let index = 0; index < completions!; index++) {
      const pod = { ...env, JOB_COMPLETION_INDEX: String(index) };
      const [command, ...args] = [...container.command, ...container.args].map((a) => expand(a, pod));
      const r = run(command, args, pod, join(tmp, 'k8s', `pod-${index}`));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`shard ${index + 1}/4 \\(JOB_COMPLETION_INDEX=${index}, auto/N\\)`));
    }
    const [merge] = k8s('merge-job.yaml');
    const [merger] = merge.spec.template.spec.containers;
    const gate = (maxViolation: string) => {
      const menv = override(containerEnv(merger), { RESULTS: results, MAX_VIOLATION: maxViolation });
      const [command, ...args] = [...merger.command, ...merger.args].map((a) => expand(a, menv));
      return run(command, args, menv, join(tmp, 'k8s', 'merge'));
    };
    const failed = gate(FAILING);
    assert.equal(failed.status, 1, `a broken threshold fails the Job: ${failed.stderr}`);
    const passed = gate(PASSING);
    assert.equal(passed.status, 0, passed.stderr);
    for (const f of ['report.json', 'report.html', 'violations.xml', 'summary.md'])
      assert.ok(readdirSync(results).includes(f), f);
    merged.kubernetes = readReport(join(results, 'report.json'));
  });

  it('Slurm: shards.sbatch once per task of its --array with SLURM_ARRAY_TASK_*, then merge.sbatch', () => {
    const script = readFileSync(join(DEPLOY, 'slurm', 'shards.sbatch'), 'utf8');
    const [, min, max] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(script)!.map(Number);
    const cwd = join(tmp, 'slurm');
    for (let id = min; id <= max; id++) {
      const task = {
        ...SMALL,
        SLURM_ARRAY_JOB_ID: '4242',
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_MIN: String(min),
        SLURM_ARRAY_TASK_MAX: String(max),
        SLURM_ARRAY_TASK_COUNT: String(max - min + 1),
        SLURM_ARRAY_TASK_STEP: '1',
        SLURM_CPUS_PER_TASK: '1',
      };
      for (const k of Object.keys(SMALL)) assert.match(script, new RegExp(`\\$\\{?${k}\\b`), `the script reads ${k}`);
      const r = run('bash', [join(DEPLOY, 'slurm', 'shards.sbatch')], task, cwd);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`shard ${id - min + 1}/${max - min + 1} \\(SLURM_ARRAY_TASK_ID=${id}`));
    }
    const failed = run('bash', [join(DEPLOY, 'slurm', 'merge.sbatch')], { MAX_VIOLATION: FAILING }, cwd);
    assert.equal(failed.status, 1, failed.stderr);
    const r = run('bash', [join(DEPLOY, 'slurm', 'merge.sbatch')], { MAX_VIOLATION: PASSING }, cwd);
    assert.equal(r.status, 0, r.stderr);
    merged.slurm = readReport(join(cwd, 'polarity-lens-results', 'report.json'));
  });

  it('GitHub Actions: the check step once per matrix entry, the shard artifacts downloaded together, the merge step', () => {
    const workflow = parse(
      readFileSync(join(DEPLOY, 'github-actions', 'polarity-lens-shards.yml'), 'utf8'),
    ) as Workflow;
    const env = override(workflow.env, { ...SMALL, MAX_VIOLATION: PASSING });
    const { shard, merge } = workflow.jobs;
    const matrix = shard.strategy!.matrix.shard;
    const step = (job: typeof shard, find: (s: WorkflowStep) => boolean) => {
      const found = job.steps.find(find);
      assert.ok(found);
      return found;
    };
    const upload = step(shard, (s) => s.uses?.startsWith('actions/upload-artifact') ?? false);
    const download = step(merge, (s) => s.uses?.startsWith('actions/download-artifact') ?? false);
    assert.equal(download.with!['merge-multiple'], true);
    const pattern = new RegExp(`^${String(download.with!.pattern).replace(/\*/g, '.*')}$`);
    const artifacts = join(tmp, 'gha', 'merge', String(download.with!.path));
    mkdirSync(artifacts, { recursive: true });
    for (const value of matrix) {
      const contexts = { 'matrix.shard': String(value), 'strategy.job-total': String(matrix.length) };
      const jobEnv = Object.fromEntries(Object.entries(shard.env!).map(([k, v]) => [k, evaluate(v, contexts)]));
      const workspace = join(tmp, 'gha', `shard-${value}`);
      const r = runStep(
        step(shard, (s) => s.id === 'check'),
        { ...env, ...jobEnv },
        workspace,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`shard ${value}/${matrix.length} \\(POLARITY_LENS_SHARD_INDEX=${value}`));
      assert.match(evaluate(String(upload.with!.name), contexts), pattern, 'the merge job downloads it');
      cpSync(join(workspace, String(upload.with!.path)), artifacts, { recursive: true });
    }
    const mergeStep = step(merge, (s) => s.id === 'merge');
    const cwd = join(tmp, 'gha', 'merge');
    assert.equal(runStep(mergeStep, { ...env, MAX_VIOLATION: FAILING }, cwd).status, 1);
    const r = runStep(mergeStep, env, cwd);
    assert.equal(r.status, 0, r.stderr);
    merged.github = readReport(join(cwd, 'report', 'report.json'));
  });

  it('the three merged reports are the single run’s (one onnxruntime thread per process, as in the files)', () => {
    const single = join(tmp, 'single.json');
    const { DATASET, MODEL, EXPLAINERS, LIMIT, SAMPLE } = SMALL;
    const args = [DATASET, '--model', MODEL, '--explainers', EXPLAINERS, '--limit', LIMIT, '--sample', SAMPLE];
    const r = runCli([
      'check',
      ...args,
      '--threads',
      '1',
      '--cache-dir',
      join(tmp, 'single-cache'),
      '--quiet',
      '--json',
      single,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const one = withoutClocks(readReport(single));
    assert.equal(one.samples, 24);
    assert.deepEqual(Object.keys(merged).sort(), ['github', 'kubernetes', 'slurm']);
    for (const [scheduler, report] of Object.entries(merged)) assert.deepEqual(withoutClocks(report), one, scheduler);
  });
});
