#!/usr/bin/env bash
# A private Slurm cluster on this one machine, for tests and the quickstart: one munged, one slurmctld
# and two or more slurmd "nodes" (n1, n2, ...), all on 127.0.0.1, each slurmd on its own port. Its
# configuration, munge key, sockets, state, spool, logs and PID files all live under one directory;
# the machine's /etc/slurm and /etc/munge are neither read nor changed. See docs/slurm-cluster.md.
#
#   eng/slurm-cluster.sh install                apt-installs slurm-wlm and munge if missing
#   eng/slurm-cluster.sh start DIR              starts a cluster in DIR; prints `export SLURM_CONF=...`
#   eng/slurm-cluster.sh stop DIR               cancels its jobs, stops its daemons by PID, waits
#   eng/slurm-cluster.sh status DIR             says which daemons run; exits 0 only when all do
#   eng/slurm-cluster.sh kill-node DIR NODE     SIGKILLs NODE's slurmd, its step daemons, their tasks
#   eng/slurm-cluster.sh restart-node DIR NODE  kills NODE if it runs, declares it down, starts it
#
# Environment: SLURM_CLUSTER_NODES (node count, 2), SLURM_CLUSTER_TIMEOUT (seconds to wait for the
# cluster, 60), SLURM_CLUSTER_SLURMD_TIMEOUT (SlurmdTimeout: seconds before a silent node is DOWN, 10),
# SLURM_CLUSTER_MESSAGE_TIMEOUT (MessageTimeout: seconds one message may take, 10), SLURM_CLUSTER_CPUS
# (CPUs each node declares, at most this machine's; all of them when unset).
set -euo pipefail

me=$(basename "$0")
nodes=${SLURM_CLUSTER_NODES:-2}
timeout=${SLURM_CLUSTER_TIMEOUT:-60}
slurmd_timeout=${SLURM_CLUSTER_SLURMD_TIMEOUT:-10}
message_timeout=${SLURM_CLUSTER_MESSAGE_TIMEOUT:-10}
cpus=${SLURM_CLUSTER_CPUS:-}

say() { echo "$me: $*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

# ---------------------------------------------------------------------------------------------- install

# Debian package that provides each command the cluster needs.
declare -A provides=(
  [slurmctld]=slurmctld [slurmd]=slurmd
  [srun]=slurm-client [sbatch]=slurm-client [sinfo]=slurm-client [squeue]=slurm-client
  [scancel]=slurm-client [scontrol]=slurm-client [sacct]=slurm-client
  [munged]=munge [munge]=munge [unmunge]=munge
  [flock]=util-linux [ss]=iproute2
)
services=(munge slurmctld slurmd)

# Debian's packages enable their services and start them where policy-rc.d allows it. This cluster
# starts its own daemons, so the system ones are disabled again and any started by the install stopped:
# nothing of theirs outlives the install or starts at the next boot.
disable_system_services() {
  local svc pidfile pid
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now "${services[@]/%/.service}" >/dev/null 2>&1 || true
  else
    for svc in "${services[@]}"; do
      if command -v deb-systemd-helper >/dev/null 2>&1; then
        as_root deb-systemd-helper disable "$svc.service" >/dev/null 2>&1 || true
      fi
      if command -v update-rc.d >/dev/null 2>&1; then
        as_root update-rc.d "$svc" disable >/dev/null 2>&1 || true
      fi
    done
    # Without systemd, a started daemon is found by the PID file its init script names.
    for pidfile in /run/munge/munged.pid /run/slurmctld.pid /run/slurmd.pid; do
      pid=$(cat "$pidfile" 2>/dev/null) || continue
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        say "stopping the $(cat "/proc/$pid/comm" 2>/dev/null) that the install started (PID $pid)"
        as_root kill "$pid" 2>/dev/null || true
      fi
    done
  fi
}

cmd_install() {
  local missing=() cmd
  for cmd in "${!provides[@]}"; do
    have "$cmd" || missing+=("${provides[$cmd]}")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "everything is already installed."
    return 0
  fi
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
  disable_system_services
}

# ---------------------------------------------------------------------------------------------- cluster

# Sets dir (absolute) and the paths of the cluster in it. The directory need not exist yet.
layout() {
  [ -n "${1:-}" ] || die "no cluster directory given"
  mkdir -p "$1"
  dir=$(cd "$1" && pwd -P)
  conf=$dir/etc/slurm.conf
  mungedir=$dir/munge
  socket=$mungedir/munge.socket
  export SLURM_CONF=$conf
}

node_names() { seq -f 'n%g' 1 "$nodes"; }

# The nodes named in the cluster's configuration (a cluster may have been started with another count).
conf_nodes() {
  sed -n 's/^NodeName=\([^ ]*\) .*/\1/p' "$conf" 2>/dev/null
}

# pid_of NAME: the PID in DIR/run/NAME.pid when that process still runs and is this cluster's (its
# command line names this cluster's configuration or socket, so a reused PID is never taken for it).
pid_of() {
  local pid cmdline
  pid=$(cat "$dir/run/$1.pid" 2>/dev/null) || return 0
  [ -n "$pid" ] || return 0
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 0
  case " $cmdline " in *" $conf "* | *"=$socket "*) echo "$pid" ;; esac
}

# wait_gone SECONDS PID...: waits for the processes to exit; SIGKILLs what is left after SECONDS.
wait_gone() {
  local secs=$1 pid left i
  shift
  for ((i = 0; i < secs * 10; i++)); do
    left=
    for pid in "$@"; do
      kill -0 "$pid" 2>/dev/null && left=1
    done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null; then
      say "PID $pid did not exit in ${secs}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# The processes a node left behind: its slurmstepd daemons (slurmd passes them no environment to mark
# them by, but each holds the node's log open and listens on a socket in the node's spool directory),
# and every process below them (the job's tasks).
node_processes() {
  local pid fd roots=() all=() kids marks
  marks=" $dir/log/slurmd-$1.log $(awk -v d="$dir/spool/$1/" \
    'index($8, d) == 1 { printf "socket:[%s] ", $7 }' /proc/net/unix) "
  for pid in $(pgrep -x slurmstepd || true); do
    for fd in "/proc/$pid/fd/"*; do
      fd=$(readlink "$fd" 2>/dev/null) || continue
      case $marks in *" ${fd:-none} "*) roots+=("$pid"); break ;; esac
    done
  done
  [ ${#roots[@]} -eq 0 ] && return 0
  all=("${roots[@]}")
  while [ ${#roots[@]} -gt 0 ]; do
    kids=$(ps -eo pid=,ppid= | awk -v p=" ${roots[*]} " 'index(p, " " $2 " ") { print $1 }')
    roots=()
    for pid in $kids; do
      roots+=("$pid")
      all+=("$pid")
    done
  done
  printf '%s\n' "${all[@]}"
}

# log_tails: the end of every log of the cluster, for an error message.
log_tails() {
  local f
  for f in "$dir"/log/*.log "$dir"/log/*.out "$mungedir/munged.log"; do
    [ -s "$f" ] || continue
    echo "----- ${f#"$dir/"} (last 15 lines)" >&2
    tail -n 15 "$f" >&2
  done
}

# free_ports COUNT: COUNT TCP ports that nothing on this machine uses, below the ephemeral range (so an
# outgoing connection cannot take one between now and the daemon's bind). Called under the port lock.
free_ports() {
  local count=$1 low high used port found=0 tries=0
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  high=$((low - 1))
  [ "$high" -gt 12000 ] || high=30000
  used=" $(ss -Htan | awk '{ n = split($4, a, ":"); print a[n] }' | sort -un | tr '\n' ' ') "
  port=$((10000 + RANDOM % (high - 10000 - 100)))
  while [ "$found" -lt "$count" ]; do
    port=$((port + 1))
    [ "$port" -lt "$high" ] || port=10000
    tries=$((tries + 1))
    [ "$tries" -lt 20000 ] || die "found no free TCP ports below $high"
    case $used in *" $port "*) continue ;; esac
    echo "$port"
    found=$((found + 1))
  done
}

write_conf() {
  local ctld_port=$1 node port hw
  shift
  # This machine's CPUs as slurmd sees them (CPUs=, Boards=, SocketsPerBoard=, ...), given to every
  # node: the nodes share the CPUs, and a job takes one of them unless it asks for more. RealMemory
  # too, so that a job's --mem is checked against the machine's memory rather than Slurm's 1 MB default.
  hw=$(slurmd -C | head -n 1 | tr ' ' '\n' |
    grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | paste -sd' ')
  # Fewer CPUs than the machine has (one core each) make one-CPU jobs spread over the nodes: with
  # all of them, the scheduler fills n1 before it uses n2.
  if [ -n "$cpus" ]; then
    [[ $cpus =~ ^[1-9][0-9]*$ ]] || die "SLURM_CLUSTER_CPUS must be a positive number, not '$cpus'"
    hw="CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 $(tr ' ' '\n' <<<"$hw" | grep '^RealMemory=')"
  fi
  cat >"$conf" <<EOF
# Written by eng/slurm-cluster.sh for the cluster in $dir; rewritten at every start.
ClusterName=pkgbuild
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmUser=root
SlurmdUser=root
PlugStackConfig=$dir/etc/plugstack.conf
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge

StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
TmpFS=$dir/tmp

# No cgroups: processes are tracked through their parents, tasks are not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1
MailProg=/bin/true

# No slurmdbd, so plain \`sacct\` says "Slurm accounting storage is disabled"; finished jobs are
# written, one line each, to the job completion file, which \`sacct -c\` (--completion) reads.
# Finished jobs also stay in \`scontrol show job\` for an hour.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
MinJobAge=3600

# Short timeouts, so that a killed node is DOWN (and its jobs NODE_FAIL) within seconds, and a
# restarted one takes jobs again at once. A failed batch job stays failed rather than requeued.
SlurmdTimeout=$slurmd_timeout
MessageTimeout=$message_timeout
KillWait=5
InactiveLimit=0
ReturnToService=2
JobRequeue=0

EOF
  for node in $(node_names); do
    port=$1
    shift
    echo "NodeName=$node NodeHostname=localhost NodeAddr=127.0.0.1 Port=$port $hw State=UNKNOWN" >>"$conf"
  done
  echo "PartitionName=pkgbuild Nodes=$(node_names | paste -sd,) Default=YES State=UP MaxTime=INFINITE" >>"$conf"
}

# launch NAME COMMAND...: runs a daemon that forks itself into the background (and writes its PID file
# in DIR/run), its early output in DIR/log/NAME.out. It gets neither our output (a caller reading ours
# through a pipe would wait for the daemon) nor the port lock (it would hold it as long as it runs).
lockfd=
launch() {
  local name=$1
  shift
  if ! (
    if [ -n "$lockfd" ]; then exec {lockfd}>&-; fi
    exec "$@" </dev/null >>"$dir/log/$name.out" 2>&1
  ); then
    log_tails
    die "$name did not start"
  fi
}

start_munged() {
  install -d -m 0755 "$mungedir"
  if [ ! -s "$mungedir/munge.key" ]; then
    (umask 077 && dd if=/dev/urandom of="$mungedir/munge.key" bs=1024 count=1 status=none)
  fi
  chmod 0400 "$mungedir/munge.key"
  rm -f "$socket" "$socket.lock"
  launch munged munged --socket="$socket" --key-file="$mungedir/munge.key" --pid-file="$dir/run/munged.pid" \
    --log-file="$mungedir/munged.log" --seed-file="$mungedir/munged.seed"
  local i
  for ((i = 0; i < timeout * 10; i++)); do
    munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log_tails
  die "munged did not answer on $socket within ${timeout}s"
}

start_slurmd() {
  local node=$1
  install -d -m 0755 "$dir/spool/$node"
  launch "slurmd-$node" slurmd -f "$conf" -N "$node"
}

# listening PORT...: true when something listens on every one of the ports.
listening() {
  local listen port
  listen=" $(ss -Htln | awk '{ n = split($4, a, ":"); print a[n] }' | tr '\n' ' ') "
  for port in "$@"; do
    case $listen in *" $port "*) ;; *) return 1 ;; esac
  done
}

# wait_idle NODE...: waits until sinfo shows every node idle and a job runs on each.
wait_idle() {
  local node i state
  for ((i = 0; i < timeout * 2; i++)); do
    state=$(sinfo -h -N -o '%N %t' 2>/dev/null | sort -u)
    local ok=1
    for node in "$@"; do
      grep -qx "$node idle" <<<"$state" || ok=
    done
    [ -n "$ok" ] && break
    sleep 0.5
  done
  if [ -z "$ok" ]; then
    log_tails
    die "the nodes were not idle within ${timeout}s; sinfo says: $(tr '\n' ';' <<<"$state")"
  fi
  for node in "$@"; do
    if ! out=$(timeout "$timeout" srun -w "$node" -t 1 hostname 2>&1); then
      log_tails
      die "a test job on $node failed: $out"
    fi
  done
}

cmd_start() {
  layout "$1"
  local running
  running=$(running_daemons)
  [ -z "$running" ] || die "a cluster already runs in $dir ($running); stop it first"
  have slurmctld || die "Slurm is not installed; run: $me install"
  # slurmd starts every job's tasks as the user who submitted it, which only root can.
  [ "$(id -u)" -eq 0 ] || die "start needs root: slurmd runs as root (SlurmUser=root)"

  # A start that fails stops what it started.
  trap 'if [ $? -ne 0 ]; then say "start failed; stopping what it started"; cmd_stop "$dir"; fi' EXIT

  # Fresh state every time; the munge key is kept.
  rm -rf "$dir/state" "$dir/spool" "$dir/run" "$dir/tmp"
  install -d -m 0755 "$dir/etc" "$dir/state" "$dir/spool" "$dir/run" "$dir/log" "$dir/tmp"

  # Ports are chosen and bound under one machine-wide lock, so clusters started side by side
  # never pick the same ones.
  local lock=${TMPDIR:-/tmp}/slurm-cluster.ports.lock ports node i
  exec {lockfd}>>"$lock"
  flock -w "$timeout" "$lockfd" || die "could not take $lock within ${timeout}s"
  mapfile -t ports < <(free_ports $((nodes + 1)))
  write_conf "${ports[@]}"
  : >"$dir/etc/plugstack.conf"
  printf '%s\n' "${ports[@]}" >"$dir/run/ports"

  start_munged
  launch slurmctld slurmctld -f "$conf"
  for node in $(node_names); do
    start_slurmd "$node"
  done
  for ((i = 0; i < timeout * 10; i++)); do
    listening "${ports[@]}" && break
    sleep 0.1
  done
  exec {lockfd}>&-
  lockfd=
  if ! listening "${ports[@]}"; then
    log_tails
    die "the daemons did not listen on ports ${ports[*]} within ${timeout}s"
  fi

  # shellcheck disable=SC2046
  wait_idle $(node_names)
  trap - EXIT
  printf 'export SLURM_CONF=%q\n' "$conf" >"$dir/env"
  say "cluster up in $dir: slurmctld on 127.0.0.1:${ports[0]}, nodes $(node_names | paste -sd' ')"
  cat "$dir/env"
}

# running_daemons: "NAME=PID ..." for this cluster's daemons that run.
running_daemons() {
  local name pid out=()
  for name in munged slurmctld $(conf_nodes | sed 's/^/slurmd-/'); do
    pid=$(pid_of "$name")
    [ -z "$pid" ] || out+=("$name=$pid")
  done
  echo "${out[*]}"
}

cmd_stop() {
  layout "$1"
  local pid pids=() name node jobs deadline
  if [ -n "$(pid_of slurmctld)" ]; then
    jobs=$(timeout 20 squeue -h -o %A 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      say "cancelling jobs $(paste -sd' ' <<<"$jobs")"
      # shellcheck disable=SC2086
      timeout 20 scancel $jobs 2>/dev/null || true
      # A job on a dead node stays until the node is declared down; it is not waited for long.
      deadline=$((SECONDS + 10))
      while [ "$SECONDS" -lt "$deadline" ] && [ -n "$(timeout 10 squeue -h -o %A 2>/dev/null)" ]; do
        sleep 0.2
      done
    fi
  fi
  # The nodes and the controller together, then what the nodes left behind, then munged (which
  # the others need until they are gone).
  for name in slurmctld $(conf_nodes | sed 's/^/slurmd-/'); do
    pid=$(pid_of "$name")
    [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); }
  done
  [ ${#pids[@]} -eq 0 ] || wait_gone 20 "${pids[@]}"
  pids=()
  for node in $(conf_nodes); do
    for pid in $(node_processes "$node"); do
      kill -KILL "$pid" 2>/dev/null && pids+=("$pid")
    done
  done
  [ ${#pids[@]} -eq 0 ] || wait_gone 5 "${pids[@]}"
  pid=$(pid_of munged)
  [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait_gone 20 "$pid"; }
  rm -f "$dir"/run/*.pid "$dir/env" "$socket" "$socket.lock"
  say "stopped the cluster in $dir"
}

cmd_status() {
  layout "$1"
  local name pid rc=0
  for name in munged slurmctld $(conf_nodes | sed 's/^/slurmd-/'); do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then
      echo "$name: running (PID $pid)"
    else
      echo "$name: not running"
      rc=1
    fi
  done
  if [ -n "$(pid_of slurmctld)" ]; then
    timeout 10 sinfo -N -o '%N %t %E' 2>&1 || true
  fi
  return "$rc"
}

known_node() {
  conf_nodes | grep -qx "$1" || die "no node $1 in $conf (nodes: $(conf_nodes | paste -sd' '))"
}

cmd_kill_node() {
  layout "$1"
  known_node "${2:-}"
  local node=$2 pid victims
  pid=$(pid_of "slurmd-$node")
  victims=$(node_processes "$node")
  [ -n "$pid$victims" ] || die "node $node is not running"
  # slurmd first, so that it cannot notice its steps dying and tell the controller.
  # shellcheck disable=SC2086
  kill -KILL $pid $victims 2>/dev/null || true
  # shellcheck disable=SC2086
  wait_gone 10 $pid $victims
  rm -f "$dir/run/slurmd-$node.pid"
  say "killed node $node (slurmd ${pid:-none}; steps and tasks: $(paste -sd' ' <<<"${victims:-none}"))"
}

cmd_restart_node() {
  layout "$1"
  known_node "${2:-}"
  local node=$2 i state
  if [ -n "$(pid_of "slurmd-$node")$(node_processes "$node")" ]; then
    cmd_kill_node "$1" "$node"
  fi
  [ -n "$(pid_of slurmctld)" ] || die "the controller of $dir does not run"
  # A restarted slurmd reports the machine's boot time, not its own, so the controller would take the
  # jobs it had there for still running (and their sruns would wait forever) unless it has already
  # declared the node down. Declaring it down now, as a reboot would, ends those jobs NODE_FAIL.
  state=$(sinfo -h -n "$node" -o '%t' 2>/dev/null | head -n 1)
  case $state in
    down*) ;;
    *) scontrol update NodeName="$node" State=DOWN Reason="restart-node by $me" ;;
  esac
  start_slurmd "$node"
  for ((i = 0; i < timeout * 2; i++)); do
    state=$(sinfo -h -n "$node" -o '%t' 2>/dev/null | head -n 1)
    [ "$state" = idle ] && break
    [ "$state" = mix ] && break
    [ "$state" = alloc ] && break
    sleep 0.5
  done
  case $state in
    idle | mix | alloc) say "node $node is back ($state)" ;;
    *) log_tails; die "node $node did not come back within ${timeout}s; sinfo says: ${state:-nothing}" ;;
  esac
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  kill-node) cmd_kill_node "${2:-}" "${3:-}" ;;
  restart-node) cmd_restart_node "${2:-}" "${3:-}" ;;
  *)
    sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2
    exit 2
    ;;
esac
