#!/bin/bash
# Install what the harness needs from Debian's archive, only when missing.
# Idempotent: a second run installs nothing and prints nothing but a summary.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross flex bison bc
      cpio ccache git make rsync xz-utils libssl-dev libelf-dev perl python3
      python3-docutils python3-sphinx python3-sphinx-rtd-theme"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

updated=
apt_update() {
	[ -n "$updated" ] && return
	log "apt-get update"
	$SUDO apt-get update -qq
	updated=1
}

if [ -n "$missing" ]; then
	apt_update
	log "installing:$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $missing
fi

# QEMU from bookworm-backports: Debian 12's own QEMU 7.2 mishandles EL2 TLB
# invalidation in hVHE mode (fixed in 8.1), and hVHE is what pKVM runs on
# hardware with VHE. The suite comes from the mirror the machine already uses.
BPO_LIST=/etc/apt/sources.list.d/pkvm-pvm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/\?$/\1/p' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
	[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*\/debian\)\/\? bookworm .*/\1/p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	log "adding the bookworm-backports suite ($mirror) as $BPO_LIST"
	printf '%s\n' "Types: deb" "URIs: $mirror" "Suites: bookworm-backports" \
		"Components: main" \
		"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
		$SUDO tee "$BPO_LIST" >/dev/null
	updated=
fi
if ! qemu_version_ok; then
	apt_update
	log "installing qemu-system-arm from bookworm-backports"
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports qemu-system-arm
fi

# busybox for the arm64 initramfs: unpacked into the cache, not installed.
BB="$CACHE/busybox/bin/busybox"
if [ ! -x "$BB" ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "dpkg --add-architecture arm64"
		$SUDO dpkg --add-architecture arm64
		updated=
	fi
	apt_update
	log "downloading busybox-static:arm64"
	tmp=$(mktemp -d)
	(cd "$tmp" && chmod 777 . && apt-get download -qq busybox-static:arm64)
	mkdir -p "$CACHE/busybox/bin"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
	cp "$tmp/x/bin/busybox" "$BB"
	rm -rf "$tmp"
fi
log "dependencies present ($(qemu_version))"
