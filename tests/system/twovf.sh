#!/usr/bin/env bash
# A guest with two VFs (sourced by tests/system/run.sh, which provides
# lib.sh; tests/system/twovf.conf): alpha's VFs 0 and 2 appear on its bus at
# 00:01.0 and 00:02.0, each with its own MAC, IOMMU attachment and MSI-X;
# igbvf brings both up, and alpha pings beta through each (two subnets, so
# that the route picks the interface), the NIC counting traffic on both of
# alpha's VFs. Its second VF's BAR0 moved onto its first's is refused and
# both ping on. The console's list names both.

twovf_esc=$'\x1d' # Ctrl-]

twovf_feed() {
	wait_for "$n" 120 '^\[alpha\] vftest: done'
	# Beta answers on the second subnet too, from its one VF.
	printf '%s2ip addr add 10.0.1.2/24 dev eth0 && echo beta-$((2 + 2))-second\r' "$twovf_esc" >&3
	wait_for "$n" 30 '^\[beta\] beta-4-second'
	# Alpha: its bus, its second interface up, then a ping through each.
	printf '%s1echo bus: $(ls /sys/bus/pci/devices)\r' "$twovf_esc" >&3
	wait_for "$n" 30 '^\[alpha\] bus: 0000'
	printf 'for i in $(seq 30); do grep -q 1 /sys/class/net/eth1/carrier 2>/dev/null && break; ip link set eth1 up 2>/dev/null; sleep 1; done; ip addr add 10.0.1.1/24 dev eth1; echo eth1 carrier $(cat /sys/class/net/eth1/carrier) mac $(cat /sys/class/net/eth1/address) via $(ip route get 10.0.1.2 | grep -o "dev [a-z0-9]*")\r' >&3
	wait_for "$n" 60 '^\[alpha\] eth1 carrier'
	printf 'ping -c 3 -W 2 10.0.1.2 >/dev/null && echo second-vf-ping-ok; ping -c 3 -W 2 10.0.0.2 >/dev/null && echo first-vf-ping-ok\r' >&3
	wait_for "$n" 60 '^\[alpha\] first-vf-ping-ok'
	# Its second VF's BAR0 moved onto its first VF's: refused (the first
	# placed keeps its place), and both VFs work on.
	printf 'vftest bar:0x$(head -n 1 /sys/bus/pci/devices/0000:00:01.0/resource | cut -c3-18)@2\r' >&3
	wait_for "$n" 30 '^\[alpha\] vftest: bar0 moved'
	printf 'ping -c 3 -W 2 10.0.1.2 >/dev/null && echo second-vf-again-ok; ping -c 3 -W 2 10.0.0.2 >/dev/null && echo first-vf-again-ok\r' >&3
	wait_for "$n" 60 '^\[alpha\] first-vf-again-ok'
	printf '%s:list\r' "$twovf_esc" >&3
	wait_for "$n" 20 '^vfvisor: console: beta: '
	printf '%s:stats alpha\r' "$twovf_esc" >&3
	wait_for "$n" 20 '^vfvisor: guest alpha: vf 2: rx '
}

twovf_test() {
	local n=twovf-bios
	if ! scripts/mkiso.sh "$SYS_DIR/$n.iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd tests/system/twovf.conf=vfvisor.conf ||
		! boot_io "$n" bios "$SYS_DIR/$n.iso" 300 '^\[beta\] vftest: done|no guest started' \
			twovf_feed; then
		fail "$n: a guest with two VFs and one with one run"
		return
	fi
	pass "$n: a guest with two VFs and one with one run"
	expect "$n" '^vfvisor: sriov: PF [0-9a-f:.]+ enabled 3 VFs' "the NIC gets the 3 VFs the configuration names"
	expect "$n" '^vfvisor: guest alpha: vf 0 \([0-9a-f:.]+\) at 00:01.0, may DMA to its 256 MiB only' "alpha's first VF at 00:01.0"
	expect "$n" '^vfvisor: guest alpha: vf 2 \([0-9a-f:.]+\) at 00:02.0, may DMA to its 256 MiB only' "alpha's second VF at 00:02.0"
	expect "$n" '^vfvisor: guest alpha: vf 2 mac 02:00:00:00:a1:02 \(from the configuration\)' "alpha's second VF has the second MAC"
	expect "$n" '^vfvisor: guest beta: vf 1 \([0-9a-f:.]+\) at 00:01.0' "beta's VF at 00:01.0"
	expect "$n" '^\[alpha\] bus: 0000:00:00\.0 0000:00:01\.0 0000:00:02\.0 0000:00:1f\.0\s*$' "alpha's bus: the host bridge, both VFs and the serial port"
	expect "$n" '^\[alpha\] vftest: net eth0 10\.0\.0\.1/24 up' "alpha's first VF links up (its init)"
	expect "$n" '^\[alpha\] eth1 carrier 1 mac 02:00:00:00:a1:02 via dev eth1' "alpha's second VF links up with its MAC, the route to 10.0.1.2 through it"
	expect "$n" '^\[alpha\] second-vf-ping-ok' "alpha pings beta through its second VF"
	expect "$n" '^\[alpha\] first-vf-ping-ok' "alpha pings beta through its first VF"
	expect "$n" '^vfvisor: warning: guest alpha: vf 2 bar0 at 0x[0-9a-f]+: another of its vfs has a bar there' \
		"its second VF's BAR0 onto its first's: refused, logged"
	expect "$n" '^\[alpha\] second-vf-again-ok' "alpha pings through its second VF after its BAR went back"
	expect "$n" '^\[alpha\] first-vf-again-ok' "alpha pings through its first VF after that: its BAR0 kept its place"
	expect "$n" '^vfvisor: console: alpha: running, 1 cpu \(host 1\), 256 MiB, vf 0 mac 02:00:00:00:a1:01, vf 2 mac 02:00:00:00:a1:02\s*$' \
		"list names both of alpha's VFs with their MACs"
	local rx0 rx2
	rx0=$(vf_packets "$n" alpha 0 rx)
	rx2=$(vf_packets "$n" alpha 2 rx)
	if [ "${rx0:-0}" -gt 0 ] && [ "${rx2:-0}" -gt 0 ]; then
		pass "$n: the NIC counted traffic on both of alpha's VFs (rx $rx0 and $rx2 packets)"
	else
		fail "$n: the NIC counted traffic on both of alpha's VFs (rx ${rx0:-none} and ${rx2:-none} packets)"
	fi
	expect_not "$n" 'vfvisor: (error|warning): (config|igb|iommu|sriov|nic)|guest alpha: vf 0 (bar|msi-x)|guest alpha: vf 2 msi-x' \
		"no configuration, NIC or IOMMU errors or warnings, nothing refused but that BAR"
}
