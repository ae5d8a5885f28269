#!/bin/bash
# Build kvmtool's lkvm-static (arm64, static) for tests/lkvm_test, into
# $CACHE/kvmtool/lkvm-static: upstream kvmtool at commit b48735e5 plus the
# project's patches in kvmtool/ (git format-patch output, applied in
# file-name order). kvmtool is third-party code and not in this repository:
# its source comes from
#   KVMTOOL_SRC=<tarball, or a directory holding kvmtool-*.tar.gz or an
#               unpacked kvmtool tree>  (when set, the only place looked at:
#               KVMTOOL_SRC=none builds nothing)
# else /work/shared/kvmtool, else the shared/kvmtool beside this clone.
# Without a source this prints one line (lkvm_test then skips) and exits 0.
# libfdt comes from Debian's libfdt-dev:arm64, downloaded and unpacked into
# the cache, not installed. Nothing is rebuilt while the source, the
# patches and this script are unchanged.
set -euo pipefail
. "$(dirname "$0")/common.sh"

KT=$CACHE/kvmtool
BIN=$KT/lkvm-static

find_source() {
	local c f places=(/work/shared/kvmtool "$TOP/../shared/kvmtool")
	[ -z "${KVMTOOL_SRC:-}" ] || places=("$KVMTOOL_SRC")
	for c in "${places[@]}"; do
		if [ -f "$c" ]; then
			echo "$c"
			return 0
		fi
		[ -d "$c" ] || continue
		if [ -f "$c/Makefile" ] && [ -f "$c/builtin-run.c" ]; then
			echo "$c"
			return 0
		fi
		f=$(find "$c" -maxdepth 1 -name 'kvmtool-*.tar.gz' | sort | tail -n 1)
		if [ -n "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

if ! SRC=$(find_source); then
	rm -f "$BIN"
	if [ -n "${KVMTOOL_SRC:-}" ]; then
		why="KVMTOOL_SRC=$KVMTOOL_SRC is not a kvmtool tarball or tree"
	else
		why="KVMTOOL_SRC unset and no /work/shared/kvmtool"
	fi
	log "kvmtool: no kvmtool source ($why): lkvm_test will skip"
	exit 0
fi

mapfile -t PATCHES < <(find "$TOP/kvmtool" -maxdepth 1 -name '*.patch' \
			! -name '0000-cover-letter.patch' 2>/dev/null | sort)

# What the binary is made from: the source, the patches, this script.
stamp() {
	if [ -f "$SRC" ]; then
		sha256sum < "$SRC"
	else
		(cd "$SRC" && find . -path ./.git -prune -o -type f -print0 | sort -z |
			xargs -0 sha256sum) | sha256sum
	fi
	cat /dev/null "${PATCHES[@]}" "$0" | sha256sum
}
want=$(stamp)
if [ -x "$BIN" ] && [ "$(cat "$KT/stamp" 2>/dev/null)" = "$want" ]; then
	log "kvmtool: up to date: $BIN"
	exit 0
fi

# libfdt-dev:arm64 (headers and libfdt.a), for the device trees lkvm makes.
FDT=$KT/libfdt
if [ ! -f "$FDT/libfdt.a" ]; then
	log "kvmtool: downloading libfdt-dev:arm64"
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		$SUDO dpkg --add-architecture arm64
	mkdir -p "$KT/debs"
	rm -f "$KT"/debs/libfdt-dev_*_arm64.deb
	# apt-get download drops its privileges to _apt when it can.
	chmod 777 "$KT/debs"
	if ! (cd "$KT/debs" && apt-get download -qq libfdt-dev:arm64) >/dev/null 2>&1; then
		$SUDO apt-get update -qq || true
		(cd "$KT/debs" && apt-get download -qq libfdt-dev:arm64) ||
			die "kvmtool: cannot download libfdt-dev:arm64"
	fi
	rm -rf "$FDT" "$KT/fdt-x"
	dpkg-deb -x "$KT"/debs/libfdt-dev_*_arm64.deb "$KT/fdt-x"
	mkdir -p "$FDT"
	cp "$KT"/fdt-x/usr/include/{libfdt.h,libfdt_env.h,fdt.h} \
	   "$KT"/fdt-x/usr/lib/aarch64-linux-gnu/libfdt.a "$FDT/"
	rm -rf "$KT/fdt-x"
fi

log "kvmtool: building lkvm-static from $SRC + ${#PATCHES[@]} patches"
SRCDIR=$KT/src
rm -rf "$SRCDIR"
mkdir -p "$SRCDIR"
if [ -f "$SRC" ]; then
	tar -C "$SRCDIR" --strip-components=1 -xzf "$SRC"
else
	(cd "$SRC" && tar --exclude=./.git -cf - .) | tar -C "$SRCDIR" -xf -
fi
# Its own repository, so that git apply works relative to it wherever the
# cache is.
git init -q "$SRCDIR"
for p in "${PATCHES[@]}"; do
	git -C "$SRCDIR" apply -p1 "$p" 2>"$LOGS/kvmtool-apply.log" || {
		cat "$LOGS/kvmtool-apply.log" >&2
		die "kvmtool: patch does not apply: kvmtool/$(basename "$p")"
	}
done
if ! make -C "$SRCDIR" -j$(($(nproc) + 1)) ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- LIBFDT_DIR="$FDT" lkvm-static \
	>"$LOGS/kvmtool.log" 2>&1; then
	tail -n 30 "$LOGS/kvmtool.log" >&2
	die "kvmtool: build failed, full log: $LOGS/kvmtool.log"
fi
aarch64-linux-gnu-strip -o "$BIN.tmp" "$SRCDIR/lkvm-static"
mv "$BIN.tmp" "$BIN"
echo "$want" > "$KT/stamp"
log "kvmtool: $BIN ($(du -h "$BIN" | cut -f1))"
