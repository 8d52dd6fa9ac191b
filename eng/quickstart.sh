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

. eng/lib/git-daemon.sh
start_git_daemon "$repos" 19418 19518
port=$daemon_port

dotnet build "$sample/pkgbuild.proj" -nologo "-bl:$sample/obj/quickstart.binlog" "-p:QuickstartFork=git://127.0.0.1:$port/qs-base.git" "$@"
