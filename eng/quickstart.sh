#!/usr/bin/env bash
# The README's first command: installs the prerequisites, packs the SDK from this checkout and runs
# the quickstart sample (samples/quickstart/pkgbuild.proj) end to end, with a binlog beside it. The
# change under test (samples/quickstart/fork) is put in a git repository served by `git daemon` on
# 127.0.0.1 for the length of the build, and stopped by its PID afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

eng/install-prereqs.sh
eng/pack.sh

sample=samples/quickstart
repos="$PWD/$sample/obj/fork"
mkdir -p "$repos"
samples/quickstart/make-fork-repo.sh "$repos/qs-base.git" | tail -n 1 | sed 's/^/quickstart: fork commit /'

# A free port: git daemon exits at once when its port is taken, so try a few.
daemon_pid=
for port in $(seq 19418 19518); do
  git daemon --reuseaddr --export-all --base-path="$repos" --listen=127.0.0.1 --port="$port" "$repos" &
  daemon_pid=$!
  sleep 0.3
  if kill -0 "$daemon_pid" 2>/dev/null; then break; fi
  daemon_pid=
done
if [ -z "$daemon_pid" ]; then
  echo "quickstart: could not start git daemon on 127.0.0.1 (ports 19418-19518 taken?)" >&2
  exit 1
fi
trap 'kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true' EXIT

dotnet build "$sample/pkgbuild.proj" -nologo "-bl:$sample/obj/quickstart.binlog" "-p:QuickstartFork=git://127.0.0.1:$port/qs-base.git" "$@"
