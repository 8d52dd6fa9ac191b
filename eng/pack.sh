#!/usr/bin/env bash
# Packs the SDK into sdk/feed/ (the folder feed NuGet.config lists) and drops any older copy of the
# same version from the NuGet cache: NuGet keeps the first copy of a version it sees, so without
# this a project would go on using yesterday's SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/.*"PkgBuild.Sdk": *"\([^"]*\)".*/\1/p' global.json)
dotnet pack sdk/PkgBuild.Sdk.csproj -c Release -nologo -v:q "-p:PackageVersion=$version"

packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
rm -rf "${packages%/}/pkgbuild.sdk/$version"
echo "pack: PkgBuild.Sdk $version in sdk/feed/"
