#!/usr/bin/env bash
# Bring up a one-node Slurm cluster on this machine without systemd (munged,
# slurmctld and slurmd started by hand, as root), after
#   apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
# (tests/slurm/install-slurm.sh does that when sbatch is missing).
#
# Idempotent: when slurmctld already answers and this node is idle it
# changes nothing and exits 0; daemons left over half-started are stopped
# first. It prints "started" or "already up" on its last line, so a caller
# knows whether the cluster is its own to stop (tests/slurm/stop-slurm.sh).
#
# SLURM_CPUS is the number of CPUs the node declares (default: the real
# count, nproc). Declaring more than the machine has lets more of the quick
# test tasks run at once; no cgroup limits are enforced either way.
set -euo pipefail
HOST=$(hostname -s)
here=$(cd "$(dirname "$0")" && pwd)

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
state() { sinfo -h -n "$HOST" -o %T 2>/dev/null | head -1 || true; }

if [ -s /etc/slurm/slurm.conf ] && alive /run/slurmctld.pid && alive /run/slurmd.pid && alive /run/munge/munged.pid; then
	st=$(state)
	case "$st" in idle | mixed | allocated)
		echo "slurm already up (node $HOST: $st)"
		echo "already up"
		exit 0
		;;
	esac
fi
if [ "$(id -u)" != 0 ]; then
	echo "start-slurm: no cluster is up and starting one needs root" >&2
	exit 1
fi
# Anything half-up (a daemon that died, a stale pid file): start clean.
"$here/stop-slurm.sh" >/dev/null 2>&1 || true

T0=$(date +%s%N)
CPUS=${SLURM_CPUS:-$(nproc)}
MEM=$(($(free -m | awk '/^Mem:/{print $2}') - 1024)) # leave 1 GiB
[ "$MEM" -gt 256 ] || MEM=256

# --- munge ------------------------------------------------------------
if [ ! -s /etc/munge/munge.key ]; then
	mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null ||
		dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 700 /etc/munge
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/log/munge /var/lib/munge
runuser -u munge -- /usr/sbin/munged # daemonises; pid in /run/munge/munged.pid
for _ in $(seq 50); do [ -S /run/munge/munge.socket.2 ] && break; sleep 0.1; done
munge -n | unmunge >/dev/null

# --- slurm.conf -------------------------------------------------------
install -d -m 755 /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
overrides=
[ "$CPUS" -le "$(nproc)" ] || overrides="SlurmdParameters=config_overrides"
cat >/etc/slurm/slurm.conf <<CONF
# Written by tests/slurm/start-slurm.sh: a one-node test cluster.
ClusterName=ci
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
MaxArraySize=10001
MinJobAge=600
KillWait=5
InactiveLimit=0
${overrides}
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM} State=UNKNOWN
PartitionName=debug Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF

# --- daemons ----------------------------------------------------------
/usr/sbin/slurmctld -c # -c: no saved state (fresh job ids); daemonises
/usr/sbin/slurmd       # daemonises
st=
for _ in $(seq 300); do
	st=$(state)
	[ "$st" = idle ] && break
	sleep 0.2
done
if [ "$st" != idle ]; then
	echo "start-slurm: node $HOST is '${st:-unreachable}', not idle; see /var/log/slurm/" >&2
	tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
	exit 1
fi
echo "slurm up in $(((($(date +%s%N) - T0) / 1000000)))ms (node $HOST: $CPUS CPUs, idle)"
echo "started"
