#!/bin/bash
# Boot the built kernel + initramfs under QEMU with pKVM.
#   qemu.sh check   run the selftests, judge the console log, print totals
#   qemu.sh run     boot, report pKVM state, run the demo, power off
#   qemu.sh bench   run the pVM benchmark
#   qemu.sh shell   interactive shell (Ctrl-A X quits QEMU)
#
# PVM_HYP picks the hypervisor mode (default hvhe):
#   hvhe  "kvm-arm.mode=protected" alone: the hypervisor runs at EL2 with
#         HCR_EL2.E2H set, as pKVM does on hardware with VHE. Needs QEMU
#         8.1 or newer: 7.2 mishandles EL2 TLB invalidation in this mode.
#   nvhe  "kvm-arm.mode=protected arm64_sw.hvhe=0 id_aa64mmfr1.vh=0", the
#         classic nVHE layout. "arm64_sw.hvhe=0" alone boots without pKVM,
#         silently, hence judge.sh's check for the init message.
#
# A watchdog ends QEMU when it outlives its timeout or, except in shell
# mode, when the console has been silent for PVM_SILENCE seconds (default
# 300); before that, scripts/hang-report.py asks QEMU's monitor (a unix
# socket in $LOGS) where each CPU is, and judge.sh reports it.
set -euo pipefail
. "$(dirname "$0")/common.sh"

mode=${1:-run}
case $mode in
check) tmo=${PVM_CHECK_TIMEOUT:-2700} ;;
run)   tmo=${PVM_RUN_TIMEOUT:-600} ;;
bench) tmo=${PVM_BENCH_TIMEOUT:-1800} ;;
shell) tmo=${PVM_SHELL_TIMEOUT:-14400} ;;
*) die "usage: [PVM_HYP=hvhe|nvhe] qemu.sh check|run|bench|shell" ;;
esac

hyp=${PVM_HYP:-hvhe}
case $hyp in
hvhe) hyp_args="kvm-arm.mode=protected" ;;
nvhe) hyp_args="kvm-arm.mode=protected arm64_sw.hvhe=0 id_aa64mmfr1.vh=0" ;;
*) die "PVM_HYP=$hyp: must be hvhe or nvhe" ;;
esac

qemu_version_ok ||
	die "$QEMU is version $(qemu_version || true); pKVM needs QEMU $QEMU_MIN or newer" \
	    "(Debian 12: qemu-system-arm from bookworm-backports, 'make deps' installs it)"

IMAGE=$OUT/arch/arm64/boot/Image
[ -f "$IMAGE" ] && [ -f "$STAGE/initramfs.cpio" ] || die "nothing to boot: run 'make build'"

# The staged initramfs with this clone's tests/init and tests/selftests.list
# on top (the kernel unpacks concatenated archives in order, later files
# win): an edit to them takes effect without a rebuild.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pkvm-pvm.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/overlay"
cp "$TOP/tests/init" "$TMP/overlay/init"
cp "$TOP/tests/selftests.list" "$TMP/overlay/selftests.list"
INITRD=$TMP/initramfs.cpio
{ cat "$STAGE/initramfs.cpio"; (cd "$TMP/overlay" && find . | cpio -o -H newc --quiet); } > "$INITRD"
# The symbols of the kernel that boots, for a hang report, even if the
# build is redone meanwhile (a link keeps the file that boots).
VMLINUX=$TMP/vmlinux
ln "$OUT/vmlinux" "$VMLINUX" 2>/dev/null || cp "$OUT/vmlinux" "$VMLINUX"

# Per mode and hypervisor mode: console log, monitor socket, pid file, and
# the hang report (summary line + full monitor dump) when there was one.
name=$mode-$hyp
CONSOLE=$LOGS/console-$name.log
MON=$LOGS/qemu-$name.mon
PIDF=$LOGS/qemu-$name.pid
HANG=$LOGS/hang-$name.txt
HANG_DUMP=$LOGS/hang-$name-monitor.txt
# One run per mode and hypervisor mode at a time: a second one would
# overwrite the first one's console log, which the first one then judges.
exec 9>"$LOGS/qemu-$name.lock"
flock -n 9 || die "another 'qemu.sh $mode' with PVM_HYP=$hyp is running" \
	"(console log $CONSOLE); wait for it, or use another PVM_CACHE"
# A unix socket path has at most 107 bytes.
[ "${#MON}" -lt 100 ] || MON=$TMP/qemu-$name.mon
rm -f "$MON" "$PIDF" "$HANG" "$HANG_DUMP"

# 2 GiB + 1 MiB of RAM: memory then ends in the middle of a 2 MiB block,
# which the boot self-test needs to check that a block running off the end
# of memory is refused.
# The serial console and a monitor multiplexed on stdio (Ctrl-A X, Ctrl-A C),
# and a second monitor on the socket for the watchdog.
QEMU_CMD=("$QEMU" -M virt,virtualization=on,gic-version=3
	-cpu max,pauth-impdef=on -smp 2 -m 2049M -nographic -no-reboot -nic none
	-serial mon:stdio -monitor "unix:$MON,server,nowait" -pidfile "$PIDF"
	-kernel "$IMAGE" -initrd "$INITRD" ${PVM_QEMU_EXTRA:-}
	-append "console=ttyAMA0 $hyp_args panic=-1 pvm.mode=$mode pvm.hyp=$hyp pvm.bench=${PVM_BENCH_ARGS:-} pvm.only=${PVM_ONLY:-} ${PVM_APPEND:-}")

# Silence that means a hang: longer than any test's own timeout, which
# ends a stuck test with a "not ok" line.
silence=${PVM_SILENCE:-300}
if [ "$mode" = check ]; then
	longest=$(awk '$1 ~ /^run(-hvhe|-nvhe)?$/ && $2 > m { m = $2 } END { print m + 0 }' "$TOP/tests/selftests.list")
	if [ "$silence" -le "$longest" ]; then
		log "PVM_SILENCE=$silence is not above the longest test timeout (${longest}s): using $((longest + 60))s"
		silence=$((longest + 60))
	fi
fi
[ "$mode" = shell ] && silence=0        # an idle shell is not a hang

# Runs in the background while QEMU runs. At the deadline, or after
# $silence seconds without console output: hang report, then end QEMU.
watchdog() {
	local start now why pid where
	start=$(date +%s)
	while sleep 5; do
		now=$(date +%s)
		if [ $((now - start)) -ge "$tmo" ]; then
			why="QEMU did not finish within ${tmo}s"
		elif [ "$silence" -gt 0 ] &&
		     [ $((now - $(stat -c %Y "$CONSOLE" 2>/dev/null || echo "$now"))) -ge "$silence" ]; then
			why="the console was silent for ${silence}s"
		else
			continue
		fi
		pid=$(cat "$PIDF" 2>/dev/null) || pid=
		printf '\n[%s] watchdog: %s; asking the QEMU monitor where the CPUs are\n' "$(date +%T)" "$why" >&2
		# $HANG: why, where the CPUs are (one line), the dump's path.
		where=$(python3 "$TOP/scripts/hang-report.py" "$MON" "$CONSOLE" "$VMLINUX" "$HANG_DUMP" 2>&1) ||
			where="hang-report.py failed: $(echo "$where" | tail -n 1)"
		printf '%s\n' "$why" "$(echo "$where" | tail -n 1)" "$HANG_DUMP" > "$HANG.tmp"
		mv "$HANG.tmp" "$HANG"
		# Stop QEMU: SIGTERM (it restores the terminal), then SIGKILL.
		if [ -n "$pid" ]; then
			kill "$pid" 2>/dev/null
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				kill -0 "$pid" 2>/dev/null || return 0
				sleep 1
			done
			kill -9 "$pid" 2>/dev/null
		fi
		return 0
	done
}

quiet=; [ "$silence" -gt 0 ] && quiet=", or ${silence}s of silence"
log "booting ($mode, $hyp, timeout ${tmo}s$quiet), console log: $CONSOLE"
: > "$CONSOLE"
watchdog </dev/null >/dev/null &
wpid=$!
set +e
if [ "$mode" = shell ]; then
	# The terminal is raw while QEMU runs: keep the console's CRs.
	"${QEMU_CMD[@]}" | tee "$CONSOLE"
	qrc=${PIPESTATUS[0]}
else
	# sed -u: the log must grow as the console prints, for the watchdog.
	"${QEMU_CMD[@]}" </dev/null 2>&1 | sed -u 's/\r//g' | tee "$CONSOLE"
	qrc=${PIPESTATUS[0]}
fi
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
set -e
rm -rf "$MON" "$TMP"
if [ -f "$HANG" ]; then
	qrc=124
	echo "qemu: hang report: $HANG, monitor dump: $HANG_DUMP"
fi
if [ "$mode" = shell ]; then
	[ -f "$HANG" ] && echo "qemu: $(sed -n 1p "$HANG"): $(sed -n 2p "$HANG")"
	exit "$qrc"
fi
exec "$TOP/scripts/judge.sh" "$mode" "$hyp" "$CONSOLE" "$qrc" "$tmo" "$HANG"
