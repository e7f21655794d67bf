#!/bin/sh
# A one-node Slurm cluster on this machine, in a directory of its own: for the cluster test.
#
# Usage: localslurm.sh start DIR [JOBS]  munged, slurmctld and slurmd with a generated
#                                  slurm.conf in DIR; waits until the node takes jobs; prints
#                                  the SLURM_CONF line for the clients. JOBS (default 1): how
#                                  many jobs the node runs at once, --exclusive or not, so
#                                  that one machine stands in for JOBS nodes (the acceptance
#                                  run's tasks run side by side, as on a real cluster)
#        localslurm.sh stop DIR    stops the three daemons (by their PID files in DIR)
#
# Nothing outside DIR is touched, except on a machine with no /etc/passwd, /etc/group or
# /etc/hosts (the nested test VM), where minimal ones are written, a host name is set
# where there is none (Slurm looks all three up), and the plain daemon names are linked
# where only Debian's *-wlm files are (below). Ports are picked free, so a real Slurm on
# the same machine is not disturbed. Exit status: 0, 1 when a daemon would not start (its
# log's last lines are printed), 2 for bad usage, 3 when the Slurm or MUNGE programs are
# missing (the message names them).
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH

usage() { echo "usage: $0 start DIR [JOBS] | stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = start ]; } || usage
cmd=$1
D=$2
jobs=${3:-1}
case $D in /*) ;; *) echo "$0: DIR must be an absolute path" >&2; exit 2 ;; esac
case $jobs in '' | *[!0-9]* | 0) echo "$0: JOBS must be a number from 1" >&2; exit 2 ;; esac

stop() {
	for d in slurmd slurmctld munged; do
		[ -f "$D/$d.pid" ] || continue
		pid=$(cat "$D/$d.pid")
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
		# a daemon gets 10 s to go; then it is killed, so the next test starts clean
		i=0
		while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
		rm -f "$D/$d.pid"
	done
	return 0
}

case $cmd in
stop) stop; exit 0 ;;
start) ;;
*) usage ;;
esac

# Debian names the daemons *-wlm and links the plain names through /etc/alternatives; a
# copy of the packages' own files (the nested VM's) has only the -wlm ones. slurmd runs
# slurmstepd by its plain name, so the links are made where they are missing.
for p in slurmctld slurmd slurmstepd; do
	[ -e "/usr/sbin/$p" ] || [ ! -x "/usr/sbin/$p-wlm" ] || ln -s "$p-wlm" "/usr/sbin/$p"
done
missing=""
for p in munged slurmctld slurmd slurmstepd sbatch squeue sacct scancel sinfo; do
	command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] || { echo "missing:$missing (Debian: slurmctld slurmd slurm-client munge)"; exit 3; }
[ "$(id -u)" -eq 0 ] || { echo "slurmd must run as root to start jobs as their user; this is uid $(id -u)"; exit 3; }

mkdir -p "$D/state" "$D/spool" || exit 1
chmod 0700 "$D"

# The nested VM's initramfs has no user database, hosts file or host name.
[ -e /etc/passwd ] || echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
[ -e /etc/group ] || echo "root:x:0:" >/etc/group
host=$(hostname -s 2>/dev/null || hostname)
case $host in '' | '(none)' | localhost*) host=tvmm-node; hostname "$host" || exit 1 ;; esac
[ -e /etc/hosts ] || echo "127.0.0.1 localhost $host" >/etc/hosts

# Two free TCP ports (not listening in /proc/net/tcp), near a PID-derived start.
listening() { awk -v p="$(printf '%04X' "$1")" 'NR > 1 && $4 == "0A" && $2 ~ ":" p "$"' /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q .; }
port=$((20000 + ($$ % 20000)))
while listening $port || listening $((port + 1)); do port=$((port + 2)); done

# munged: its own key, socket, PID, log and seed files in DIR
dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 2>/dev/null || exit 1
chmod 0400 "$D/munge.key"
munged --force --key-file="$D/munge.key" --socket="$D/munge.sock" --pid-file="$D/munged.pid" \
	--log-file="$D/munged.log" --seed-file="$D/munged.seed" || { tail -5 "$D/munged.log"; exit 1; }

cpus=$(grep -c '^processor' /proc/cpuinfo)
# select/linear gives a job the whole node; OverSubscribe=FORCE:N lets N jobs share it and
# is the one setting a job's --exclusive cannot override
share=""
[ "$jobs" -eq 1 ] || share=" OverSubscribe=FORCE:$jobs"
mem=$(awk '/^MemTotal:/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cat >"$D/slurm.conf" <<EOC
# localslurm.sh: one node, this machine; everything in $D
ClusterName=tinyvmm-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge.sock
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/jobcomp.txt
SchedulerType=sched/builtin
SelectType=select/linear
ReturnToService=2
KillWait=10
SlurmdTimeout=30
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP$share
EOC
# slurmd loads a cgroup plugin even when no other plugin uses cgroups, and the default
# (autodetect) fails where nothing is mounted on /sys/fs/cgroup (the nested VM) and on a
# cgroup v2 host asks systemd over D-Bus for a scope for slurmstepd. The v1 plugin touches no cgroup until a
# plugin asks it to, and none here does (proctrack/linuxproc, task/none).
echo "CgroupPlugin=cgroup/v1" >"$D/cgroup.conf"
SLURM_CONF=$D/slurm.conf
export SLURM_CONF

slurmctld -i || { tail -5 "$D/slurmctld.log"; stop; exit 1; }
slurmd || { tail -5 "$D/slurmd.log"; stop; exit 1; }

# The node is ready when sinfo says idle: 30 s at most, counted by the clock, since a sinfo
# that cannot reach slurmctld waits out its own message timeout (10 s) each time; a daemon
# that died meanwhile ends the wait at once, with its log.
dead() {
	for d in slurmctld slurmd; do
		# a daemon writes its PID file after it forked: none yet is no news
		[ -s "$D/$d.pid" ] || continue
		kill -0 "$(cat "$D/$d.pid")" 2>/dev/null && continue
		echo "$d exited while the node came up; its log ends:"
		tail -8 "$D/$d.log"
		return 0
	done
	return 1
}
end=$(($(date +%s) + 30))
until timeout 5 sinfo -h -n "$host" -o %t 2>/dev/null | grep -q '^idle'; do
	if dead || [ "$(date +%s)" -ge $end ]; then
		echo "the node never became idle: $(timeout 5 sinfo -h -o '%n %t %E' 2>&1)"
		tail -5 "$D/slurmctld.log" "$D/slurmd.log"
		stop
		exit 1
	fi
	sleep 0.5
done
echo "SLURM_CONF=$SLURM_CONF"
