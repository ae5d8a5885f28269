#!/bin/bash
# Make $CACHE/base a git repository of Debian's linux-source-6.12 at the
# version pinned in ./base-version, with that tree tagged "base". The
# package is downloaded into the cache and unpacked there; the machine's
# installed linux-source-6.12 (any version, or none) is neither used nor
# changed. The unpacked version is recorded in $CACHE/base-version; a
# different pin rebuilds the base.
set -euo pipefail
. "$(dirname "$0")/common.sh"

ver=$(pinned_version)
[ -n "$ver" ] || die "$PIN_FILE is missing or empty: it names the linux-source-6.12 version of the base"

if [ -d "$BASE/.git" ] && git -C "$BASE" rev-parse -q --verify base >/dev/null &&
   [ "$(cat "$CACHE/base-version" 2>/dev/null)" = "$ver" ]; then
	exit 0
fi

rm -rf "$BASE" "$BASE.tmp" "$TREE"
unpack_source "$ver" "$BASE.tmp"
cd "$BASE.tmp"
git init -q -b master
git config user.name "pkvm-pvm harness"
git config user.email "harness@localhost"
git config gc.auto 0
log "committing the base tree"
git add -A
git commit -q -m "Linux 6.12 from Debian linux-source-6.12 $ver" \
	-m "Debian's top-level ignore-everything block removed from .gitignore."
git tag base
cd / && mv "$BASE.tmp" "$BASE"
echo "$ver" > "$CACHE/base-version"
log "base ready: $(git -C "$BASE" rev-parse --short base) ($ver)"
