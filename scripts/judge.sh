#!/bin/bash
# Judge a QEMU console log:
#   judge.sh <mode> <hvhe|nvhe> <log> <qemu-exit-status> <timeout> [<hang-report>]
# Fails when pKVM did not initialise in the requested mode, on any hypervisor
# or kernel panic, oops, BUG or WARNING, on a hang (the watchdog in qemu.sh
# ended QEMU and wrote <hang-report>: why, where the CPUs were, the monitor
# dump's path), and (check mode) when a test failed or a result is missing.
# Prints "judge: <hyp>: N passed, N failed, N skipped" last: scripts/check.sh
# sums the modes into the one "N passed, N failed, N skipped" line.
set -uo pipefail
mode=$1 hyp=$2 logf=$3 qrc=$4 tmo=$5 hang=${6:-}
errors=0
err() { echo "judge: FAIL: $*"; errors=$((errors + 1)); }

if [ -n "$hang" ] && [ -s "$hang" ]; then
	# Line 1: why; line 2: "CPU0 EL2 sym+off (x0=...), ..."; line 3: dump.
	err "hang: $(sed -n 2p "$hang")"
	echo "judge:   $(sed -n 1p "$hang"); monitor dump: $(sed -n 3p "$hang")"
elif [ "$qrc" = 124 ]; then
	err "QEMU did not finish within ${tmo}s (hang?)"
elif [ "$qrc" != 0 ]; then
	err "QEMU exited with status $qrc"
fi

case $hyp in
hvhe) want="Protected hVHE mode initialized successfully" ;;
*)    want="Protected nVHE mode initialized successfully" ;;
esac
grep -aq "$want" "$logf" ||
	err "pKVM did not initialise: no '$want' in the log"

# Lines a test prints from its own guest kernel ("#   guest: ...", from
# aarch64/pvm_boot) are that test's business: it fails on its own.
bad=$(grep -anE "[Hh][Yy][Pp] panic|hyp BUG at|Kernel panic|Internal error:|Unable to handle kernel|BUG:|WARNING: CPU|Oops" "$logf" |
      grep -avE "^[0-9]+:# +guest: ")
[ -n "$bad" ] && err "kernel/hypervisor errors in the log:" && echo "$bad" | sed 's/^/judge:   /'

passed=0 failed=0 skipped=0
if [ "$mode" = check ]; then
	plan=$(sed -n 's/^1\.\.\([0-9]\+\)$/\1/p' "$logf" | head -1)
	passed=$(grep -acE '^ok [0-9]+ ' "$logf" | head -1)
	skipped=$(grep -acE '^ok [0-9]+ .*# SKIP' "$logf")
	passed=$((passed - skipped))
	failed=$(grep -acE '^not ok [0-9]+ ' "$logf")
	grep -aE '^not ok [0-9]+ ' "$logf" | sed 's/^/judge: /'
	seen=$((passed + failed + skipped))
	if [ -z "$plan" ]; then
		err "no TAP plan: the tests never started"
	elif [ "$seen" -lt "$plan" ]; then
		err "only $seen of $plan results: the run died"
		failed=$((failed + plan - seen))
	fi
	grep -aq "^pvm-harness: tests done" "$logf" || err "test run did not complete"
fi

if [ "$mode" = bench ]; then
	grep -aq "^RESULT " "$logf" || err "the benchmark printed no RESULT line"
	grep -a "^RESULT " "$logf"
fi

# A run that broke (boot failure, panic, hang) counts as one more failure so
# the totals never read "0 failed" for a broken run.
[ "$errors" -gt 0 ] && [ "$failed" = 0 ] && failed=1
echo "judge: $hyp: $passed passed, $failed failed, $skipped skipped"
[ "$errors" = 0 ] && [ "$failed" = 0 ]
