#!/usr/bin/env bash
# A DPDK application in a guest (sourced by tests/system/run.sh, which
# provides lib.sh; tests/system/dpdk.conf): alpha's VF is driven from user
# space by Debian's dpdk-testpmd 22.11 (the igb VF PMD in poll mode through
# uio_pci_generic, 2 MiB hugepages, icmpecho forwarding: it answers ARP and
# pings) while beta's kernel igbvf pings it. The PMD's mailbox messages are
# answered as Linux's igb PF answers them (its request for unicast
# promiscuous mode refused, as Linux refuses it); packets are counted by
# testpmd, by beta and by the NIC.

dpdk_feed() {
	wait_for "$n" 150 '^\[alpha\] vftest: (dpdk: Port 0|dpdk failed)'
	printf '\x1ds' >&3 # the exit counters and each VF's traffic
	wait_for "$n" 20 '^vfvisor: guest beta: vf 1: rx '
}

dpdk_test() {
	local n=dpdk-bios line rx tx
	if ! scripts/mkiso.sh "$SYS_DIR/$n.iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd-dpdk.gz=initrd-dpdk build/guest/initrd.gz=initrd \
		tests/system/dpdk.conf=vfvisor.conf ||
		! SMP=4 boot_io "$n" bios "$SYS_DIR/$n.iso" 300 '^\[beta\] vftest: done|no guest started' \
			dpdk_feed; then
		fail "$n: a DPDK guest and a kernel one run"
		return
	fi
	pass "$n: a DPDK guest and a kernel one run"
	expect "$n" '^\[alpha\] vftest: dpdk: 0000:00:01\.0 on uio_pci_generic, 64 hugepages' \
		"alpha's VF moves from igbvf to uio_pci_generic, hugepages set"
	expect "$n" '^\[alpha\] EAL: Probe PCI driver: net_e1000_igb_vf \(8086:10ca\) device: 0000:00:01\.0|^\[alpha\] vftest: dpdk: Port 0' \
		"DPDK's igb VF PMD takes the VF"
	expect "$n" '^\[beta\] vftest: ping 10\.0\.0\.1 ok' "beta's kernel igbvf pings alpha's DPDK port"
	line=$(tr -d '\r' <"$SYS_DIR/$n.log" | grep -a '^\[alpha\] vftest: dpdk: Port 0' | tail -n 1)
	rx=$(echo "$line" | sed -n 's/.* rx \([0-9]*\) packets.*/\1/p')
	tx=$(echo "$line" | sed -n 's/.* tx \([0-9]*\) packets.*/\1/p')
	if echo "$line" | grep -q 'Port 0: 02:00:00:00:A1:01,' && [ "${rx:-0}" -gt 0 ] && [ "${tx:-0}" -gt 0 ]; then
		pass "$n: testpmd on alpha's configured MAC received $rx and sent $tx packets"
	else
		fail "$n: testpmd on alpha's configured MAC received and sent packets (its line: '${line:-none}')"
	fi
	rx=$(vf_packets "$n" alpha 0 rx)
	tx=$(vf_packets "$n" alpha 0 tx)
	if [ "${rx:-0}" -gt 0 ] && [ "${tx:-0}" -gt 0 ]; then
		pass "$n: the NIC counted alpha's VF both ways (rx $rx, tx $tx packets)"
	else
		fail "$n: the NIC counted alpha's VF both ways (rx ${rx:-none}, tx ${tx:-none} packets)"
	fi
	expect "$n" '^vfvisor: warning: igb 0000:01:00\.0: vf 0 \(guest alpha\): refused unicast promiscuous mode' \
		"the PMD's unicast promiscuous request refused, as Linux's igb refuses it"
	expect_not "$n" 'vfvisor: error|guest alpha: vf 0 (bar|msi-x)|\[alpha\] .*(Kernel panic|BUG:)' \
		"no error, no refused BAR or MSI-X, no guest panic"
}
