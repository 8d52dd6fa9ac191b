#!/usr/bin/env bash
# Installs what building and testing PkgBuild.Sdk needs on Debian or Ubuntu, idempotently:
# installs only what is missing, so a second run changes nothing and needs no network.
set -euo pipefail

# Debian package that provides each command the tests and the quickstart run.
declare -A provides=(
  [racket]=racket          # the real racket and raco: round trips, catalogs, package installs
  [git]=git                # git sources, git daemon for catalog overrides
  [sshd]=openssh-server    # SSH guests are tested against a real sshd
  [ssh-keygen]=openssh-client
  [ip]=iproute2            # network namespaces for guests
  [curl]=curl              # HTTP checks against the site server
  [make]=make              # make installers in a racket/racket checkout (BuildInstallers)
  [unshare]=util-linux     # setpriv: Local guests run as nobody when the build runs as root
  [bwrap]=bubblewrap       # Local guests' sandbox: namespaces, read-only system, no network
  [podman]=podman          # Container guests are tested with the real podman
  [runc]=runc              # podman's runtime here: crun cannot set rlimits without CAP_SYS_RESOURCE
  [chromium]=chromium      # the regression report is tested in the real headless Chromium
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

missing=()
for cmd in "${!provides[@]}"; do
  have "$cmd" || missing+=("${provides[$cmd]}")
done
have dotnet || missing+=(dotnet-sdk-10.0)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-prereqs: everything is already installed."
  exit 0
fi

# Sorted and unique, so the log names each package once.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-prereqs: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
if ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  if printf '%s\n' "${missing[@]}" | grep -qx dotnet-sdk-10.0; then
    echo "install-prereqs: this distribution has no dotnet-sdk-10.0 package; install the .NET 10 SDK" \
         "(https://learn.microsoft.com/dotnet/core/install/linux) and run this script again." >&2
  fi
  exit 1
fi
