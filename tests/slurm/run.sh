#!/usr/bin/env bash
# Slurm for real (make test-slurm): a sweep as a Slurm job array of SHARDS
# tasks, one `statecraft run --shard i/SHARDS` each, and a dependent
# `statecraft merge`, on a one-node cluster on this machine; the merged
# dataset must hold the same rows as a single-machine run of the same config
# (tests/interop/samerows.mjs: EXCEPT ALL both ways, in DuckDB), and the
# merge's HTML report must be the page `statecraft report` writes from the
# merged files (round 1: drawn from the rows the shards kept).
#
# Round 1: every task runs once; merge; compare.
# Round 2: task FAULT_TASK fails on its first attempt (FAULT=exit: its
#   wrapper exits 1 before statecraft runs; FAULT=kill: its statecraft is
#   SIGKILLed in the middle of its run, see task.sh). The merge, submitted
#   with --dependency=afterany, runs when every task has ended and must fail,
#   naming the missing shard and writing nothing. Then that task alone is
#   retried (RETRY=requeue: scontrol requeue JOB_K; RETRY=resubmit:
#   sbatch --array=K), running the same command again (no --overwrite), and
#   a new merge waits for it (--dependency=afterok on the retried task). The
#   dataset must then be complete and the same as the single-machine run.
#
# Needs root and Debian packages (installed when sbatch is missing, see
# install-slurm.sh), bin/statecraft (make build) and Node.js/npm (the
# DuckDB of tests/interop). Starts the cluster when it is not up and stops it
# at the end if it started it (KEEP_SLURM=1 leaves it up).
#
# Knobs (environment): SHARDS (100), FAULT (exit | kill | none), FAULT_TASK
# (37), RETRY (requeue | resubmit), CONFIG and SETS (the sweep), KILL_CPU_MS,
# WORK (out/slurm), SLURM_CPUS (CPUs the test node declares, 32), TIMEOUT
# (seconds per wait, 120).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export STATECRAFT=${STATECRAFT:-$ROOT/bin/statecraft}
export SHARDS=${SHARDS:-100}
# predator_prey: 3 sweep points of alpha x 100 runs = 300 jobs, 3 per shard.
# 300,000 timesteps keep a job ~30 ms of CPU (long enough for FAULT=kill to
# strike mid-shard), every = 1000 keeps 301 rows of each run, and
# row_group_rows = 100 makes a shard put data on disk as it goes, so the kill
# leaves some behind.
export CONFIG=${CONFIG:-predator_prey}
export SETS=${SETS:-runs=100 timesteps=300000 output.every=1000 output.row_group_rows=100 output.checkpoint_seconds=0.005}
# FAULT=kill is the case resume exists for: the requeued task reruns the
# same command, which keeps the jobs the killed attempt checkpointed.
FAULT=${FAULT:-kill}
FAULT_TASK=${FAULT_TASK:-37}
export KILL_CPU_MS=${KILL_CPU_MS:-40}
RETRY=${RETRY:-requeue}
WORK=${WORK:-$ROOT/out/slurm}
TIMEOUT=${TIMEOUT:-120}
here=$ROOT/tests/slurm

T0=$(date +%s%N)
log() { printf '[%6.1fs] %s\n' "$(echo "($(date +%s%N) - $T0) / 1000000000" | bc -l)" "$*"; }
die() {
	log "FAIL: $*"
	exit 1
}
case $FAULT in exit | kill | none) ;; *) die "FAULT=$FAULT: want exit, kill or none" ;; esac
case $RETRY in requeue | resubmit) ;; *) die "RETRY=$RETRY: want requeue or resubmit" ;; esac
[ "$FAULT_TASK" -ge 0 ] && [ "$FAULT_TASK" -lt "$SHARDS" ] || die "FAULT_TASK=$FAULT_TASK: want 0 <= K < SHARDS"
[ -x "$STATECRAFT" ] || die "$STATECRAFT: not built (make build)"

# --- prerequisites and the cluster ---------------------------------------
"$here/install-slurm.sh"
(cd tests/interop && { [ -d node_modules/@duckdb ] || npm ci --no-audit --no-fund --loglevel=error; })
started=
jobs=() # every job submitted, cancelled when the test fails on a cluster it leaves up
cleanup() {
	rc=$?
	if [ "$rc" != 0 ] && [ ${#jobs[@]} -gt 0 ]; then scancel "${jobs[@]}" 2>/dev/null || true; fi
	if [ -n "$started" ] && [ "${KEEP_SLURM:-0}" != 1 ]; then "$here/stop-slurm.sh" >/dev/null; fi
	exit $rc
}
trap cleanup EXIT
up=$(SLURM_CPUS=${SLURM_CPUS:-32} "$here/start-slurm.sh")
[ "$(tail -n1 <<<"$up")" = started ] && started=1
log "$(head -n1 <<<"$up")"

rm -rf "$WORK"
mkdir -p "$WORK/logs"
sets=()
for s in $SETS; do sets+=(--set "$s"); done

# The single-machine run, beside round 1 (it is CPU, round 1 mostly waiting).
"$STATECRAFT" run "$CONFIG" "${sets[@]}" --out "$WORK/single" --quiet &
single=$!

# submit TAG DIR [ARRAY]: the array (all shards, or the indices ARRAY) into DIR; prints its job id.
submit() {
	OUT=$2 FAULT=${FAULT_NOW:-none} FAULT_TASK=$FAULT_TASK FAULT_MARK=$WORK/fault-$1 \
		sbatch --parsable --export=ALL --job-name="sc-$1" --array="${3:-0-$((SHARDS - 1))}" \
		--cpus-per-task=1 --requeue --open-mode=append --output="$WORK/logs/$1-%a.out" \
		"$here/task.sh"
}
# merge TAG DIR DEPENDENCY: the merge job; prints its job id.
merge() {
	sbatch --parsable --job-name="sc-$1-merge" --dependency="$3" --output="$WORK/logs/$1-merge.out" \
		--wrap "$(printf '%q merge %q' "$STATECRAFT" "$2")"
}
# wait_jobs ID...: until no job of the list is pending or running.
wait_jobs() {
	local ids deadline=$(($(date +%s) + TIMEOUT))
	ids=$(
		IFS=,
		echo "$*"
	)
	while squeue -h -j "$ids" 2>/dev/null | grep -q .; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			squeue -j "$ids" | head -n 20
			die "jobs $ids still queued after ${TIMEOUT}s"
		fi
		sleep 0.2
	done
}
# states JOB: "task state" lines of an array job (or "- state" for a plain job).
states() {
	scontrol -o show job "$1" | awk '{t = "-"; s = "?"
		for (i = 1; i <= NF; i++) { if ($i ~ /^ArrayTaskId=/) t = substr($i, 13); if ($i ~ /^JobState=/) s = substr($i, 10) }
		print t, s}' | sort -n
}
state() { states "$1" | awk '{print $2}'; }
# same DIR: DIR is merged, holds no temporary file and the rows of the single run.
same() {
	[ -s "$1/_manifest.json" ] || die "$1: no _manifest.json"
	local tmp
	tmp=$(find "$1" -name '.*.tmp' | head -n 5)
	[ -z "$tmp" ] || die "$1: temporary files left: $tmp"
	node tests/interop/samerows.mjs "$WORK/single" "$1" | sed 's/^/    /' ||
		die "$1: not the rows of the single-machine run"
}

# report_same DIR: the merge wrote DIR/_report.html, and it is the page
# `statecraft report DIR` writes from the files, but for the time it was written.
report_same() {
	[ -s "$1/_report.html" ] || die "$1: the merge wrote no _report.html"
	cp "$1/_report.html" "$WORK/merge-report.html"
	"$STATECRAFT" report "$1" --quiet || die "$1: statecraft report failed"
	cmp -s <(sed 's/at 20[0-9T:-]*Z/at -/' "$WORK/merge-report.html") <(sed 's/at 20[0-9T:-]*Z/at -/' "$1/_report.html") ||
		die "$1: the merge's report is not the page statecraft report writes from the files"
}

# --- round 1: the sweep, then the merge -----------------------------------
r1=$(submit r1 "$WORK/r1")
jobs+=("$r1")
m1=$(merge r1 "$WORK/r1" "afterany:$r1")
jobs+=("$m1")
log "round 1: array job $r1 ($SHARDS tasks), merge job $m1 (afterany:$r1)"
wait_jobs "$r1" "$m1"
bad=$(states "$r1" | grep -vc ' COMPLETED$' || true)
[ "$(states "$r1" | wc -l)" = "$SHARDS" ] && [ "$bad" = 0 ] || die "round 1: tasks not COMPLETED: $(states "$r1" | grep -v ' COMPLETED$' | head)"
[ "$(state "$m1")" = COMPLETED ] || die "round 1: merge $(state "$m1"): $(cat "$WORK/logs/r1-merge.out")"
log "round 1: $SHARDS tasks and the merge COMPLETED"
wait "$single" || die "the single-machine run failed"
same "$WORK/r1"
log "round 1: merged dataset = single-machine run"
grep -q '"report_rows"' "$WORK/r1/_manifest.json" || die "round 1: the merged manifest names no shard's report rows"
report_same "$WORK/r1"
log "round 1: the merge's report, from the shards' kept rows = statecraft report's"

# --- round 2: one task fails, is retried alone, and a new merge -----------
K=$FAULT_TASK
r2=$(FAULT_NOW=$FAULT submit r2 "$WORK/r2")
jobs+=("$r2")
m2=$(merge r2 "$WORK/r2" "afterany:$r2")
jobs+=("$m2")
log "round 2: array job $r2 ($([ "$FAULT" = none ] && echo "no fault" || echo "FAULT=$FAULT in task $K")), merge job $m2 (afterany:$r2)"
wait_jobs "$r2" "$m2"
sed -n '/fault/,/^task /{/^task /d;p}' "$WORK/logs/r2-$K.out" | sed 's/^/    /'
if [ "$FAULT" != none ]; then
	grep -q '^injected fault' "$WORK/logs/r2-$K.out" || die "round 2: the fault was not injected: $(cat "$WORK/logs/r2-$K.out")"
	[ "$(states "$r2" | awk -v k="$K" '$1 == k {print $2}')" = FAILED ] || die "round 2: task $K is not FAILED: $(states "$r2" | awk -v k="$K" '$1 == k')"
	bad=$(states "$r2" | awk -v k="$K" '$1 != k && $2 != "COMPLETED"')
	[ -z "$bad" ] || die "round 2: other tasks not COMPLETED: $bad"
	[ "$(state "$m2")" = FAILED ] || die "round 2: the merge of an incomplete dataset is $(state "$m2"), not FAILED"
	grep -q "missing: shard \[$K\]" "$WORK/logs/r2-merge.out" || die "round 2: the merge does not name shard $K: $(cat "$WORK/logs/r2-merge.out")"
	[ ! -e "$WORK/r2/_manifest.json" ] || die "round 2: the failed merge wrote _manifest.json"
	log "round 2: task $K FAILED, $((SHARDS - 1)) COMPLETED; merge FAILED: $(sed -n 's/.*\(missing: shard \[[0-9 ]*\]\).*/\1/p' "$WORK/logs/r2-merge.out")"

	case $RETRY in
	requeue)
		scontrol requeue "${r2}_$K"
		# A requeued job is held for about two minutes (BeginTime); let it go now.
		scontrol update jobid="${r2}_$K" StartTime=now
		retried=${r2}_$K
		;;
	resubmit)
		retried=$(submit r2 "$WORK/r2" "$K")
		jobs+=("$retried")
		;;
	esac
	m3=$(merge r2b "$WORK/r2" "afterok:$retried")
	jobs+=("$m3")
	log "round 2: $RETRY of task $K ($retried), new merge job $m3 (afterok:$retried)"
	wait_jobs "$retried"
	if [ "$(state "$retried")" != COMPLETED ]; then
		# The merge can never start now (DependencyNeverSatisfied).
		scancel "$m3" 2>/dev/null || true
		die "round 2: the retried task $K is $(state "$retried"), its log ends: $(tail -n 1 "$WORK/logs/r2-$K.out")"
	fi
	wait_jobs "$m3"
	[ "$(state "$m3")" = COMPLETED ] || die "round 2: merge $(state "$m3"): $(tail -n 5 "$WORK/logs/r2b-merge.out")"
	[ "$(grep -c '^task ' "$WORK/logs/r2-$K.out")" = 2 ] || die "round 2: task $K did not run exactly twice"
	again=$(grep -c '^task ' "$WORK"/logs/r2-*.out | grep -v -e ":1\$" -e "/r2-$K.out:" -e "merge" || true)
	[ -z "$again" ] || die "round 2: other tasks ran more than once: $again"
	log "round 2: task $K COMPLETED on its second attempt, the others ran once; merge COMPLETED"
else
	[ "$(state "$m2")" = COMPLETED ] || die "round 2: merge $(state "$m2")"
fi
same "$WORK/r2"
log "round 2: merged dataset = single-machine run"
report_same "$WORK/r2"
if grep -q '"report_rows"' "$WORK/r2/_manifest.json"; then
	log "round 2: the merge's report, from the shards' kept rows = statecraft report's"
else # a resumed shard keeps no rows: the merge read the files
	log "round 2: the merge's report, read from the files (a shard resumed) = statecraft report's"
fi
log "ok: Slurm array of $SHARDS tasks, FAULT=$FAULT, RETRY=$RETRY"
