#!/usr/bin/env bash
# Usage: make-fork-repo.sh DEST
# Creates a bare git repository at DEST (removed first if it exists) whose branch `main` has a single
# commit with fork/qs-base/ at qs-base/, so the fork's package source is `<DEST URL>?path=qs-base`.
# Author, committer, dates and message are fixed and no user or system git config is read, so the
# commit hash is the same on every machine. The last line printed is the commit hash.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DEST" >&2
  exit 2
fi

here="$(cd "$(dirname "$0")" && pwd)"
src="$here/fork/qs-base"
dest="$1"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# No configuration from the user or the system.
export HOME="$work/home"
export XDG_CONFIG_HOME="$work/home/.config"
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_AUTHOR_NAME="PkgBuild Quickstart"
export GIT_AUTHOR_EMAIL="pkgbuild-quickstart@example.org"
export GIT_AUTHOR_DATE="2024-01-01T00:00:00+0000"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
mkdir -p "$HOME"

# The fork's files, without build output (compiled/ directories).
mkdir -p "$work/tree/qs-base"
(cd "$src" && find . -name compiled -prune -o -type f -print0 | LC_ALL=C sort -z) |
  while IFS= read -r -d '' f; do
    mkdir -p "$work/tree/qs-base/$(dirname "$f")"
    cp "$src/$f" "$work/tree/qs-base/$f"
    chmod 0644 "$work/tree/qs-base/$f"
  done

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
git -c init.defaultBranch=main init --quiet --bare "$dest"

g() {
  git --git-dir="$dest" --work-tree="$work/tree" \
    -c core.autocrlf=false -c core.filemode=true -c commit.gpgsign=false "$@"
}
GIT_INDEX_FILE="$work/index" g add --all .
GIT_INDEX_FILE="$work/index" g commit --quiet -m "qs-base: the change under test (quickstart fork)"

git --git-dir="$dest" rev-parse refs/heads/main
