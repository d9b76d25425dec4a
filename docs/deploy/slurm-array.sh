#!/bin/bash
#SBATCH --job-name=statecraft
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --output=%x-%A_%a.out
# One shard per array task; every shard writes its own part files and
# manifest into the same dataset directory.
set -euo pipefail
STATECRAFT=${STATECRAFT:-statecraft}
"$STATECRAFT" run "${CONFIG:-predator_prey}" \
    --out "${OUT:?set OUT to the dataset directory}" \
    --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
    --workers "${SLURM_CPUS_PER_TASK:-1}" --overwrite --quiet
