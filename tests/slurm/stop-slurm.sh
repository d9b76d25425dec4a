#!/usr/bin/env bash
# Stop the one-node cluster of start-slurm.sh: slurmctld and slurmd
# (scontrol shutdown stops both), then munged, each by the pid in its pid
# file. Safe to run when nothing is up.
waitgone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
if [ -s /etc/slurm/slurm.conf ]; then scontrol shutdown >/dev/null 2>&1 || true; fi
for p in /run/slurmctld.pid /run/slurmd.pid /run/munge/munged.pid; do
	[ -s "$p" ] || continue
	pid=$(cat "$p")
	if kill -0 "$pid" 2>/dev/null; then
		# scontrol shutdown has already asked the slurm daemons to go.
		[ "$p" = /run/munge/munged.pid ] && kill "$pid" 2>/dev/null
		waitgone "$pid" || { kill "$pid" 2>/dev/null; waitgone "$pid" || kill -9 "$pid" 2>/dev/null; }
	fi
	rm -f "$p"
done
echo "slurm stopped"
