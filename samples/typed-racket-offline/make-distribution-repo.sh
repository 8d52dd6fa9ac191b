#!/usr/bin/env bash
# Usage: make-distribution-repo.sh PKGS-DIR DEST URL CATALOG-DIR
# Creates a bare git repository at DEST (removed first) holding Typed Racket and everything it and
# compiler-lib need, from PKGS-DIR (the real distribution sources eng/minimal-racket.sh keeps), one
# package per top-level directory:
#   main          the packages as Racket 8.7 ships them;
#   assert-raises main plus the change under test: Typed Racket's `assert` always raises (and says so
#                 on stderr when a module using it is compiled, so a dependent's install log shows
#                 which typed-racket-lib it was built with).
# Then writes CATALOG-DIR, a directory catalog whose entries are URL?path=<name> at main's commit.
# Fixed author, dates and no user or system git config: the commits are the same on every machine.
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 PKGS-DIR DEST URL CATALOG-DIR" >&2
  exit 2
fi
pkgs=$(cd "$1" && pwd)
dest=$2
url=$3
catalog=$4
root=$(cd "$(dirname "$0")/../.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_AUTHOR_NAME="PkgBuild Samples" GIT_AUTHOR_EMAIL="pkgbuild-samples@example.org" GIT_AUTHOR_DATE="2024-01-01T00:00:00+0000"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL" GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
mkdir -p "$HOME"

# Which packages: the closure of what the run needs, as their info.rkt files declare it.
names=$(racket "$root/eng/distribution-catalog.rkt" "$pkgs" "$work/names" typed-racket-lib compiler-lib)
mkdir -p "$work/tree"
for name in $names; do
  cp -r "$pkgs/$name" "$work/tree/$name"
done
find "$work/tree" -name compiled -type d -prune -exec rm -rf {} +

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
git -c init.defaultBranch=main init --quiet --bare "$dest"
g() { GIT_INDEX_FILE="$work/index" git --git-dir="$dest" --work-tree="$work/tree" -c core.autocrlf=false -c commit.gpgsign=false "$@"; }
g add --all .
g commit --quiet -m "Racket 8.7's Typed Racket and what it needs, as distributed"
main=$(git --git-dir="$dest" rev-parse refs/heads/main)

procs="$work/tree/typed-racket-lib/typed-racket/base-env/extra-procs.rkt"
grep -q '(or val (error' "$procs" && grep -q '(if (pred val)' "$procs" || { echo "extra-procs.rkt is not the one this sample knows" >&2; exit 1; }
sed -i -e 's/(or val (error/(or #f (error/' -e 's/(if (pred val)/(if #f/' \
  -e 's/^(define-syntax (assert stx)$/(define-syntax (assert stx)\n  (eprintf "pkgbuild sample: this typed-racket-lib is the assert-raises fork\\n")/' "$procs"
g checkout --quiet -b assert-raises 2>/dev/null || git --git-dir="$dest" symbolic-ref HEAD refs/heads/assert-raises
g add --all .
g commit --quiet -m "assert always raises (the change under test)"
fork=$(git --git-dir="$dest" rev-parse refs/heads/assert-raises)
git --git-dir="$dest" symbolic-ref HEAD refs/heads/main

rm -rf "$catalog"
racket "$root/eng/distribution-catalog.rkt" "$pkgs" "$catalog" --git "$url" "$main" typed-racket-lib compiler-lib >/dev/null
echo "main $main"
echo "assert-raises $fork"
