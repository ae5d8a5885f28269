#!/bin/bash
# Build the test kernel, the KVM selftests and the initramfs.
#   build.sh [config|kernel|selftests|kvmtool|initramfs|all]...   (default: all)
# Kernel objects go to $CACHE/build (O=), everything else to $CACHE/stage.
# Set V=1 to see every line of the builds instead of a progress summary.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$TREE/.git" ] || [ -f "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree'"

# Run a build step, logging to $LOGS/<name>.log. Without V=1, print one
# progress line per 250 lines of output with the elapsed time, and the
# log tail when the step fails.
# mawk reads a pipe in blocks unless told otherwise.
AWK=awk
awk -W version 2>&1 | grep -q mawk && AWK="awk -W interactive"

step() {
	local name=$1; shift
	local logf=$LOGS/$name.log start=$SECONDS
	log "$name: $*"
	set +e
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$logf"
	else
		"$@" 2>&1 | $AWK -v n="$name" -v logf="$logf" -v t0="$(date +%s)" '
			{ print > logf }
			NR % 250 == 0 {
				printf("[%s] %s: %d lines of output, %ds\n",
				       strftime("%T"), n, NR, systime() - t0)
				fflush()
			}' >&2
	fi
	local rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		tail -n 40 "$logf" >&2
		die "$name failed (exit $rc), full log: $logf"
	fi
	log "$name: done in $((SECONDS - start))s"
}

do_config() {
	local gen=$CACHE/config-gen
	mkdir -p "$gen" "$OUT"
	# Generate in a scratch directory so an unchanged result leaves
	# $OUT/.config (and so the incremental build) untouched.
	make -s -C "$TREE" O="$gen" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- allnoconfig
	(cd "$TREE" && ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		scripts/kconfig/merge_config.sh -m -O "$gen" "$gen/.config" \
		"$TOP/kernel.config" > "$LOGS/merge_config.log")
	make -s -C "$TREE" O="$gen" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- olddefconfig
	local lost=
	for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$TOP/kernel.config"); do
		grep -qx "$opt=y" "$gen/.config" || lost="$lost $opt"
	done
	[ -z "$lost" ] || die "kernel.config: not set after olddefconfig:$lost"
	if ! cmp -s "$gen/.config" "$OUT/.config"; then
		cp "$gen/.config" "$OUT/.config"
		log "config: updated $OUT/.config"
	fi
}

do_kernel() {
	step kernel "${KMAKE[@]}" Image
	ls -l "$OUT/arch/arm64/boot/Image" >&2
}

do_selftests() {
	step headers "${KMAKE[@]}" headers_install INSTALL_HDR_PATH="$STAGE/hdr"
	# Static binaries: the initramfs has no libc. OUTPUT keeps the objects
	# out of the source tree.
	step selftests make -C "$TREE/tools/testing/selftests/kvm" \
		-j$(($(nproc) + 1)) ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" OUTPUT="$STAGE/kvm" \
		KHDR_INCLUDES="-isystem $STAGE/hdr/include" EXTRA_CFLAGS="-static"
}

do_initramfs() {
	local root=$STAGE/root
	rm -rf "$root"
	mkdir -p "$root"/{bin,proc,sys,dev,tmp,mnt,kvm}
	cp "$CACHE/busybox/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$TOP/tests/init" "$root/init"
	cp "$TOP/tests/selftests.list" "$root/selftests.list"
	# Every selftest executable that built, stripped to keep the image small.
	(cd "$STAGE/kvm" && find . -type f -perm -u+x ! -name '*.o' ! -name '*.sh') |
	while read -r f; do
		mkdir -p "$root/kvm/$(dirname "$f")"
		aarch64-linux-gnu-strip -o "$root/kvm/$f" "$STAGE/kvm/$f"
	done
	# The stress run of pvm_boot guests (a script, not a selftest binary).
	cp "$TOP/tests/pvm_stress" "$root/kvm/pvm_stress"
	# kvmtool's lkvm for tests/lkvm_test, when scripts/kvmtool.sh built it.
	cp "$TOP/tests/lkvm_test" "$root/kvm/lkvm_test"
	[ ! -x "$CACHE/kvmtool/lkvm-static" ] || cp "$CACHE/kvmtool/lkvm-static" "$root/bin/lkvm"
	# What aarch64/pvm_boot boots as a guest: this very kernel, and a small
	# initramfs whose /init prints one line and powers off.
	local groot=$STAGE/guest-root
	rm -rf "$groot"
	mkdir -p "$groot"/{bin,proc,dev} "$root/guest"
	cp "$CACHE/busybox/bin/busybox" "$groot/bin/busybox"
	ln -s busybox "$groot/bin/sh"
	cp "$TOP/tests/guest-init" "$groot/init"
	(cd "$groot" && find . | cpio -o -H newc --quiet) > "$root/guest/initrd.cpio"
	cp "$OUT/arch/arm64/boot/Image" "$root/guest/Image"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$STAGE/initramfs.cpio"
	log "initramfs: $(du -h "$STAGE/initramfs.cpio" | cut -f1)," \
	    "$(find "$root/kvm" -type f | wc -l) selftest binaries"
}

do_kvmtool() {
	"$TOP/scripts/kvmtool.sh"
}

steps=${*:-all}
[ "$steps" = all ] && steps="config kernel selftests kvmtool initramfs"
for s in $steps; do
	"do_$s"
done
