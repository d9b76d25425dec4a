#!/bin/bash
#SBATCH --job-name=statecraft
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=%x-%A_%a.out
# One shard per array task; every shard writes its own part files and
# manifest into the same dataset directory. SHARDS is the number of shards
# (default: the array's size); set it when resubmitting single indices
# (sbatch --array=7), where SLURM_ARRAY_TASK_COUNT is 1. No --overwrite: a
# requeued or resubmitted task runs the same command again, and a rerun
# continues the shard where the failed attempt stopped.
set -euo pipefail
STATECRAFT=${STATECRAFT:-statecraft}
"$STATECRAFT" run "${CONFIG:-predator_prey}" \
    --out "${OUT:?set OUT to the dataset directory}" \
    --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS:-$SLURM_ARRAY_TASK_COUNT}" \
    --workers "${SLURM_CPUS_PER_TASK:-1}" --quiet
