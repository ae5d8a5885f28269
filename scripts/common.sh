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
