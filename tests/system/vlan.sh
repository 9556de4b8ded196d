#!/usr/bin/env bash
# Port VLANs and jumbo frames on the wire between two guests (sourced by
# tests/system/run.sh, which provides lib.sh): on one VLAN with MTU 9000
# they ping with 8000 bytes of payload both ways and move 16 MiB over TCP;
# on two VLANs they cannot reach each other at all.

# vlan_boot NAME FW CONF DONE_RE: an ISO with both guests and CONF, booted.
vlan_boot() {
	scripts/mkiso.sh "$SYS_DIR/$1.iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta "$3=vfvisor.conf" &&
		boot "$1" "$2" "$SYS_DIR/$1.iso" 300 "$4"
}

vlan_same_test() { # FW
	local n=vlan-jumbo-$1
	if ! vlan_boot "$n" "$1" tests/system/vlan-same.conf '^\[beta\] vftest: (fetched|fetch from)'; then
		fail "$n: two guests on VLAN 10 run their actions"
		return
	fi
	pass "$n: two guests on VLAN 10 run their actions"
	expect "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok' "alpha pings beta on their port VLAN"
	expect "$n" '^\[beta\] vftest: ping 10.0.0.1 ok' "beta pings alpha on their port VLAN"
	expect "$n" '^\[alpha\] vftest: mtu 9000 set on ' "alpha's MTU 9000"
	expect "$n" '^\[beta\] vftest: mtu 9000 set on ' "beta's MTU 9000"
	expect "$n" '^\[alpha\] vftest: ping 10.0.0.2 size 8000 ok' "8000-byte pings alpha to beta"
	expect "$n" '^\[beta\] vftest: ping 10.0.0.1 size 8000 ok' "8000-byte pings beta to alpha"
	expect_transfer "$n" "$n: 16 MiB over TCP at MTU 9000, checksum intact"
	expect_not "$n" 'vfvisor: (error|warning): (igb|iommu|sriov)' "no NIC or IOMMU errors or warnings"
}

# While QEMU runs: alpha gives up its pings too.
vlan_apart_wait() {
	wait_for "$n" 150 '^\[alpha\] vftest: done'
}

vlan_apart_test() { # FW
	local n=vlan-apart-$1
	if ! scripts/mkiso.sh "$SYS_DIR/$n.iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
		tests/system/vlan-apart.conf=vfvisor.conf ||
		! boot_io "$n" "$1" "$SYS_DIR/$n.iso" 300 '^\[beta\] vftest: done' vlan_apart_wait; then
		fail "$n: guests on VLANs 10 and 20 boot"
		return
	fi
	expect "$n" '^\[alpha\] vftest: net eth0 10.0.0.1/24 up' "alpha's VF up (VLAN 10)"
	expect "$n" '^\[beta\] vftest: net eth0 10.0.0.2/24 up' "beta's VF up (VLAN 20)"
	expect "$n" '^\[alpha\] vftest: ping 10.0.0.2 failed' "alpha cannot reach beta on another VLAN"
	expect "$n" '^\[beta\] vftest: ping 10.0.0.1 failed' "beta cannot reach alpha on another VLAN"
	expect_not "$n" '^\[(alpha|beta)\] vftest: ping [0-9.]+ ok' "no ping gets through"
}
