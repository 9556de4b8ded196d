#!/usr/bin/env bash
# `make install` on a real machine, tried against a DESTDIR tree (sourced by
# tests/system/run.sh, which provides lib.sh): what is installed, the GRUB
# entry install/20_vfvisor prints for it (kernels found under /boot or
# named in /etc/default/vfvisor; a module it cannot find named with its
# configuration line, and then no entry), an ISO built from that entry alone
# booting both guests, and `make uninstall` removing exactly what install
# wrote (a file changed since is kept).

install_test() {
	local n=install d=$SYS_DIR/install-root out err entry
	rm -rf "$d"
	if ! make --no-print-directory install DESTDIR="$d" >"$SYS_DIR/$n.install.log" 2>&1; then
		fail "$n: make install DESTDIR=... ($(tail -n1 "$SYS_DIR/$n.install.log"))"
		return
	fi
	local f missing=
	for f in boot/vfvisor/vfvisor.elf boot/vfvisor/vfvisor.conf etc/default/vfvisor \
		etc/grub.d/20_vfvisor var/lib/vfvisor/installed; do
		[ -f "$d/$f" ] || missing+=" $f"
	done
	if [ -z "$missing" ] && [ -x "$d/etc/grub.d/20_vfvisor" ] &&
		cmp -s "$d/boot/vfvisor/vfvisor.elf" build/vfvisor.elf &&
		[ "$(wc -l <"$d/var/lib/vfvisor/installed")" -eq 4 ]; then
		pass "$n: make install puts the hypervisor, its configuration, the defaults and the grub.d script under DESTDIR, listed"
	else
		fail "$n: make install puts its files under DESTDIR (missing:${missing:- none})"
	fi

	# No kernel yet: the script names the module and the line, prints nothing.
	out=$(VFVISOR_ROOT=$d "$d/etc/grub.d/20_vfvisor" 2>"$SYS_DIR/$n.err") || true
	err=$(cat "$SYS_DIR/$n.err")
	if [ -z "$out" ] && [[ $err == *"/boot/vfvisor/vfvisor.conf:"*": no file for module 'vmlinuz'"* ]]; then
		pass "$n: a kernel that cannot be found is named with its configuration line; no entry"
	else
		fail "$n: a kernel that cannot be found is named with its configuration line; no entry (out '$out', err '$err')"
	fi

	# The machine's kernels: the newest vmlinuz-* is taken; initrd-alpha is
	# /boot/initrd-alpha, initrd-beta named in /etc/default/vfvisor.
	cp build/guest/vmlinuz "$d/boot/vmlinuz-6.1.0-28-amd64"
	printf 'not a kernel\n' >"$d/boot/vmlinuz-6.1.0-9-amd64"
	cp build/guest/initrd.gz "$d/boot/initrd-alpha"
	cp build/guest/initrd.gz "$d/boot/vfvisor/beta.img"
	printf 'VFVISOR_MODULES="initrd-beta=/boot/vfvisor/beta.img"\nVFVISOR_CMDLINE="loglevel=2"\n' \
		>>"$d/etc/default/vfvisor"
	entry=$SYS_DIR/$n.entry
	VFVISOR_ROOT=$d "$d/etc/grub.d/20_vfvisor" >"$entry" 2>"$SYS_DIR/$n.err" || true
	if grep -qx '	multiboot2 /boot/vfvisor/vfvisor.elf loglevel=2' "$entry" &&
		grep -qx '	module2 /boot/vmlinuz-6.1.0-28-amd64 vmlinuz' "$entry" &&
		grep -qx '	module2 /boot/initrd-alpha initrd-alpha' "$entry" &&
		grep -qx '	module2 /boot/vfvisor/beta.img initrd-beta' "$entry" &&
		grep -qx '	module2 /boot/vfvisor/vfvisor.conf vfvisor.conf' "$entry"; then
		pass "$n: the grub.d entry: the hypervisor with its command line, the newest kernel, both initrds and the configuration"
	else
		fail "$n: the grub.d entry ($(tr '\n' ';' <"$entry"); stderr: $(cat "$SYS_DIR/$n.err"))"
	fi

	# That entry, and the tree as installed, is all the ISO holds.
	local tree=$SYS_DIR/install-tree
	rm -rf "$tree"
	mkdir -p "$tree"
	cp -a "$d/boot" "$tree/"
	if scripts/mkiso.sh --entry "$SYS_DIR/$n.iso" "$tree" "$entry" &&
		boot "$n" bios "$SYS_DIR/$n.iso" 300 '^\[beta\] vftest: (done|fetched)'; then
		pass "$n: the installed entry boots vfvisor"
		expect "$n" "^vfvisor: command line: loglevel=2\\s*\$" "the command line from /etc/default/vfvisor"
		expect "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok' "alpha, started from the installed modules, pings beta"
		expect "$n" '^\[beta\] vftest: ping 10.0.0.1 ok' "beta pings alpha"
	else
		fail "$n: the installed entry boots both guests"
	fi
	rm -rf "$tree"

	# Uninstall: what install wrote goes, a changed file stays, as do the
	# kernels it never wrote.
	printf '# mine now\n' >>"$d/boot/vfvisor/vfvisor.conf"
	make --no-print-directory uninstall DESTDIR="$d" >"$SYS_DIR/$n.uninstall.log" 2>&1
	if [ ! -e "$d/boot/vfvisor/vfvisor.elf" ] && [ ! -e "$d/etc/grub.d/20_vfvisor" ] &&
		[ ! -e "$d/var/lib/vfvisor" ] && [ -f "$d/boot/vfvisor/vfvisor.conf" ] &&
		[ -f "$d/boot/vmlinuz-6.1.0-28-amd64" ] && [ -f "$d/boot/vfvisor/beta.img" ] &&
		grep -q '^uninstall: /boot/vfvisor/vfvisor.conf: changed since it was installed: kept' \
			"$SYS_DIR/$n.uninstall.log" &&
		grep -q '^uninstall: /etc/default/vfvisor: changed since it was installed: kept' \
			"$SYS_DIR/$n.uninstall.log"; then
		pass "$n: make uninstall removes what install wrote, keeps what changed since, and the kernels"
	else
		fail "$n: make uninstall removes exactly what install wrote ($(tr '\n' ';' <"$SYS_DIR/$n.uninstall.log"))"
	fi
	rm -rf "$d"
}
