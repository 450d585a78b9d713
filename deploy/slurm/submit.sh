#!/usr/bin/env bash
# Submits the shards as a job array and the merge to run once all of them have succeeded. The environment (DATASET,
# MODEL, EXPLAINERS, LIMIT, SAMPLE, RESULTS, MAX_VIOLATION) is passed on to both jobs.
#   DATASET=$PWD/data/reviews.csv bash deploy/slurm/submit.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=$(sbatch --parsable "$here/shards.sbatch")
sbatch --dependency="afterok:${shards%%;*}" "$here/merge.sbatch"
