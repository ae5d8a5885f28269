#!/bin/bash
# "make check": prepare, build, boot, run the selftests, once per hypervisor
# mode (hVHE, then nVHE). The last line is always "N passed, N failed, N
# skipped", summed over the modes, also when a step before the boot fails
# (then it counts as one failure and the cause is printed above).
set -uo pipefail
S=$(dirname "$0")
start=$SECONDS
fail_early() {
	echo "check: FAIL: $1 (see above); took $((SECONDS - start))s"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}
# Both hypervisor modes, hVHE first; PVM_HYP=hvhe or nvhe runs one only.
hyps=${PVM_HYP:-hvhe nvhe}
for hyp in $hyps; do
	case $hyp in hvhe|nvhe) ;; *) fail_early "PVM_HYP=$PVM_HYP: must be hvhe or nvhe" ;; esac
done
"$S/deps.sh" || fail_early "installing dependencies failed"
"$S/base.sh" || fail_early "preparing the base tree failed"
(. "$S/common.sh"; note_newer_base)
"$S/tree.sh" || fail_early "applying patches/ failed"
# Series hygiene first (checkpatch --strict and a build per patch); set
# PVM_SKIP_SERIES=1 to skip it while iterating on a change.
if [ "${PVM_SKIP_SERIES:-0}" != 1 ]; then
	"$S/check-series.sh" || fail_early "make check-series failed"
fi
"$S/build.sh" all || fail_early "the build failed"
echo "check: built in $((SECONDS - start))s, booting"

# Each mode's run ends with judge.sh's "judge: <hyp>: N passed, N failed,
# N skipped"; the totals are summed into the last line.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
P=0 F=0 K=0 summary=
for hyp in $hyps; do
	t0=$SECONDS
	PVM_HYP=$hyp "$S/qemu.sh" check | tee "$out"
	rc=${PIPESTATUS[0]}
	p= f= k=
	read -r p f k < <(sed -n "s/^judge: $hyp: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p" "$out" | tail -n 1)
	# No judge line (qemu.sh refused to boot): one failure.
	[ -n "$p" ] || p=0 f=0 k=0
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	P=$((P + p)) F=$((F + f)) K=$((K + k))
	summary+="check: $hyp: $p passed, $f failed, $k skipped in $((SECONDS - t0))s"$'\n'
done
printf '%s' "$summary"
echo "check: took $((SECONDS - start))s"
echo "$P passed, $F failed, $K skipped"
[ "$F" = 0 ]
