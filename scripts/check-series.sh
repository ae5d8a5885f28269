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
	if ! git -C "$TREE" format-patch --stdout -1 "$c" |
	     (cd "$TREE" && scripts/checkpatch.pl --strict --quiet --no-tree \
		--ignore FILE_PATH_CHANGES -); then
		log "checkpatch: FAIL: $subj"; bad=$((bad + 1))
	fi
	git -C "$TREE" checkout -q "$c"
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

# New documentation files must be valid reStructuredText (a full
# "make htmldocs" is too slow for 2 cores; this catches markup errors).
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
"$TOP/scripts/build.sh" kernel
[ "$bad" = 0 ] || die "$bad problem(s) in the series"
log "series OK: $(git -C "$TREE" rev-list --count base..HEAD) patches"
