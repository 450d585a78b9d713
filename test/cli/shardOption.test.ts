import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shardFromFlag } from '../../src/cli/shardOption';

const shard = (value: string, env: NodeJS.ProcessEnv = {}) => shardFromFlag(value, env).shard;

describe('check --shard', () => {
  it('K/N as given, 1-based; out of range or malformed is an error that says what is accepted', () => {
    assert.deepEqual(shard('2/4'), { index: 2, count: 4 });
    assert.deepEqual(shard('1/1'), { index: 1, count: 1 });
    assert.throws(() => shard('0/4'), /--shard 0\/4 \(--shard 0\/4\): the shard must be a whole number from 1 to 4/);
    assert.throws(() => shard('5/4'), /from 1 to 4 \(got 5\)/);
    assert.throws(() => shard('1/0'), /the number of shards must be a whole number from 1 to 10000/);
    assert.throws(() => shard('two'), /--shard must be K\/N \(e\.g\. 2\/4\), auto or auto\/N; got "two"/);
  });

  it('auto: POLARITY_LENS_SHARD_INDEX (1-based) first, then a Kubernetes Indexed Job, then a Slurm array', () => {
    const github = { POLARITY_LENS_SHARD_INDEX: '3', POLARITY_LENS_SHARD_COUNT: '4', SLURM_ARRAY_TASK_ID: '0' };
    assert.deepEqual(shardFromFlag('auto', github), {
      shard: { index: 3, count: 4 },
      from: 'POLARITY_LENS_SHARD_INDEX=3, POLARITY_LENS_SHARD_COUNT=4',
    });
    // Kubernetes numbers its completions from 0 and does not tell their count: auto/N or POLARITY_LENS_SHARD_COUNT.
    assert.deepEqual(shard('auto/4', { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 4 });
    assert.deepEqual(shard('auto', { JOB_COMPLETION_INDEX: '3', POLARITY_LENS_SHARD_COUNT: '4' }), {
      index: 4,
      count: 4,
    });
    assert.throws(
      () => shard('auto', { JOB_COMPLETION_INDEX: '3' }),
      /use --shard auto\/N or set POLARITY_LENS_SHARD_COUNT/,
    );
    assert.throws(() => shard('auto/4', { JOB_COMPLETION_INDEX: '4' }), /from 1 to 4 \(got 5\)/);
    assert.throws(() => shard('auto', {}), /--shard auto found no shard in the environment/);
  });

  it('auto in a Slurm array: the task id counted from SLURM_ARRAY_TASK_MIN in its steps, N from SLURM_ARRAY_TASK_COUNT', () => {
    const slurm = (id: number, extra: NodeJS.ProcessEnv = {}) => ({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '3',
      SLURM_ARRAY_TASK_COUNT: '4',
      ...extra,
    });
    assert.deepEqual(
      [0, 1, 2, 3].map((id) => shard('auto', slurm(id))),
      [1, 2, 3, 4].map((index) => ({ index, count: 4 })),
    );
    // --array=10-13, and --array=1-7:2 (tasks 1, 3, 5, 7).
    const offset = { SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_MAX: '13' };
    assert.deepEqual(shard('auto', slurm(12, offset)), { index: 3, count: 4 });
    const stepped = { SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '7', SLURM_ARRAY_TASK_STEP: '2' };
    assert.deepEqual(shard('auto', slurm(5, stepped)), { index: 3, count: 4 });
    assert.match(shardFromFlag('auto', slurm(5, stepped)).from, /SLURM_ARRAY_TASK_ID=5 of 1…7 step 2/);
    // A list of ids (--array=1,3,10) is not evenly spaced: its tasks cannot be told apart as shards.
    assert.throws(
      () =>
        shard(
          'auto',
          slurm(10, { SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '10', SLURM_ARRAY_TASK_COUNT: '3' }),
        ),
      /not evenly spaced from SLURM_ARRAY_TASK_MIN=1 .*submit it as --array=0-2/,
    );
    assert.throws(() => shard('auto/8', slurm(1)), /--shard auto\/8 disagrees with SLURM_ARRAY_TASK_COUNT=4/);
  });
});
