#!/usr/bin/env bash
# Runs this sample end to end: the minimal Racket (built once, cached: about 15-25 minutes the first
# time on 2 cores), the SDK packed from this checkout, the distribution repository served by `git daemon`
# on 127.0.0.1 for the length of the build (stopped by its PID), then `dotnet build` with a binlog.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

eng/install-prereqs.sh
minimal=$(eng/minimal-racket.sh | tail -n 1)
eng/pack.sh

repos="$here/obj/repos"
mkdir -p "$repos"
. eng/lib/git-daemon.sh
start_git_daemon "$repos" 19520 19620
port=$daemon_port
url="git://127.0.0.1:$port/distribution.git"
"$here/make-distribution-repo.sh" "$minimal/pkgs" "$repos/distribution.git" "$url" "$here/obj/distribution-catalog" | sed 's/^/typed-racket-offline: commit /'

dotnet build "$here/pkgbuild.proj" -nologo "-bl:$here/obj/typed-racket-offline.binlog" \
  "-p:TypedRacketSampleInstaller=$minimal/installer.sh" \
  "-p:TypedRacketSampleDistribution=$here/obj/distribution-catalog" \
  "-p:TypedRacketSampleRepo=$url" "$@"
