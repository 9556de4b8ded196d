#!/usr/bin/env bash
# Install everything vfvisor's build and tests need on Debian 12, idempotently.
# QEMU 10 (igb with SR-IOV) comes from bookworm-backports; the backports suite
# is added with the same mirror URI the machine already uses for bookworm, so
# no host name is written here.
set -euo pipefail

PKGS=(gcc make nasm binutils gnu-efi grub-common grub-pc-bin grub-efi-amd64-bin
      xorriso mtools ovmf seabios libcmocka-dev busybox-static cpio bochs
      bochsbios vgabios clang-format dpkg-dev clang libclang-rt-14-dev)
BACKPORTS_PKGS=(qemu-system-x86)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { echo "deps: $*"; }

# The URI serving the plain "bookworm" suite, in deb822 or one-line form.
bookworm_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN{RS="";FS="\n"}
		     { uri=""; suites=""
		       for (i=1;i<=NF;i++) {
			 if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/,"",$i); uri=$i }
			 if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/,"",$i); suites=" " $i " " }
		       }
		       if (suites ~ / bookworm / && uri != "") { split(uri,u," "); print u[1]; exit } }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		     if ($(i+1)=="bookworm") { print $i; exit } }' "$f"
	done
}

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null || return 1
	local v
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1)
	[ "${v:-0}" -ge 10 ]
}

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ] && qemu_ok; then
	log "all packages present"
	exit 0
fi

if ! have_backports; then
	uri=$(bookworm_uri | head -n1)
	if [ -z "$uri" ]; then
		echo "deps: no apt source for bookworm found; cannot add bookworm-backports" >&2
		exit 1
	fi
	log "adding bookworm-backports from the configured bookworm mirror"
	$SUDO tee /etc/apt/sources.list.d/vfvisor-backports.sources >/dev/null <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! qemu_ok; then
	log "installing QEMU from bookworm-backports"
	$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports \
		"${BACKPORTS_PKGS[@]}"
fi
qemu_ok || { echo "deps: QEMU >= 10 not available" >&2; exit 1; }
log "done: $(qemu-system-x86_64 --version | head -n1)"
