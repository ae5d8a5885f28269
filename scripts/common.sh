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

# The Debian linux-source-6.12 version the series applies to: one line in
# the repository, written by "make export" and "make rebase".
PIN_FILE=$TOP/base-version
pinned_version() {
	tr -d ' \t\n' < "$PIN_FILE" 2>/dev/null
}
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# The versions of linux-source-6.12 Debian serves, newest first, from the
# machine's package lists.
served_versions() {
	apt-cache madison linux-source-6.12 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); if (!seen[$2]++) print $2 }'
}

# Download linux-source-6.12=$1 into $CACHE/debs (not installed) and unpack
# its tarball into $2 with the top directory stripped.
unpack_source() {
	local ver=$1 dest=$2 deb
	local dir=$CACHE/debs
	mkdir -p "$dir"
	deb=$dir/linux-source-6.12_${ver/:/%3a}_all.deb
	if [ ! -s "$deb" ]; then
		log "downloading linux-source-6.12 $ver"
		# apt-get download drops its privileges to _apt when it can.
		chmod 777 "$dir"
		if ! (cd "$dir" && apt-get download -qq "linux-source-6.12=$ver") >/dev/null 2>&1; then
			$SUDO apt-get update -qq || true
			(cd "$dir" && apt-get download -qq "linux-source-6.12=$ver") >/dev/null 2>&1 ||
				die "Debian no longer serves linux-source-6.12 $ver: move the series to a version it serves with 'make rebase' (newest: $(served_versions | head -n 1))"
		fi
	fi
	log "unpacking linux-source-6.12 $ver"
	rm -rf "$dest" && mkdir -p "$dest"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/linux-source-6.12.tar.xz' |
		tar -C "$dest" --strip-components=1 -xJf -
	# Debian appends "ignore everything at the top level" to .gitignore,
	# which would hide every new file of the series from git; drop that
	# block so the base behaves like an upstream tree.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$dest/.gitignore"
	sed -i -e :a -e '/^#\?\n*$/{$d;N;ba' -e '}' "$dest/.gitignore"
}

# One line when Debian serves a newer linux-source-6.12 than the pinned one.
note_newer_base() {
	local pin newest
	pin=$(pinned_version)
	newest=$(served_versions | head -n 1)
	[ -n "$pin" ] && [ -n "$newest" ] &&
		dpkg --compare-versions "$newest" gt "$pin" &&
		log "note: Debian serves linux-source-6.12 $newest, newer than the series' base $pin ('make rebase' moves it)"
	return 0
}
