#!/usr/bin/env bash
# Install Slurm and munge from the Debian packages when sbatch is missing
# (as root; a no-op on a machine that has them). The packages' postinst
# cannot start services without systemd (policy-rc.d), which is fine:
# start-slurm.sh starts the daemons itself.
set -euo pipefail
if command -v sbatch >/dev/null 2>&1 && [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-slurm: Slurm is not installed and this is not root; install slurmctld slurmd slurm-client munge" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
echo "installed slurm $(dpkg-query -W -f '${Version}' slurmctld)"
