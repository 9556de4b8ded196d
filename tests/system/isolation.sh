#!/usr/bin/env bash
# Isolation of two guests sharing the NIC (sourced by tests/system/run.sh,
# which provides lib.sh). Guest alpha turns hostile on its own VF, with
# igbvf still bound, through `vftest ACTION` typed on its console
# (guest/linux/init): it points its VF's receive ring at the host address of
# beta's RAM, aims an MSI-X entry at beta's CPU, and moves its BAR0 over its
# own RAM and onto a hole. Each attempt must be refused and logged by the
# hypervisor, beta must feel nothing (its RAM page the VF was aimed at is
# read through QEMU's monitor before and after), and both guests must have a
# working network again afterwards. The same attacks run under intel-iommu
# (the VF behind a root port) and amd-iommu (IOMMU=amd, the VF on bus 0).

esc=$'\x1d' # Ctrl-]: then 1/2 picks the guest that gets the typing, s counters
# Host memory no guest has (1 GiB machine, guests low): the hypervisor's.
hv_page=0x3f000000

# iso_type GUEST_NO COMMAND REGEX TIMEOUT_S: type COMMAND on guest GUEST_NO's
# console and wait for one more line matching REGEX than there was before.
iso_type() {
	local before
	before=$(count_of "$n" "$3")
	printf '%s%s%s\r' "$esc" "$1" "$2" >&3
	wait_count "$n" "$4" "$3" "$before"
}

# iso_peek ADDR FILE: the host page at ADDR, as QEMU's monitor prints it.
iso_peek() {
	: >"$SYS_DIR/$n.mon.log"
	printf 'xp /512xg %s\n' "$1" >&4
	sleep 3
	grep -aE '^[0-9a-f]{16}:' "$SYS_DIR/$n.mon.log" | tr -d '\r' >"$2"
}

iso_feed() {
	local mon_pid pre=$SYS_DIR/$n.page-before post=$SYS_DIR/$n.page-after
	exec 4<>"$SYS_DIR/$n.mon.in"
	cat "$SYS_DIR/$n.mon.out" >>"$SYS_DIR/$n.mon.log" &
	mon_pid=$!
	wait_for "$n" 120 '^\[alpha\] vftest: done' || { fail "$n: alpha reaches 'vftest: done'"; return; }
	target=$(sed -n 's/^vfvisor: guest beta: [0-9]* MiB at host \(0x[0-9a-f]*\),.*/\1/p' "$SYS_DIR/$n.log" | head -n1)
	if [ -z "$target" ] || [ $((target)) -lt $((0x10000000)) ]; then
		fail "$n: beta's RAM lies past alpha's 256 MiB (host address '${target:-none}')"
		kill "$mon_pid"
		return
	fi
	iso_peek "$target" "$pre"
	iso_peek $hv_page "$pre-hv"

	# 1. DMA: alpha's VF writes its transmit head to beta's host address
	# after each frame it sends, then to the hypervisor's memory near the
	# top of RAM. (The quotes keep the echo of the typed line from matching.)
	iso_type 1 "vftest dma:$target" '^\[alpha\] vftest: dma ' 30
	iso_type 1 'ping -c 2 -W 1 10.0.0.2 >/dev/null; echo "pings-"sent' '^\[alpha\] pings-sent' 60
	wait_for "$n" "$iso_fault_wait" '^vfvisor: error: iommu: dma fault: [0-9a-f:.]+ \(domain alpha\)'
	iso_type 1 "vftest dma:$hv_page" '^\[alpha\] vftest: dma ' 30
	iso_type 1 'ping -c 2 -W 1 10.0.0.2 >/dev/null; echo "pings-"sent' '^\[alpha\] pings-sent' 60
	iso_peek "$target" "$post"
	iso_peek $hv_page "$post-hv"
	iso_type 1 'vftest rebind,ping:10.0.0.2' '^\[alpha\] vftest: ping 10.0.0.2 ' 120

	# 2. MSI-X entry 0 at alpha's own CPU (APIC ID 1) with an unused vector:
	# it arrives there; then at beta's CPU (APIC ID 2): refused.
	iso_type 1 'vftest msix:1:0xa0' '^\[alpha\] vftest: msix ' 60
	iso_type 1 'vftest msix:2:0xa1' '^\[alpha\] vftest: msix ' 60

	# 3. BAR0 over alpha's own kernel and onto a hole past the window.
	iso_type 1 'vftest bar:0x1000000' '^\[alpha\] vftest: bar' 60
	iso_type 1 'vftest bar:0xd0000000' '^\[alpha\] vftest: bar' 60

	# 4. A function level reset, then igbvf again: MSI-X and DMA work.
	iso_type 1 'vftest flr,rebind,ping:10.0.0.2' '^\[alpha\] vftest: ping 10.0.0.2 ' 120

	# 5. VF resets in a loop from its own BAR0, then igbvf again; past the
	# log budget's 10 s window one more reset, whose line sums up the rest.
	iso_type 1 'vftest resets:300,rebind,ping:10.0.0.2' '^\[alpha\] vftest: ping 10.0.0.2 ' 240
	sleep 11
	iso_type 1 'vftest resets:1,rebind,ping:10.0.0.2' '^\[alpha\] vftest: ping 10.0.0.2 ' 120

	# Both guests talk again, and the hypervisor still answers.
	iso_type 1 'vftest ping:10.0.0.2' '^\[alpha\] vftest: ping 10.0.0.2 ' 120
	iso_type 2 'vftest ping:10.0.0.1' '^\[beta\] vftest: ping 10.0.0.1 ' 120
	printf '%ss' "$esc" >&3
	wait_for "$n" 20 '^vfvisor: guest beta: vcpu 0 \(cpu 2\): [0-9]+ exits'
	kill "$mon_pid" 2>/dev/null
	exec 4>&-
}

# isolation_test FW [intel|amd]: the attacks under firmware FW and that IOMMU.
isolation_test() {
	local iso iommu=${2:-intel} vf
	n=isolation-$1 iso_fault_wait=20
	[ "$iommu" = amd ] && n=isolation-amdvi-$1 iso_fault_wait=5
	iso=$SYS_DIR/isolation.iso
	scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
		tests/system/isolation.conf=vfvisor.conf || { fail "$n: building the ISO"; return; }
	rm -f "$SYS_DIR/$n.mon.in" "$SYS_DIR/$n.mon.out" "$SYS_DIR/$n.mon.log"
	mkfifo "$SYS_DIR/$n.mon.in" "$SYS_DIR/$n.mon.out"
	target=
	# Under amd-iommu QEMU's own trace of its translations shows the VF's DMA
	# attempted and refused (the unit reports nothing: see below).
	local trace=()
	[ "$iommu" = amd ] && rm -f "$SYS_DIR/$n.qemu-trace" &&
		trace=(-trace amdvi_translation_result -D "$SYS_DIR/$n.qemu-trace")
	if ! IOMMU=$iommu boot_io "$n" "$1" "$iso" 300 '^\[beta\] vftest: done' iso_feed \
		-monitor "pipe:$SYS_DIR/$n.mon" "${trace[@]}"; then
		fail "$n: two guests boot to 'vftest: done'"
		return
	fi
	# Alpha's VF, as the hypervisor names it: 0000:01:10.0 behind intel-iommu's
	# root port, 0000:00:12.0 on amd-iommu's bus 0.
	vf=$(sed -n 's/^vfvisor: guest alpha: vf 0 (\([0-9a-f:.]*\)).*/\1/p' "$SYS_DIR/$n.log" | head -n1)
	rm -f "$SYS_DIR/$n.mon.in" "$SYS_DIR/$n.mon.out"
	expect "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok' "alpha pings beta before the attack"

	# DMA outside its memory: faulted, logged naming the VF and its guest;
	# nothing landed in beta (nor anywhere: the IOMMU drops the write).
	expect "$n" "^\\[alpha\\] vftest: dma tx head write-back now at $target" "alpha aims its VF's DMA at beta's RAM"
	if [ "$iommu" = amd ]; then
		# QEMU's trace: each translation the unit refused ends "hpa 0x0".
		local t=$SYS_DIR/$n.qemu-trace
		if grep -q "^amdvi_translation_result devid: ${vf#0000:} gpa $target hpa 0x0\s*\$" "$t" &&
			grep -q "^amdvi_translation_result devid: ${vf#0000:} gpa $hv_page hpa 0x0\s*\$" "$t"; then
			pass "$n: the unit refused the VF's DMA at $target and $hv_page (QEMU's amdvi_translation_result trace)"
		else
			fail "$n: the unit refused the VF's DMA at $target and $hv_page (no refused translation for ${vf:-the VF} in $t)"
		fi
	fi
	if [ "$iommu" = amd ] && ! grep -qa '^vfvisor: error: iommu: dma fault: ' "$SYS_DIR/$n.log"; then
		# The unit blocked it (the pages below are unchanged) but QEMU 10.0.2's
		# amd-iommu writes no event log entry for the driver to report.
		skip "$n: the VF's DMA fault logged: QEMU 10.0.2's amd-iommu writes no event log entry (iommu/notes/qemu-10.0.2-amd-iommu.md section 3); the refusal itself is checked in QEMU's trace and the pages"
	else
		expect "$n" "^vfvisor: error: iommu: dma fault: ${vf:-0000:01:10.0} \\(domain alpha\\) write at $target" \
			"the VF's DMA faults, logged naming VF ${vf:-?} and guest alpha"
	fi
	local pre=$SYS_DIR/$n.page-before post=$SYS_DIR/$n.page-after
	if [ "$(wc -l <"$pre")" -eq 256 ] && cmp -s "$pre" "$post"; then
		pass "$n: beta's page at $target unchanged (4 KiB read through QEMU's monitor)"
	else
		fail "$n: beta's page at $target unchanged ($(wc -l <"$pre") and $(wc -l <"$post") lines read; differ: $(cmp "$pre" "$post" 2>&1 | head -n1))"
	fi
	if [ "$(wc -l <"$pre-hv")" -eq 256 ] && cmp -s "$pre-hv" "$post-hv"; then
		pass "$n: the hypervisor's page at $hv_page unchanged"
	else
		fail "$n: the hypervisor's page at $hv_page unchanged ($(cmp "$pre-hv" "$post-hv" 2>&1 | head -n1))"
	fi
	expect "$n" '^\[alpha\] vftest: rebind 0000:00:01.0 done' "alpha resets its VF by rebinding igbvf"

	# MSI-X: on alpha's own CPU, or nowhere.
	expect "$n" '^\[alpha\] .*0\.160 No irq handler for vector' "MSI-X aimed at its own CPU arrives there with its vector"
	expect "$n" '^vfvisor: warning: guest alpha: vf 0 msi-x entry 0 \(address 0xfee02000 .*\) refused: ' \
		"MSI-X aimed at beta's CPU refused and logged"
	expect_not "$n" '^\[beta\] .*No irq handler for vector' "beta gets no stray interrupt"

	# BARs over its own RAM and onto a hole: not mapped; alpha runs on.
	expect "$n" '^vfvisor: warning: guest alpha: vf 0 bar0 at 0x1000000 \(16 KiB\) not mapped: outside its pci window' \
		"BAR0 over alpha's RAM not mapped, logged"
	expect "$n" '^vfvisor: warning: guest alpha: vf 0 bar0 at 0xd0000000 \(16 KiB\) not mapped: outside its pci window' \
		"BAR0 on a hole not mapped, logged"
	expect "$n" '^\[alpha\] vftest: bar0 moved to 0xd0000000 and back to 0xc' "alpha runs on after its BAR moves"

	# FLR: forwarded to the real VF, interrupt entries rebuilt after it.
	expect "$n" '^\[alpha\] vftest: flr 0000:00:01.0 done' "alpha resets its VF (FLR through sysfs)"
	expect "$n" '^vfvisor: guest alpha: vf 0: function level reset' "the FLR reaches the hypervisor"
	expect_order "$n" '^\[alpha\] vftest: flr ' '^\[alpha\] vftest: ping 10.0.0.2 ok' \
		"alpha pings beta after the FLR" last

	# VF resets in a loop: the PF's line for them has a budget (8 per 10 s),
	# the rest counted and summed up on the next window's first line. From
	# the loop's start to the ping after the single reset: lines printed,
	# summaries, and the resets they held back.
	expect "$n" '^\[alpha\] vftest: resets: 300 done' "alpha resets its VF 300 times from its BAR0"
	local flrs flr_lines flr_sums flr_held
	flrs=$(tr -d '\r' <"$SYS_DIR/$n.log" | awk '
		/^\[alpha\] vftest: resets: 300 from bar0 start/ { on = 1 }
		/^\[alpha\] vftest: resets: 1 done/ { last = 1 }
		on && last && /^\[alpha\] vftest: ping 10.0.0.2 / { on = 0 }
		on && /^vfvisor: igb [0-9a-f:.]+: vf 0: function level reset/ {
			lines++
			if (match($0, /\([0-9]+ more suppressed\)/)) { sums++; held += substr($0, RSTART + 1) + 0 }
		}
		END { print lines + 0, sums + 0, held + 0 }')
	read -r flr_lines flr_sums flr_held <<<"$flrs"
	if [ "$flr_held" -gt 0 ] && [ "$flr_lines" -le $((8 * (flr_sums + 1))) ]; then
		pass "$n: the PF logs its resets within budget ($flr_lines lines, $flr_held held back in $flr_sums summaries)"
	else
		fail "$n: the PF logs its resets within budget ($flr_lines lines, $flr_held held back in $flr_sums summaries)"
	fi
	expect "$n" '^vfvisor: igb [0-9a-f:.]+: vf 0: function level reset \(further ones for 10 s only counted\)' \
		"the PF's reset line says when further ones are only counted"
	expect_order "$n" '^\[alpha\] vftest: resets: 300 done' '^\[alpha\] vftest: ping 10.0.0.2 ok' \
		"alpha pings beta after the resets and a rebind" last

	# Guest output reaches the console as text only: busybox's cursor
	# query after each prompt (ESC [ 6 n) is dropped whole, and no escape
	# byte gets through.
	expect "$n" '^\[alpha\] alpha:/# vftest ' "alpha's prompt and typed command shown clean"
	expect_not "$n" '^\[(alpha|beta)\] .*\?\[6n' "no '?[6n' after the guests' prompts"
	expect_not "$n" $'^\\[(alpha|beta)\\] .*\x1b' "no escape byte in a guest's line"

	# Afterwards both guests talk again; neither stopped nor panicked.
	local last_a last_b
	last_a=$(grep -a '^\[alpha\] vftest: ping ' "$SYS_DIR/$n.log" | tail -n1 | tr -d '\r')
	last_b=$(grep -a '^\[beta\] vftest: ping ' "$SYS_DIR/$n.log" | tail -n1 | tr -d '\r')
	if [ "$(count_of "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok')" -ge 4 ] &&
		[ "$(count_of "$n" '^\[beta\] vftest: ping 10.0.0.1 ok')" -ge 2 ] &&
		[ "$last_a" = '[alpha] vftest: ping 10.0.0.2 ok' ] &&
		[ "$last_b" = '[beta] vftest: ping 10.0.0.1 ok' ]; then
		pass "$n: both guests ping each other again after the attacks"
	else
		fail "$n: both guests ping each other again after the attacks (last: '$last_a', '$last_b')"
	fi
	expect_not "$n" '^vfvisor: guest (alpha|beta): stopped' "no guest stopped"
	expect_not "$n" '^\[(alpha|beta)\] .*(Kernel panic|BUG:)' "no guest panic or BUG"
	expect "$n" '^vfvisor: guest beta: vcpu 0 \(cpu 2\): [0-9]+ exits' "the hypervisor answers (Ctrl-] s)"
}
