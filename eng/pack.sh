#!/usr/bin/env bash
# Packs the SDK into sdk/feed/ (the folder feed NuGet.config lists) and drops an older copy of the
# same version from the NuGet cache: NuGet keeps the first copy of a version it sees, so without
# this a project would go on using yesterday's SDK. A copy with the same files is kept: replacing it
# would give the task assembly a new time, and every pkgbuild.proj would redo its steps for nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/.*"PkgBuild.Sdk": *"\([^"]*\)".*/\1/p' global.json)
dotnet pack sdk/PkgBuild.Sdk.csproj -c Release -nologo -v:q "-p:PackageVersion=$version"

packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
cache="${packages%/}/pkgbuild.sdk/$version"
nupkg="sdk/feed/PkgBuild.Sdk.$version.nupkg"

# Whether the cache holds exactly the package's SDK files and tasks, byte for byte.
same_as_cache() {
  [ -d "$cache" ] || return 1
  local file count=0
  while IFS= read -r file; do
    case "$file" in Sdk/*|tools/*) ;; *) continue ;; esac
    count=$((count + 1))
    unzip -p "$nupkg" "$file" | cmp -s - "$cache/$file" || return 1
  done < <(unzip -Z1 "$nupkg")
  [ "$count" -eq "$(find "$cache/Sdk" "$cache/tools" -type f | wc -l)" ]
}

if same_as_cache; then
  echo "pack: PkgBuild.Sdk $version in sdk/feed/ (the NuGet cache already has these files)"
else
  rm -rf "$cache"
  echo "pack: PkgBuild.Sdk $version in sdk/feed/"
fi
