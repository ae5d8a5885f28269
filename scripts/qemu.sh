#!/bin/bash
# Boot the built kernel + initramfs under QEMU with pKVM in nVHE mode.
#   qemu.sh check   run the selftests, judge the console log, print totals
#   qemu.sh run     boot, report pKVM state, run the demo, power off
#   qemu.sh shell   interactive shell (Ctrl-A X quits QEMU)
#
# nVHE, not hVHE: Debian 12's QEMU 7.2 mishandles EL2 TLB invalidation in
# hVHE mode, leaving stale hypervisor mappings. "arm64_sw.hvhe=0" alone boots
# without pKVM silently, hence the check for the init message below.
set -euo pipefail
. "$(dirname "$0")/common.sh"

mode=${1:-run}
case $mode in
check) tmo=${PVM_CHECK_TIMEOUT:-2700} ;;
run)   tmo=${PVM_RUN_TIMEOUT:-600} ;;
bench) tmo=${PVM_BENCH_TIMEOUT:-1800} ;;
shell) tmo=${PVM_SHELL_TIMEOUT:-14400} ;;
*) die "usage: qemu.sh check|run|bench|shell" ;;
esac

IMAGE=$OUT/arch/arm64/boot/Image
INITRD=$STAGE/initramfs.cpio
[ -f "$IMAGE" ] && [ -f "$INITRD" ] || die "nothing to boot: run 'make build'"

QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3
      -cpu max,pauth-impdef=on -smp 2 -m 2G -nographic -no-reboot -nic none
      -kernel "$IMAGE" -initrd "$INITRD" ${PVM_QEMU_EXTRA:-}
      -append "console=ttyAMA0 kvm-arm.mode=protected arm64_sw.hvhe=0 id_aa64mmfr1.vh=0 panic=-1 pvm.mode=$mode pvm.bench=${PVM_BENCH_ARGS:-} pvm.only=${PVM_ONLY:-} ${PVM_APPEND:-}")

if [ "$mode" = shell ]; then
	exec timeout --foreground "$tmo" "${QEMU[@]}"
fi

CONSOLE=$LOGS/console-$mode.log
log "booting ($mode, timeout ${tmo}s), console log: $CONSOLE"
set +e
timeout "$tmo" "${QEMU[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$CONSOLE"
qrc=${PIPESTATUS[0]}
set -e
exec "$TOP/scripts/judge.sh" "$mode" "$CONSOLE" "$qrc" "$tmo"
