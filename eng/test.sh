#!/usr/bin/env bash
# The README's test command, and what CI runs (.ci/run): installs the prerequisites, builds the
# solution with warnings as errors, runs every test project, and ends with one line of totals.
set -euo pipefail
cd "$(dirname "$0")/.."

eng/install-prereqs.sh
# The real minimal Racket the tests install from: built once per machine (about 15-25 minutes on 2
# cores), then found in the cache.
eng/minimal-racket.sh >/dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build PkgBuild.Sdk.sln -nologo -c Debug -warnaserror

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test PkgBuild.Sdk.sln -nologo -c Debug --no-build 2>&1 | tee "$log" || status=$?

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S" line per test project.
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(/,/, "");
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i + 1);
         if ($i == "Passed:") p += $(i + 1);
         if ($i == "Skipped:") s += $(i + 1);
       }
       projects++
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s; if (projects == 0) exit 1 }' "$log" || status=1
exit "$status"
