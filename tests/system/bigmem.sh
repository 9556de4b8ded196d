#!/usr/bin/env bash
# A guest above 3 GiB (sourced by tests/system/run.sh, which provides
# lib.sh): a 4 GiB guest on a 6 GiB machine sees its 4096 MiB (the e820's
# RAM below the PCI window and from 4 GiB), pings the other guest through
# its VF, and its VF's DMA just past its RAM (5 GiB) faults. With the test
# aid ram.piece_mib=128 its RAM is carved in 32 pieces of host memory (the
# most a guest may have), beta's in 2: nested paging, the IOMMU domain and
# the loader each follow the pieces. (Beta's host
# address, the IOVA isolation.sh aims at, is alpha's own RAM here: an IOVA
# is a guest-physical address, so no IOVA of alpha's reaches beta.)

bigmem_feed() {
	wait_for "$n" 120 '^\[alpha\] vftest: done'
	wait_for "$n" 60 '^\[beta\] vftest: done'
	printf '%s1vftest dma:0x140000000\r' "$esc" >&3
	wait_for "$n" 30 '^\[alpha\] vftest: dma '
	printf '%s1ping -c 2 -W 1 10.0.0.2 >/dev/null; echo "pings-"sent\r' "$esc" >&3
	wait_for "$n" 60 '^\[alpha\] pings-sent'
	wait_for "$n" 20 '^vfvisor: error: iommu: dma fault: [0-9a-f:.]+ \(domain alpha\)'
}

bigmem_test() {
	local n=guests-bigmem esc=$'\x1d'
	if ! scripts/mkiso.sh "$SYS_DIR/$n.iso" build/vfvisor.elf "loglevel=2 ram.piece_mib=128" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
		tests/system/bigmem.conf=vfvisor.conf ||
		! MEM=6G boot_io "$n" bios "$SYS_DIR/$n.iso" 300 '^\[alpha\] vftest: ram_mib=|no guest started' \
			bigmem_feed; then
		fail "$n: a 4 GiB guest boots"
		return
	fi
	pass "$n: a 4 GiB guest boots"
	expect "$n" "^vfvisor: guest alpha: 4096 MiB in 32 pieces \\(above\\), kernel" "alpha's 4 GiB in 32 pieces of host memory"
	expect_count "$n" '^vfvisor: guest alpha: ram 0x[0-9a-f]+-0x[0-9a-f]+ \(128 MiB\) at host 0x[0-9a-f]+\s*$' 32 "each piece 128 MiB"
	expect "$n" '^vfvisor: guest alpha: ram 0x0-0x7ffffff \(128 MiB\) at host ' "its RAM from 0"
	expect "$n" '^vfvisor: guest alpha: ram 0xb8000000-0xbfffffff \(128 MiB\) at host ' "its RAM up to the PCI window (3 GiB)"
	expect "$n" '^vfvisor: guest alpha: ram 0x100000000-0x107ffffff \(128 MiB\) at host ' "its RAM from 4 GiB"
	expect "$n" '^vfvisor: guest alpha: ram 0x138000000-0x13fffffff \(128 MiB\) at host ' "its RAM up to 5 GiB (the fourth GiB)"
	expect "$n" "^vfvisor: guest beta: 256 MiB in 2 pieces \\(above\\), kernel" "beta's 256 MiB in 2 pieces"
	expect "$n" '^vfvisor: guest alpha: vf 0 \([0-9a-f:.]+\) at 00:01.0, may DMA to its 4096 MiB only' \
		"alpha's VF may DMA to all of its 4 GiB"
	expect "$n" '^\[alpha\] vftest: ram_mib=4096\s*$' "alpha sees its 4096 MiB"
	expect "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok' "alpha pings beta through its VF"
	expect "$n" '^\[beta\] vftest: ping 10.0.0.1 ok' "beta pings alpha through its VF"
	expect "$n" '^vfvisor: error: iommu: dma fault: [0-9a-f:.]+ \(domain alpha\) write at 0x140000000' \
		"alpha's VF DMA just past its RAM (5 GiB) faults"
	expect_not "$n" '^\[(alpha|beta)\] .*(Kernel panic|BUG:)' "no guest panic"
}
