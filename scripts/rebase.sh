#!/bin/bash
# "make rebase [VERSION=...]": move the series onto another Debian
# linux-source-6.12 version (default: the newest Debian serves).
#
# The new version is committed in $CACHE/base on top of the old base and
# tagged "base"; the series is then applied to it with "git am -3", so a
# patch whose context moved is merged three-way. On a conflict, git am
# stops in the kernel tree and this script says what to do next. On
# success the pin (./base-version), patches/ and the cover letter's base
# line are updated; nothing is committed in this repository.
set -euo pipefail
. "$(dirname "$0")/common.sh"

new=${1:-$(served_versions | head -n 1)}
[ -n "$new" ] || die "no linux-source-6.12 version known to apt: run apt-get update, or give VERSION="
old=$(pinned_version)
if [ "$new" = "$old" ]; then
	log "the series is already on linux-source-6.12 $new: nothing to do"
	exit 0
fi

# The tree must hold exactly the old base + patches/ (work in it is saved).
"$TOP/scripts/tree.sh"

mapfile -t PATCHES < <(find "$TOP/patches" -maxdepth 1 -name '*.patch' \
			! -name '0000-cover-letter.patch' | sort)

src=$CACHE/rebase-src
unpack_source "$new" "$src"
log "committing linux-source-6.12 $new on top of $old"
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
rm -f "$idx"
export GIT_INDEX_FILE=$idx
git --git-dir="$BASE/.git" --work-tree="$src" add -A
t=$(git --git-dir="$BASE/.git" write-tree)
unset GIT_INDEX_FILE
c=$(git -C "$BASE" commit-tree "$t" -p base \
	-m "Linux 6.12 from Debian linux-source-6.12 $new" \
	-m "Debian's top-level ignore-everything block removed from .gitignore.")
rm -rf "$src"
git -C "$BASE" tag -f base "$c" >/dev/null
git -C "$BASE" checkout -q -B master base
echo "$new" > "$CACHE/base-version"

git -C "$TREE" checkout -q -B "$BRANCH" base
if ! git -C "$TREE" am -3 -q "${PATCHES[@]}" >"$LOGS/rebase.log" 2>&1; then
	cat "$LOGS/rebase.log" >&2
	cur=$(git -C "$TREE" am --show-current-patch=raw 2>/dev/null |
	      sed -n '/^Subject:/{:a;N;/\n[ \t]/{s/\n[ \t]*/ /;ba};s/\n.*//;s/^Subject: \[PATCH[^]]*\] //;p;q}')
	done_n=$(git -C "$TREE" rev-list --count base..HEAD)
	cat >&2 <<MSG

rebase: stopped at patch $((done_n + 1)) of ${#PATCHES[@]} ("$cur"): it does not apply to $new.
rebase: the kernel tree $TREE is in the middle of "git am". Next:
rebase:   cd $TREE; git status          # the conflicting files
rebase:   edit them, git add them, git am --continue   # repeat until every patch is applied
rebase:   cd $TOP; ${PVM_TREE:+PVM_TREE=$PVM_TREE }make export          # writes patches/, base-version and the cover letter's base line
rebase:   make check-series && make check, then commit patches/ and base-version
rebase: to give up: git -C $TREE am --abort; make tree   # back to $old
MSG
	exit 1
fi
"$TOP/scripts/export.sh"
log "rebased ${#PATCHES[@]} patches from $old onto $new; now make check, then commit patches/ and base-version"
