/**
 * `check --shard`: K/N given, or `auto` (`auto/N`) read from the scheduler running this process: a Kubernetes Indexed
 * Job, a Slurm job array, or anything that sets POLARITY_LENS_SHARD_INDEX/COUNT (a GitHub Actions matrix). Shards are
 * 1-based here as in `--shard 2/4`; the schedulers' 0-based or offset task ids are translated.
 */
import { shardProblem, type Shard } from '../core';

export const SHARD_HELP = `  --shard K/N      explain shard K of N (1 ≤ K ≤ N) of the selected rows: the selection (--limit, --sample, --seed)
                   is made first, the same in every shard, then every N-th selected row is this shard's, from the
                   K-th on; writes a shard file (not the reports) that polarity-lens merge folds with the other N − 1
                   into the report one machine would have written. The cache keeps it resumable.
  --shard auto     K and N from the environment, in this order: POLARITY_LENS_SHARD_INDEX (1…N) and
  --shard auto/N   POLARITY_LENS_SHARD_COUNT (set them e.g. from a GitHub Actions matrix); a Kubernetes Indexed Job's
                   JOB_COMPLETION_INDEX (0…N−1) with N from auto/N or POLARITY_LENS_SHARD_COUNT; a Slurm job array's
                   SLURM_ARRAY_TASK_ID, counted from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, with
                   N = SLURM_ARRAY_TASK_COUNT (auto/N, if given, must agree)
  --shard-file F   where the shard file goes (replaced if it exists; its folder is made if needed); a folder (or a
                   path ending in /): NAME.polarity-lens.shard-K-of-N.jsonl in it; default that name in the current
                   folder`;

export interface ShardChoice {
  shard: Shard;
  /** Where K and N came from, for the first line of the shard's output. */
  from: string;
}

const whole = (name: string, raw: string): number => {
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${name} must be a whole number (it is "${raw}").`);
  return Number(raw);
};

/** The shard `--shard VALUE` names, K and N checked; throws an Error saying what is wrong. */
export function shardFromFlag(value: string, env: NodeJS.ProcessEnv = process.env): ShardChoice {
  const given = /^(\d+)\/(\d+)$/.exec(value);
  const auto = /^auto(?:\/(\d+))?$/.exec(value);
  if (!given && !auto) throw new Error(`--shard must be K/N (e.g. 2/4), auto or auto/N; got "${value}".`);
  const choice = given
    ? { shard: { index: Number(given[1]), count: Number(given[2]) }, from: `--shard ${value}` }
    : fromEnvironment(auto![1] === undefined ? undefined : Number(auto![1]), env);
  const problem = shardProblem(choice.shard);
  if (problem) throw new Error(`--shard ${value} (${choice.from}): ${problem}.`);
  return choice;
}

function fromEnvironment(count: number | undefined, env: NodeJS.ProcessEnv): ShardChoice {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const countFrom = (what: string): { count: number; from: string } => {
    if (count !== undefined) return { count, from: 'auto/N' };
    if (set('POLARITY_LENS_SHARD_COUNT'))
      return {
        count: whole('POLARITY_LENS_SHARD_COUNT', env.POLARITY_LENS_SHARD_COUNT!),
        from: `POLARITY_LENS_SHARD_COUNT=${env.POLARITY_LENS_SHARD_COUNT}`,
      };
    throw new Error(
      `${what} gives the shard but not how many there are: use --shard auto/N or set POLARITY_LENS_SHARD_COUNT.`,
    );
  };
  if (set('POLARITY_LENS_SHARD_INDEX')) {
    const index = whole('POLARITY_LENS_SHARD_INDEX', env.POLARITY_LENS_SHARD_INDEX!);
    const n = countFrom('POLARITY_LENS_SHARD_INDEX');
    return { shard: { index, count: n.count }, from: `POLARITY_LENS_SHARD_INDEX=${index}, ${n.from}` };
  }
  if (set('JOB_COMPLETION_INDEX')) {
    const index = whole('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX!) + 1;
    const n = countFrom('JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)');
    return { shard: { index, count: n.count }, from: `JOB_COMPLETION_INDEX=${index - 1}, ${n.from}` };
  }
  if (set('SLURM_ARRAY_TASK_ID')) return fromSlurm(count, env);
  throw new Error(
    '--shard auto found no shard in the environment: set POLARITY_LENS_SHARD_INDEX and POLARITY_LENS_SHARD_COUNT, or run it as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm job array (SLURM_ARRAY_TASK_ID); or give --shard K/N.',
  );
}

/** A Slurm array's task: its place among the array's evenly spaced ids (sbatch --array=MIN-MAX[:STEP]). */
function fromSlurm(count: number | undefined, env: NodeJS.ProcessEnv): ShardChoice {
  const id = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID!);
  const min = env.SLURM_ARRAY_TASK_MIN ? whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN) : 0;
  const step = env.SLURM_ARRAY_TASK_STEP ? whole('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP) : 1;
  if (!env.SLURM_ARRAY_TASK_COUNT) throw new Error('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not.');
  const tasks = whole('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
  if (count !== undefined && count !== tasks)
    throw new Error(`--shard auto/${count} disagrees with SLURM_ARRAY_TASK_COUNT=${tasks}.`);
  const offset = id - min;
  const max = env.SLURM_ARRAY_TASK_MAX ? whole('SLURM_ARRAY_TASK_MAX', env.SLURM_ARRAY_TASK_MAX) : undefined;
  if (
    step < 1 ||
    offset < 0 ||
    offset % step !== 0 ||
    offset / step >= tasks ||
    (max !== undefined && max !== min + (tasks - 1) * step)
  )
    throw new Error(
      `the Slurm array's task ids are not evenly spaced from SLURM_ARRAY_TASK_MIN=${min} (task ${id}, step ${step}, ${tasks} tasks${max === undefined ? '' : `, max ${max}`}): submit it as --array=0-${tasks - 1}, or give --shard K/N.`,
    );
  const index = offset / step + 1;
  return {
    shard: { index, count: tasks },
    from: `SLURM_ARRAY_TASK_ID=${id} of ${min}…${min + (tasks - 1) * step}${step > 1 ? ` step ${step}` : ''}`,
  };
}
