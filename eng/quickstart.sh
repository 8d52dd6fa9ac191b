#!/usr/bin/env bash
# The README's first command: installs the prerequisites, packs the SDK from this checkout and runs
# the quickstart sample (samples/quickstart/pkgbuild.proj) end to end, with a binlog beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

eng/install-prereqs.sh
eng/pack.sh
dotnet build samples/quickstart/pkgbuild.proj -nologo "-bl:samples/quickstart/obj/quickstart.binlog" "$@"
