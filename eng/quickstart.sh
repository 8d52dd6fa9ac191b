#!/usr/bin/env bash
# The README's first command: installs the prerequisites, packs the SDK from this checkout and runs
# the quickstart sample (samples/quickstart/pkgbuild.proj) end to end, with a binlog beside it. The
# change under test (samples/quickstart/fork) is put in a git repository served by `git daemon` on
# 127.0.0.1 for the length of the build, and stopped by its PID afterwards.
#
# `eng/quickstart.sh --slurm` builds each package as a Slurm job instead: it installs Slurm and munge if
# missing, starts a private two-node cluster (eng/slurm-cluster.sh) in samples/quickstart/obj/slurm/cluster
# for the length of the build, and prints how many of the build's jobs ran on each node. Every other
# argument goes to `dotnet build`.
set -euo pipefail
cd "$(dirname "$0")/.."

slurm=
args=()
for arg in "$@"; do
  case $arg in
    --slurm) slurm=1 ;;
    *) args+=("$arg") ;;
  esac
done

eng/install-prereqs.sh
eng/pack.sh

sample=samples/quickstart
repos="$PWD/$sample/obj/fork"
mkdir -p "$repos"
samples/quickstart/make-fork-repo.sh "$repos/qs-base.git" | tail -n 1 | sed 's/^/quickstart: fork commit /'

. eng/lib/git-daemon.sh
start_git_daemon "$repos" 19418 19518
port=$daemon_port

guest=()
cluster=
if [ -n "$slurm" ]; then
  eng/slurm-cluster.sh install
  cluster="$PWD/$sample/obj/slurm/cluster"
  mkdir -p "$cluster"
  stop_everything() {
    stop_git_daemon
    if [ -n "$cluster" ]; then
      eng/slurm-cluster.sh stop "$cluster" || true
      cluster=
    fi
  }
  # On Ctrl+C the build ends first (it cancels its jobs), then the trap stops the cluster.
  trap stop_everything EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # One CPU a node: the two packages at a time run one on each node, rather than both on n1.
  env=$(SLURM_CLUSTER_CPUS=1 eng/slurm-cluster.sh start "$cluster") # an assignment, so set -e sees a failure
  eval "$env"
  export SLURM_CONF
  guest=("-p:QuickstartGuest=Slurm" "-p:QuickstartSharedDir=$PWD/$sample/obj/slurm/shared")
fi

# The build ids (job names pkgbuild.<id>.<what>) in the cluster's completed jobs, one a line.
build_ids() {
  sacct -c -n -P -o JobName 2>/dev/null | sed -n 's/^pkgbuild\.\([0-9a-f]*\)\..*/\1/p' | sort -u
}
[ -n "$slurm" ] && before=$(build_ids)

status=0
dotnet build "$sample/pkgbuild.proj" -nologo "-bl:$sample/obj/quickstart.binlog" "-p:QuickstartFork=git://127.0.0.1:$port/qs-base.git" \
  ${guest[@]+"${guest[@]}"} ${args[@]+"${args[@]}"} || status=$?

if [ -n "$slurm" ]; then
  # This build's jobs are those of build ids the cluster had not seen before it; a job named after one
  # of the sample's packages is one package session, the others are the guest's own checks.
  new=$(comm -13 <(printf '%s\n' "$before") <(build_ids) | sed '/^$/d')
  packages=$(ls "$sample/catalog/pkg")
  echo "quickstart: Slurm jobs of this build, per node (sacct -c; the cluster's log is $cluster/log):"
  if [ -z "$new" ]; then
    [ "$status" -eq 0 ] && echo "quickstart:   none (no package had to be built again)" || echo "quickstart:   none"
  else
    # A session's job ends COMPLETED when the SDK lets it go, whatever the package did; any other state
    # means Slurm or someone else ended it.
    sacct -c -n -P -o JobName,NodeList,State | awk -F'|' -v ids="$new" -v packages="$packages" '
      BEGIN {
        n = split(ids, list, "\n"); for (i = 1; i <= n; i++) wanted[list[i]] = 1
        n = split(packages, list, "\n"); for (i = 1; i <= n; i++) package[list[i]] = 1
      }
      { split($1, name, ".") }
      name[1] == "pkgbuild" && name[2] in wanted && !(name[3] in package) { checks++ }
      name[1] == "pkgbuild" && name[2] in wanted && name[3] in package { jobs[$2]++; states[$2, $3]++; total++ }
      END {
        for (key in states) { split(key, k, SUBSEP); how[k[1]] = how[k[1]] (how[k[1]] == "" ? "" : ", ") states[key] " " k[2] }
        for (node in jobs) printf "quickstart:   %s: %d job(s) (%s)\n", node, jobs[node], how[node] | "sort"
        close("sort")
        if (total == 0) printf "quickstart:   no package job (no package had to be built again)"
        else printf "quickstart:   %d package job(s) in all, on %d node(s)", total, length(jobs)
        printf "; and %d job(s) of the guest'"'"'s own checks\n", checks
      }'
  fi
fi
exit "$status"
