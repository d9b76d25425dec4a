#!/usr/bin/env bash
# samedata.sh checks that two statecraft binaries write the same dataset
# for one config: it runs each with one worker (so that jobs go to part
# files in the same order) and compares every file byte for byte, the
# manifest's creation time and elapsed seconds aside.
#
#   tests/bench/samedata.sh prsm /tmp/statecraft-before bin/statecraft --set params.n_agents=1500 --set runs=1
#
# Extra arguments are passed to both.
set -euo pipefail
if [ $# -lt 3 ]; then
	echo "usage: $0 CONFIG BINARY_A BINARY_B [statecraft run flags...]" >&2
	exit 2
fi
cfg=$1 a=$2 b=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for side in a b; do
	bin=${!side}
	"$bin" run "$cfg" --workers 1 --quiet --overwrite --set report.html=false --out "$out/$side" "$@" >/dev/null
	grep -v -E '^  "(created|elapsed_seconds)":' "$out/$side/_manifest.json" >"$out/$side.manifest"
	rm "$out/$side/_manifest.json"
done
if diff -r "$out/a" "$out/b" && diff "$out/a.manifest" "$out/b.manifest"; then
	echo "same dataset: $(find "$out/a" -type f | wc -l) files, $(du -sh "$out/a" | cut -f1)"
else
	echo "datasets differ" >&2
	exit 1
fi
