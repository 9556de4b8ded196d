#!/usr/bin/env bash
# install.sh install DESTDIR VFVISOR.elf | install.sh uninstall DESTDIR
# `make install` / `make uninstall`. Installs under DESTDIR (empty: /):
#   /boot/vfvisor/vfvisor.elf     the hypervisor (replaced on every install)
#   /boot/vfvisor/vfvisor.conf    its configuration: the demo's, as an
#                                 example, only where there is none yet
#   /etc/default/vfvisor          settings for the GRUB entry, only if absent
#   /etc/grub.d/20_vfvisor        prints the "vfvisor" GRUB menu entry
# and lists what it wrote, with checksums, in /var/lib/vfvisor/installed.
# Uninstall removes exactly those files, keeping (and naming) any changed
# since, and the folders it made if they are left empty.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
what=${1:?usage: install.sh install|uninstall DESTDIR [VFVISOR.elf]}
dest=${2-}
manifest=$dest/var/lib/vfvisor/installed

sum() { sha256sum "$1" | cut -d' ' -f1; }

# put SRC PATH MODE [keep]: install SRC as DESTDIR/PATH; with keep, not over
# an existing file.
put() {
	local src=$1 path=$2 mode=$3 keep=${4-}
	if [ -n "$keep" ] && [ -e "$dest$path" ]; then
		echo "install: $path exists: kept as it is"
		return
	fi
	install -D -m "$mode" "$src" "$dest$path"
	# one line per path: the newest checksum
	grep -v "  $path\$" "$manifest" >"$manifest.new" || true
	echo "$(sum "$dest$path")  $path" >>"$manifest.new"
	mv "$manifest.new" "$manifest"
	echo "install: $path"
}

case $what in
install)
	elf=${3:?usage: install.sh install DESTDIR VFVISOR.elf}
	mkdir -p "$(dirname "$manifest")"
	touch "$manifest"
	put "$elf" /boot/vfvisor/vfvisor.elf 644
	put "$here/../guest/vfvisor.conf" /boot/vfvisor/vfvisor.conf 644 keep
	put "$here/vfvisor.default" /etc/default/vfvisor 644 keep
	put "$here/20_vfvisor" /etc/grub.d/20_vfvisor 755
	echo "install: done; name the guests' kernels and initrds in /etc/default/vfvisor if they are not /boot/NAME, then run update-grub"
	;;
uninstall)
	if [ ! -f "$manifest" ]; then
		echo "uninstall: nothing installed (no $manifest)" >&2
		exit 1
	fi
	while read -r s path; do
		if [ ! -e "$dest$path" ]; then
			echo "uninstall: $path: already gone"
		elif [ "$(sum "$dest$path")" = "$s" ]; then
			rm -f "$dest$path"
			echo "uninstall: $path"
		else
			echo "uninstall: $path: changed since it was installed: kept"
		fi
	done <"$manifest"
	rm -f "$manifest"
	rmdir "$dest/var/lib/vfvisor" "$dest/boot/vfvisor" 2>/dev/null || true
	echo "uninstall: done; run update-grub to drop the menu entry"
	;;
*)
	echo "install.sh: install or uninstall, not '$what'" >&2
	exit 2
	;;
esac
