# Shared settings for the harness scripts; sourced, not executed.
# Every path outside the clone derives from $CACHE so one variable moves it.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pkvm-pvm}
BASE=$CACHE/base          # git repo of the pristine linux-source-6.12, tag "base"
TREE=${PVM_TREE:-$CACHE/tree}   # working tree: base + patches/
# Its branch; another tree of the same base (PVM_TREE) gets its own.
BRANCH=series
[ "$TREE" = "$CACHE/tree" ] || BRANCH=series-$(echo "$TREE" | md5sum | cut -c1-8)
OUT=$CACHE/build          # O= build directory
STAGE=$CACHE/stage        # headers, selftests, initramfs
LOGS=$CACHE/logs
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
KMAKE=(make -C "$TREE" O="$OUT" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc"
       -j$(($(nproc) + 1)))
mkdir -p "$CACHE" "$LOGS"

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(date +%T)" "$*" >&2; exit 1; }

# QEMU: 8.1 or newer. Older ones (Debian 12's own 7.2) mishandle EL2 TLB
# invalidation in hVHE mode, which leaves stale hypervisor mappings.
QEMU=${PVM_QEMU:-qemu-system-aarch64}
QEMU_MIN=8.1
qemu_version() {
	"$QEMU" --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p'
}
qemu_version_ok() {
	local v
	v=$(qemu_version)
	[ -n "$v" ] && [ "$(printf '%s\n%s\n' "$QEMU_MIN" "$v" | sort -V | head -n 1)" = "$QEMU_MIN" ]
}
