#!/usr/bin/env bash
# Builds a real minimal Racket CS (base and racket-lib only) from the source of the Racket that Debian
# ships, packaged as an installer that `sh <installer> --in-place --dest DIR` installs: the form
# pkg-build and BuildInstallers use. The build takes about 25 minutes on 2 cores, so it is done once
# per machine and cached, keyed by the Debian source version and this script's own text. The same
# source's share/pkgs (every distribution package, Typed Racket included) is kept beside it, for tests
# and samples that need real distribution packages offline.
#
# Prints the cache directory on its last line of stdout; it holds:
#   installer.sh      the installer (payload checksum checked before it writes anything)
#   pkgs/<name>/      the pristine source of each distribution package
#   version           the Debian source version and the Racket version
# Environment: PKGBUILD_CACHE_DIR (default ~/.cache/pkgbuild-sdk).
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

log() { echo "minimal-racket: $*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
recipe=$(grep -v "^[[:space:]]*#" "$here/minimal-racket.sh" | sha256sum | cut -c1-12)  # comments do not count
cache_root=${PKGBUILD_CACHE_DIR:-${HOME:-/root}/.cache/pkgbuild-sdk}
mkdir -p "$cache_root"

# The source version Debian ships for the racket binary package (installed or candidate): knowing it
# needs no network when apt's lists are present, so a cached build is found offline.
debian_version=$(dpkg-query -W -f='${Version}' racket 2>/dev/null || true)
if [ -z "$debian_version" ]; then
  debian_version=$(apt-cache policy racket 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
fi
if [ -z "$debian_version" ] || [ "$debian_version" = "(none)" ]; then
  log "apt knows no racket package; run eng/install-prereqs.sh first"
  exit 1
fi
key="racket-${debian_version//[^A-Za-z0-9.+-]/_}-$recipe"
out="$cache_root/minimal-racket/$key"

if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi

# One build at a time per machine: a second caller waits for the first and then finds the cache.
mkdir -p "$cache_root/minimal-racket"
exec 9>"$cache_root/minimal-racket/.lock"
flock 9
if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi

log "building a minimal Racket from Debian's racket $debian_version source (about 25 minutes on 2 cores; cached in $out)"
start=$(date +%s)

# Build tools: a compiler and make. Curses is left out (--disable-curses), so no -dev package is needed.
need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || need+=(make)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v racket >/dev/null 2>&1 || need+=(racket)  # rewrites the tree's .rktd files with Racket's own reader and writer

# apt-get source needs a deb-src entry for the archive the racket binary package comes from.
if ! apt-cache showsrc racket 2>/dev/null | grep -q '^Version:'; then
  src_list=/etc/apt/sources.list.d/pkgbuild-sdk-deb-src.sources
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -e 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | as_root tee "$src_list" >/dev/null
  elif [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed -e 's/^deb /deb-src /' | as_root tee "${src_list%.sources}.list" >/dev/null
  else
    log "no apt sources to derive a deb-src entry from"
    exit 1
  fi
  as_root apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

work=$(mktemp -d "$cache_root/minimal-racket/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source --download-only "racket=$debian_version" >/dev/null 2>&1 || apt-get source --download-only racket >/dev/null
orig=$(ls racket_*.orig.tar.xz)
tar -xJf "$orig"
tree=$(find . -mindepth 1 -maxdepth 1 -type d -name 'racket-*' | head -n 1)
tree=$(cd "$tree" && pwd)

# Every distribution package's pristine source, for tests and samples, before the tree is cut down.
mkdir -p "$work/out"
cp -a "$tree/share/pkgs" "$work/out/pkgs"

# Minimal: keep base and racket-lib. A source distribution sets up whatever share/links.rktd lists.
mkdir "$work/aside"
for p in "$tree"/share/pkgs/*; do
  case "$(basename "$p")" in
    base|racket-lib) ;;
    pkgs.rktd) ;;
    *) mv "$p" "$work/aside/" ;;
  esac
done
racket -e '
(define tree (vector-ref (current-command-line-arguments) 0))
(define keep (list "base" "racket-lib"))
(define (rewrite file proc)
  (define v (call-with-input-file file read))
  (call-with-output-file file #:exists (quote truncate) (lambda (o) (write (proc v) o) (newline o))))
(rewrite (build-path tree "share" "links.rktd")
         (lambda (links) (for/list ([p keep]) (list (quote root) (list #"pkgs" (string->bytes/utf-8 p))))))
(rewrite (build-path tree "share" "pkgs" "pkgs.rktd")
         (lambda (h) (for/hash ([(k v) (in-hash h)] #:when (member k keep)) (values k v))))' "$tree"

log "configure"
mkdir "$tree/src/build"
cd "$tree/src/build"
../configure --disable-curses >"$work/configure.log" 2>&1 || { tail -n 30 "$work/configure.log" >&2; exit 1; }
log "make (bootstraps Chez Scheme from its portable boot files, then Racket CS)"
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
log "make install (raco setup of collects, base and racket-lib)"
make install >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; exit 1; }
cd "$work"
rm -rf "$tree/src"

# Prove it before packaging: the version, its two packages, and a user-scope-free module load.
"$tree/bin/racket" -e '(displayln (version))' >"$work/racket-version"
"$tree/bin/racket" -l racket/base -l pkg/lib -e \
  '(for-each displayln (sort (hash-keys (installed-pkg-table #:scope (quote installation))) string<?))' >"$work/pkgs-installed"
if [ "$(tr '\n' ' ' <"$work/pkgs-installed")" != "base racket-lib " ]; then
  log "the built Racket has unexpected installation packages: $(tr '\n' ' ' <"$work/pkgs-installed")"
  exit 1
fi
racket_version=$(cat "$work/racket-version")

log "packaging the installer"
tar -C "$tree" --owner=0 --group=0 --numeric-owner --sort=name -czf "$work/payload.tgz" .
payload_sha=$(sha256sum "$work/payload.tgz" | cut -d' ' -f1)
header="$work/header.sh"
cat >"$header" <<EOF
#!/bin/sh
# Racket $racket_version minimal (CS: base and racket-lib), built from Debian's racket $debian_version source.
# Usage: sh <this file> --in-place --dest DIR   (DIR must not exist or be empty)
set -e
payload_sha256=$payload_sha
skip=@SKIP@
dest=
in_place=
while [ \$# -gt 0 ]; do
  case "\$1" in
    --in-place) in_place=1 ;;
    --dest) [ \$# -ge 2 ] || { echo "--dest needs a directory" >&2; exit 2; }; dest=\$2; shift ;;
    *) echo "usage: sh \$0 --in-place --dest DIR" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "\$in_place" ] || [ -z "\$dest" ]; then
  echo "usage: sh \$0 --in-place --dest DIR (this installer makes in-place installations only)" >&2
  exit 2
fi
if [ -e "\$dest" ] && [ -n "\$(ls -A "\$dest" 2>/dev/null)" ]; then
  echo "\$dest exists and is not empty: not overwriting it" >&2
  exit 1
fi
actual=\$(tail -n +\$skip "\$0" | sha256sum | cut -d' ' -f1)
if [ "\$actual" != "\$payload_sha256" ]; then
  echo "this installer is damaged (payload checksum \$actual, expected \$payload_sha256)" >&2
  exit 1
fi
mkdir -p "\$dest"
tail -n +\$skip "\$0" | tar -xzf - -C "\$dest"
echo "Racket $racket_version installed in \$dest"
exit 0
EOF
lines=$(wc -l <"$header")
sed -i "s/@SKIP@/$((lines + 1))/" "$header"
cat "$header" "$work/payload.tgz" >"$work/out/installer.sh"
printf 'debian-source %s\nracket %s\n' "$debian_version" "$racket_version" >"$work/out/version"

# The installer must install and run from another directory (the tree is relocatable in place).
sh "$work/out/installer.sh" --in-place --dest "$work/trial" >/dev/null
[ "$("$work/trial/bin/racket" -e '(display (version))')" = "$racket_version" ] || { log "the installer's Racket does not run"; exit 1; }

touch "$work/out/.complete"
rm -rf "$out"
mv "$work/out" "$out"
log "done in $(( $(date +%s) - start )) s: $out/installer.sh ($(du -h "$out/installer.sh" | cut -f1))"
echo "$out"
