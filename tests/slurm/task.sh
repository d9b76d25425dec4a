#!/usr/bin/env bash
# One array task of tests/slurm/run.sh: shard $SLURM_ARRAY_TASK_ID of
# $SHARDS of the test sweep, into $OUT. The command is the same on every
# attempt (no --overwrite): a requeued task reruns it as it was.
#
# Environment (exported by run.sh through sbatch --export=ALL):
#   STATECRAFT  the binary            OUT     the dataset directory
#   SHARDS      the number of shards (not SLURM_ARRAY_TASK_COUNT, which is 1
#               when a single index is resubmitted with sbatch --array=K)
#   CONFIG      config file or embedded name; SETS: space-separated key=value
#   FAULT       none | exit | kill, injected into task FAULT_TASK once: the
#               first attempt creates FAULT_MARK and fails, later attempts
#               find it and run normally.
#                 exit: exit 1 before running statecraft;
#                 kill: SIGKILL statecraft once it has used KILL_CPU_MS of CPU
#                       time (CPU, not wall time: 100 tasks share 2 cores here,
#                       so a wall-clock timeout would often strike before the
#                       run had done anything).
set -euo pipefail
: "${STATECRAFT:?}" "${OUT:?}" "${SHARDS:?}" "${CONFIG:?}"
i=${SLURM_ARRAY_TASK_ID:?not an array task}
cmd=("$STATECRAFT" run "$CONFIG")
for s in ${SETS:-}; do cmd+=(--set "$s"); done
cmd+=(--shard "$i/$SHARDS" --out "$OUT" --workers "${SLURM_CPUS_PER_TASK:-1}" --quiet)
echo "task $i (job ${SLURM_JOB_ID:-?}, restarts ${SLURM_RESTART_COUNT:-0}) on $(hostname -s): ${cmd[*]}"

fault=none
if [ "${FAULT:-none}" != none ] && [ "$i" = "${FAULT_TASK:-}" ] && mkdir "${FAULT_MARK:?}" 2>/dev/null; then
	fault=$FAULT
fi
case $fault in
none) exec "${cmd[@]}" ;;
exit)
	echo "injected fault: exit 1 before running statecraft"
	exit 1
	;;
kill)
	limit=$((${KILL_CPU_MS:-60} * $(getconf CLK_TCK) / 1000))
	"${cmd[@]}" &
	pid=$!
	ticks=0
	while kill -0 "$pid" 2>/dev/null; do
		# utime + stime, fields 14 and 15 of /proc/PID/stat (after the ")" of the name)
		ticks=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
		if [ "$ticks" -ge "$limit" ]; then
			kill -KILL "$pid"
			break
		fi
		sleep 0.005
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" = 137 ]; then
		echo "injected fault: statecraft killed with SIGKILL after $((ticks * 1000 / $(getconf CLK_TCK))) ms of CPU; shard files left:"
		(ls -A "$OUT" | grep -e "$(printf %04d "$i")" || true) | sed 's/^/  /'
		exit 1
	fi
	echo "fault NOT injected: statecraft ended (exit $rc) before ${KILL_CPU_MS:-60} ms of CPU; raise the test's timesteps"
	exit 1
	;;
*)
	echo "FAULT=$fault: want none, exit or kill" >&2
	exit 2
	;;
esac
