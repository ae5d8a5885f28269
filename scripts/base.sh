#!/bin/bash
# Unpack Debian's linux-source-6.12 once into $CACHE/base as a git repository
# with a single commit tagged "base". The package version is recorded in
# $CACHE/base-version; a different installed version rebuilds the base.
set -euo pipefail
. "$(dirname "$0")/common.sh"

TARBALL=/usr/src/linux-source-6.12.tar.xz
[ -f "$TARBALL" ] || die "$TARBALL missing: run scripts/deps.sh"
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

if [ -d "$BASE/.git" ] && git -C "$BASE" rev-parse -q --verify base >/dev/null &&
   [ "$(cat "$CACHE/base-version" 2>/dev/null)" = "$ver" ]; then
	exit 0
fi

log "unpacking linux-source-6.12 $ver into $BASE"
rm -rf "$BASE" "$BASE.tmp" "$TREE"
mkdir -p "$BASE.tmp"
tar -C "$BASE.tmp" --strip-components=1 -xf "$TARBALL"
cd "$BASE.tmp"
git init -q -b master
git config user.name "pkvm-pvm harness"
git config user.email "harness@localhost"
git config gc.auto 0
log "committing the base tree"
# Debian appends "ignore everything at the top level" to .gitignore, which
# would hide every new file of the series from git; drop that block so the
# base behaves like an upstream tree.
sed -i '/^# Debian packaging: ignore everything/,$d' .gitignore
sed -i -e :a -e '/^#\?\n*$/{$d;N;ba' -e '}' .gitignore
git add -A
git commit -q -m "Linux 6.12 from Debian linux-source-6.12 $ver" \
	-m "Debian's top-level ignore-everything block removed from .gitignore."
git tag base
cd / && mv "$BASE.tmp" "$BASE"
echo "$ver" > "$CACHE/base-version"
log "base ready: $(git -C "$BASE" rev-parse --short base) ($ver)"
