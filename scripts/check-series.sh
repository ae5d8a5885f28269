#!/bin/bash
# Check the series in patches/ as a maintainer would, patch by patch:
# - checkpatch --strict is clean (exceptions: scripts/checkpatch-exceptions);
# - the commit message carries no harness text (checkpatch notes, make
#   targets, harness scripts or variables);
# - every C file a patch adds is named by a Makefile at that patch;
# - a patch touching the kernel builds arch/arm64/kvm/ on its own, and one
#   touching the selftests builds the KVM selftests, without a warning;
# and the whole series builds a full Image. Uses the working tree, which must
# be clean; it is left at the tip of the series.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/tree.sh"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes"
"$TOP/scripts/build.sh" config

EXCEPTIONS=$TOP/scripts/checkpatch-exceptions
# What the harness, not the kernel, would say: no place in a posting.
HARNESS_TEXT='^checkpatch|make (check|bench|run|export)|scripts/(qemu|check|build|export)|PVM_[A-Z_]+='

# True if no Makefile names the C file $1 (as foo.o, or for the selftests as
# a target such as aarch64/foo or lib/foo.c), looking up from its directory
# to the top of the tree.
unbuilt() {
	local dir name
	dir=$(dirname "$1")
	name=$(basename "$1" .c)
	while [ "$dir" != . ]; do
		if [ -f "$TREE/$dir/Makefile" ] &&
		   grep -qE "(^|[ /=+\t])$name(\.o|\.c)?([ \t\\]|$)" "$TREE/$dir/Makefile"; then
			return 1
		fi
		dir=$(dirname "$dir")
	done
	return 0
}

# The KVM selftests at the checked-out patch, against that patch's UAPI
# headers. The objects persist between patches, so only what changed is
# rebuilt. Any compiler warning fails the patch.
KST_OUT=$CACHE/check-series-kvm
KST_HDR=$CACHE/check-series-hdr
build_selftests() {
	"${KMAKE[@]}" -s headers_install INSTALL_HDR_PATH="$KST_HDR" >/dev/null 2>&1 ||
		return 1
	if ! make -C "$TREE/tools/testing/selftests/kvm" -s -j$(($(nproc) + 1)) \
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" OUTPUT="$KST_OUT" \
		KHDR_INCLUDES="-isystem $KST_HDR/include" EXTRA_CFLAGS="-static" \
		>"$LOGS/check-series-selftests.log" 2>&1; then
		tail -n 30 "$LOGS/check-series-selftests.log" >&2
		return 1
	fi
	if grep -E "warning:" "$LOGS/check-series-selftests.log" >&2; then
		return 1
	fi
}
rm -rf "$KST_OUT"

tip=$(git -C "$TREE" rev-parse HEAD)
trap 'git -C "$TREE" checkout -q "$BRANCH"' EXIT
bad=0
for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	log "patch $(git -C "$TREE" log -1 --format=%h "$c"): $subj"
	# A justified exception is listed with its reason in
	# scripts/checkpatch-exceptions and ignored for that patch only.
	ignore=FILE_PATH_CHANGES
	for t in $(awk -F'\t' -v s="$subj" '$2 == s { print $1 }' "$EXCEPTIONS"); do
		log "checkpatch: $t ignored, as checkpatch-exceptions justifies"
		ignore=$ignore,$t
	done
	if git -C "$TREE" log -1 --format=%b "$c" | grep -nE "$HARNESS_TEXT" >&2; then
		log "message: FAIL: harness text in the commit message of: $subj"
		bad=$((bad + 1))
	fi
	if ! git -C "$TREE" format-patch --stdout -1 "$c" |
	     (cd "$TREE" && scripts/checkpatch.pl --strict --quiet --no-tree \
		--ignore "$ignore" -); then
		log "checkpatch: FAIL: $subj"; bad=$((bad + 1))
	fi
	git -C "$TREE" checkout -q "$c"
	files=$(git -C "$TREE" diff-tree --no-commit-id --name-only -r "$c")
	for f in $(git -C "$TREE" diff-tree --no-commit-id --name-only -r \
		   --diff-filter=A "$c" -- '*.c'); do
		unbuilt "$f" && { log "build: FAIL: no Makefile builds $f"; bad=$((bad + 1)); }
	done
	if grep -qE '^tools/(testing/selftests/kvm|include)/' <<<"$files"; then
		build_selftests || { log "selftests: FAIL at: $subj"; bad=$((bad + 1)); }
	fi
	# A patch that touches only selftests, documentation or MAINTAINERS
	# cannot break the kernel build: no kernel build for it (its selftests
	# were built above, and the docs are checked below).
	if ! git -C "$TREE" diff-tree --no-commit-id --name-only -r "$c" |
	     grep -qvE '^(tools/testing/selftests/|tools/include/|Documentation/|MAINTAINERS$)'; then
		continue
	fi
	# Options a patch adds take their defaults rather than prompting.
	"${KMAKE[@]}" -s olddefconfig >/dev/null 2>&1
	if ! "${KMAKE[@]}" -s arch/arm64/kvm/ >"$LOGS/check-series-build.log" 2>&1; then
		tail -n 30 "$LOGS/check-series-build.log" >&2
		log "build: FAIL at: $subj"; bad=$((bad + 1))
	elif [ -s "$LOGS/check-series-build.log" ]; then
		cat "$LOGS/check-series-build.log" >&2
		log "build: warnings at: $subj"; bad=$((bad + 1))
	fi
done
git -C "$TREE" checkout -q "$BRANCH"
[ "$(git -C "$TREE" rev-parse HEAD)" = "$tip" ] || die "tree moved"

# New documentation files must be valid reStructuredText on their own...
for doc in $(git -C "$TREE" diff --name-only --diff-filter=A base..HEAD -- 'Documentation/*.rst'); do
	python3 - "$TREE/$doc" <<'PY' || { log "docs: FAIL: $doc"; bad=$((bad + 1)); }
import sys, docutils.core, docutils.utils
try:
    docutils.core.publish_doctree(open(sys.argv[1]).read(),
        settings_overrides={"halt_level": 2, "report_level": 2})
except docutils.utils.SystemMessage as e:
    print(e); sys.exit(1)
PY
done

# ...and the kernel's Sphinx build of Documentation/virt must not warn about
# anything the base does not (Debian's 6.12 already has one malformed table
# in api.rst). Paths and line numbers are dropped before comparing.
docs_warnings() {
	rm -rf "$2"	# Sphinx only warns about what it rebuilds
	make -s -C "$1" O="$2" htmldocs SPHINXDIRS=virt 2>&1 |
		grep -E "WARNING|ERROR" | sed -E "s|$1/||g; s|:[0-9]+:|:|" | sort -u
	# htmldocs generates the netlink specs' .rst in the source tree, O= or
	# not: leave no untracked file for a later "git add" to pick up.
	git -C "$1" clean -fdq -- Documentation/networking/netlink_spec
}
docs_warnings "$BASE" "$CACHE/htmldocs-base" >"$LOGS/htmldocs-base.txt"
docs_warnings "$TREE" "$CACHE/htmldocs" >"$LOGS/htmldocs-series.txt"
new=$(comm -13 "$LOGS/htmldocs-base.txt" "$LOGS/htmldocs-series.txt")
if [ -n "$new" ]; then
	echo "$new" >&2
	log "docs: FAIL: make htmldocs SPHINXDIRS=virt warns where the base does not"
	bad=$((bad + 1))
else
	log "docs: make htmldocs SPHINXDIRS=virt: no warning the base does not have"
fi

"$TOP/scripts/build.sh" kernel
[ "$bad" = 0 ] || die "$bad problem(s) in the series"
log "series OK: $(git -C "$TREE" rev-list --count base..HEAD) patches"
