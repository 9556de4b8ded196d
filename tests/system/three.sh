#!/usr/bin/env bash
# More than two guests (sourced by tests/system/run.sh, which provides
# lib.sh): three guests on three VFs of a 4-CPU machine, configured by the
# file alone (no vfs= on the command line: the NIC gets the three VFs the
# configuration names), each pinging the two others.

# While QEMU runs: the other two finish their pings too.
three_wait() {
	wait_for "$n" 60 '^\[alpha\] vftest: done'
	wait_for "$n" 60 '^\[beta\] vftest: done'
}

three_test() {
	local n=guests-three g peer name
	if ! scripts/mkiso.sh "$SYS_DIR/$n.iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd tests/system/guests-three.conf=vfvisor.conf ||
		! SMP=4 boot_io "$n" bios "$SYS_DIR/$n.iso" 300 '^\[gamma\] vftest: done|no guest started' \
			three_wait ||
		! grep -qa '^\[gamma\] vftest: done' "$SYS_DIR/$n.log"; then
		fail "$n: three guests run"
		return
	fi
	pass "$n: three guests run"
	expect "$n" '^vfvisor: sriov: PF [0-9a-f:.]+ enabled 3 VFs' "the NIC gets the 3 VFs the configuration names, with no vfs= given"
	for g in alpha beta gamma; do
		expect "$n" "^vfvisor: guest $g: vf [0-2] \\([0-9a-f:.]+\\) at 00:01.0, may DMA to its 192 MiB only" "$g has its VF"
	done
	for g in 1:2 1:3 2:3 2:1 3:1 3:2; do
		peer=10.0.0.${g#*:}
		case ${g%%:*} in 1) name=alpha ;; 2) name=beta ;; *) name=gamma ;; esac
		expect "$n" "^\\[$name\\] vftest: ping $peer ok" "$name pings $peer"
	done
	expect_not "$n" 'vfvisor: (error|warning): (config|igb|iommu|sriov|nic)' "no configuration, NIC or IOMMU errors or warnings"
}
