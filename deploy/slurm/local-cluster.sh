#!/bin/sh
# A one-node Slurm cluster on this machine, for trying the job array without a real cluster:
#   deploy/slurm/local-cluster.sh start DIR   writes DIR/slurm.conf, starts munged (if none runs),
#                                             slurmctld and slurmd, and waits until the node is idle
#   deploy/slurm/local-cluster.sh stop DIR    stops the daemons it started
# Needs root and Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge). Every file
# (configuration, state, logs, pids) stays in DIR; nothing under /etc/slurm is touched. Point the
# client commands at it with: export SLURM_CONF=DIR/slurm.conf
set -eu
action=${1:?usage: local-cluster.sh start|stop DIR}
dir=$(mkdir -p "${2:?usage: local-cluster.sh start|stop DIR}" && cd "$2" && pwd)
export SLURM_CONF="$dir/slurm.conf"

case "$action" in
start)
    host=$(hostname -s)
    mkdir -p "$dir/state" "$dir/spool" "$dir/log"
    # The node's CPUs and memory as slurmd sees them, so the node registers without a mismatch.
    node=$(slurmd -C | head -1)
    cat > "$SLURM_CONF" <<CONF
ClusterName=testbed
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=10
MaxArraySize=1001
$node State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    if ! pgrep -x munged >/dev/null; then
        mkdir -p /run/munge && chown munge:munge /run/munge
        runuser -u munge -- /usr/sbin/munged
    fi
    /usr/sbin/slurmctld -f "$SLURM_CONF"
    /usr/sbin/slurmd -f "$SLURM_CONF"
    for _ in $(seq 1 60); do
        if sinfo -h -o %t 2>/dev/null | grep -qx idle; then
            echo "slurm: one-node cluster up on $host (SLURM_CONF=$SLURM_CONF)"
            exit 0
        fi
        sleep 1
    done
    echo "slurm: the node did not come up; see $dir/log" >&2
    exit 1
    ;;
stop)
    for pid in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    ;;
*)
    echo "usage: local-cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
