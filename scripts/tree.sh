#!/bin/bash
# Make $TREE (a git worktree of the cached base) hold exactly base + patches/.
#
# If the tree already carries the same series (by patch-id) it is left alone,
# so incremental builds stay incremental. Otherwise its commits and any
# uncommitted changes are saved (branch backup/<date>, git stash) before it is
# reset to the base and the series is applied with "git am", one patch at a
# time, failing with the name of the first patch that does not apply.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/base.sh"

mapfile -t PATCHES < <(find "$TOP/patches" -maxdepth 1 -name '*.patch' \
			! -name '0000-cover-letter.patch' | sort)

ids() { git patch-id --stable | awk '{ print $1 }' | sort; }

if [ ! -e "$TREE/.git" ]; then
	log "creating working tree $TREE"
	git -C "$BASE" worktree prune
	git -C "$BASE" worktree add -q -B "$BRANCH" "$TREE" base
else
	want=$(cat /dev/null "${PATCHES[@]}" | ids)
	have=$(git -C "$TREE" format-patch --stdout base..HEAD | ids)
	# Untracked files (e.g. the selftests' generated sysreg headers under
	# tools/) do not make the tree differ: checkouts leave them alone.
	if [ "$want" = "$have" ] &&
	   [ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
		log "tree up to date: $TREE (${#PATCHES[@]} patches)"
		exit 0
	fi
	stamp=$(date +%Y%m%d-%H%M%S)
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		git -C "$TREE" stash push -q -u -m "harness backup $stamp"
		log "uncommitted changes saved: git -C $TREE stash list"
	fi
	if [ "$(git -C "$TREE" rev-parse HEAD)" != "$(git -C "$TREE" rev-parse base)" ]; then
		git -C "$TREE" branch -f "backup/$stamp" HEAD
		log "tree differs from patches/: old commits saved as backup/$stamp"
	fi
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" checkout -q -B "$BRANCH" base
fi

for p in "${PATCHES[@]}"; do
	if ! git -C "$TREE" am -q "$p" >"$LOGS/am.log" 2>&1; then
		cat "$LOGS/am.log" >&2
		git -C "$TREE" am --abort || true
		die "patch does not apply: patches/$(basename "$p")"
	fi
done
log "tree ready: $TREE = base + ${#PATCHES[@]} patches"
