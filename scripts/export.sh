#!/bin/bash
# Write the working tree's commits since "base" back into patches/ with
# "git format-patch". The cover letter keeps its subject and text; its
# patch count, shortlog, diffstat and base line are regenerated, and
# ./base-version is set to the base the commits are on.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -e "$TREE/.git" ] || die "no working tree at $TREE"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	log "warning: $TREE has uncommitted changes; they are not exported"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(git -C "$TREE" rev-list --count base..HEAD)
if [ "$n" -gt 0 ]; then
	# ./series-version is the posting's version: "[PATCH v2 01/NN]".
	prefix=PATCH
	v=$(tr -d ' \t\n' < "$TOP/series-version" 2>/dev/null || true)
	[ -z "$v" ] || [ "$v" = 1 ] || prefix="PATCH v$v"
	git -C "$TREE" format-patch -q --cover-letter --no-signature \
		--subject-prefix="$prefix" -o "$tmp" base..HEAD
fi
ver=$(cat "$CACHE/base-version")
python3 "$TOP/scripts/cover.py" "$TOP/patches/0000-cover-letter.patch" \
	"$tmp/0000-cover-letter.patch" "$ver" \
	> "$tmp/cover.new"
find "$TOP/patches" -name '*.patch' -delete
mv "$tmp/cover.new" "$TOP/patches/0000-cover-letter.patch"
rm -f "$tmp/0000-cover-letter.patch"
[ "$n" -gt 0 ] && mv "$tmp"/*.patch "$TOP/patches/"
# The pin follows the base the series was exported against.
echo "$ver" > "$PIN_FILE"
log "exported $n patches + cover letter to patches/"
