#!/usr/bin/env bash
# ab.sh compares two statecraft binaries on one config: it runs them in
# turn with 1 and then 2 workers, alternating which goes first (ABBA), so
# both see the same machine, and prints each one's median wall time and
# its 2-worker speedup. On a shared host the speed of a core drifts over
# minutes; a comparison of two builds run one after the other measures
# the drift as much as the change.
#
#   tests/bench/ab.sh 16 configs/bench/amm.toml /tmp/statecraft-before bin/statecraft
#
# It also prints the median CPU time (user + system, /usr/bin/time), which
# other tenants' load disturbs less than the wall time.
#
# Extra arguments are passed to both (e.g. --set runs=40). A binary can be
# a script that sets the environment: printf '#!/bin/sh\nGOGC=50 exec bin/statecraft "$@"\n'
set -euo pipefail
if [ $# -lt 4 ]; then
	echo "usage: $0 REPS CONFIG BINARY_A BINARY_B [statecraft run flags...]" >&2
	exit 2
fi
reps=$1 cfg=$2 a=$3 b=$4
shift 4
if [ "$a" = "$b" ]; then
	echo "$0: compare two different binaries (copy one to compare a build with itself)" >&2
	exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A times cpus
for i in $(seq "$reps"); do
	for w in 1 2; do
		if [ $((i % 2)) = 0 ]; then order="$a $b"; else order="$b $a"; fi
		for bin in $order; do
			rm -rf "$out/ds"
			sync
			s=$(date +%s%N)
			/usr/bin/time -o "$out/cpu" -f '%U %S' "$bin" run "$cfg" "$@" --workers "$w" --quiet --overwrite --out "$out/ds"
			e=$(date +%s%N)
			times[$bin.$w]+="$(((e - s) / 1000)) "
			cpus[$bin.$w]+="$(awk '{printf "%d", ($1 + $2) * 1e6}' "$out/cpu") "
		done
	done
done
median() { printf '%s\n' $1 | sort -n | awk '{v[NR] = $1} END {printf "%.3f", v[int((NR + 1) / 2)] / 1e6}'; }
for bin in "$a" "$b"; do
	m1=$(median "${times[$bin.1]}")
	m2=$(median "${times[$bin.2]}")
	c1=$(median "${cpus[$bin.1]}")
	c2=$(median "${cpus[$bin.2]}")
	echo "$bin: 1 worker ${m1} s, 2 workers ${m2} s, speedup $(awk -v x="$m1" -v y="$m2" 'BEGIN {printf "%.2f", x / y}')x; cpu (user+sys) ${c1} / ${c2} s (median of $reps)"
done
