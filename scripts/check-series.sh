#!/bin/bash
# Check the series in patches/: every patch is checkpatch --strict clean and
# builds on its own (incremental arch/arm64/kvm/ build after each patch), and
# the whole series builds a full Image. Uses the working tree, which must be
# clean; it is left at the tip of the series.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/tree.sh"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes"
"$TOP/scripts/build.sh" config

tip=$(git -C "$TREE" rev-parse HEAD)
trap 'git -C "$TREE" checkout -q "$BRANCH"' EXIT
bad=0
for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	log "patch $(git -C "$TREE" log -1 --format=%h "$c"): $subj"
	# A justified exception is stated in the commit message as
	# "checkpatch --strict: <TYPE> <why>" and ignored for that patch only.
	ignore=FILE_PATH_CHANGES
	for t in $(git -C "$TREE" log -1 --format=%b "$c" |
		   sed -n 's/^checkpatch --strict: \([A-Z_]*\) .*/\1/p'); do
		log "checkpatch: $t ignored, as the commit message justifies"
		ignore=$ignore,$t
	done
	if ! git -C "$TREE" format-patch --stdout -1 "$c" |
	     (cd "$TREE" && scripts/checkpatch.pl --strict --quiet --no-tree \
		--ignore "$ignore" -); then
		log "checkpatch: FAIL: $subj"; bad=$((bad + 1))
	fi
	git -C "$TREE" checkout -q "$c"
	# A patch that touches only selftests, documentation or MAINTAINERS
	# cannot break the kernel build: no per-patch build for it (the
	# selftests are built with the series, and the docs checked below).
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
