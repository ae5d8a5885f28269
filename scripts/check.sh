#!/bin/bash
# "make check": prepare, build, boot, run the selftests. The last line is
# always "N passed, N failed, N skipped", also when a step before the boot
# fails (then it counts as one failure and the cause is printed above).
set -uo pipefail
S=$(dirname "$0")
start=$SECONDS
fail_early() {
	echo "check: FAIL: $1 (see above); took $((SECONDS - start))s"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}
"$S/deps.sh" || fail_early "installing dependencies failed"
"$S/base.sh" || fail_early "preparing the base tree failed"
"$S/tree.sh" || fail_early "applying patches/ failed"
# Series hygiene first (checkpatch --strict and a build per patch); set
# PVM_SKIP_SERIES=1 to skip it while iterating on a change.
if [ "${PVM_SKIP_SERIES:-0}" != 1 ]; then
	"$S/check-series.sh" || fail_early "make check-series failed"
fi
"$S/build.sh" all || fail_early "the build failed"
echo "check: built in $((SECONDS - start))s, booting"
exec "$S/qemu.sh" check
