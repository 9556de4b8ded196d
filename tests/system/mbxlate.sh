#!/usr/bin/env bash
# A held-up service CPU (sourced by tests/system/run.sh, which provides
# lib.sh). igbvf gives up on a message the PF has not answered within about
# a second; a RESET answered later leaves its VF without link for good. With
# igb.stall_ms the mailbox is left unserved for 6 s from the first request,
# over both guests' igbvf probe and open: the PF must notice its late pass,
# ping each VF whose reset it answered late, and both guests, their drivers
# having reset their VFs again, ping each other with their configured MACs.

# While QEMU runs: the other guest's ping too.
mbxlate_wait() {
	wait_for "$n" 120 '^\[alpha\] vftest: ping 10\.0\.0\.2 (ok|failed)'
	wait_for "$n" 120 '^\[beta\] vftest: ping 10\.0\.0\.1 (ok|failed)'
}

mbxlate_test() {
	local n=mbxlate-bios iso=$SYS_DIR/mbxlate.iso vf late pinged
	if ! scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2 igb.stall_ms=6000" \
		build/guest/vmlinuz=vmlinuz build/guest/initrd.gz=initrd-alpha \
		build/guest/initrd.gz=initrd-beta tests/system/isolation.conf=vfvisor.conf ||
		! boot_io "$n" bios "$iso" 300 '^\[(alpha|beta)\] vftest: ping 10\.0\.0\.[12] (ok|failed)' \
			mbxlate_wait; then
		fail "$n: two guests boot and ping"
		return
	fi
	expect "$n" '^vfvisor: warning: igb [0-9a-f:.]+: fault injection: mailbox unserved for 6000 ms' \
		"the mailbox is held up for 6 s from the first request"
	expect "$n" '^vfvisor: igb [0-9a-f:.]+: mailbox served [0-9]+ ms after its last pass' \
		"the PF notices its late pass"
	# Each VF whose reset was answered late is pinged, unless its driver
	# reset it again first (an open after the stall: then it needs none).
	late=0 pinged=0
	for vf in 0 1; do
		local after
		after=$(tr -d '\r' <"$SYS_DIR/$n.log" | awk -v vf="$vf" '
			$0 ~ "^vfvisor: igb [0-9a-f:.]+: vf " vf " \\(guest [a-z]+\\): reset answered late" { on = 1; next }
			on && $0 ~ "^vfvisor: igb [0-9a-f:.]+: vf " vf ": pinged after its late reset answer" { print "pinged"; exit }
			on && $0 ~ "^vfvisor: igb [0-9a-f:.]+: vf " vf ": function level reset" { print "reset"; exit }
			END { if (!on) print "on time" }')
		case $after in
		pinged) late=$((late + 1)) pinged=$((pinged + 1)) ;;
		reset) late=$((late + 1)) ;;
		"on time") ;;
		*) late=$((late + 1)) && fail "$n: vf $vf, its reset answered late, is pinged (no ping, no reset of its own after)" ;;
		esac
	done
	if [ "$pinged" -gt 0 ]; then
		pass "$n: each VF whose reset was answered late pinged or reset again ($late late, $pinged pinged)"
	else
		fail "$n: a VF whose reset was answered late is pinged ($late late, none pinged)"
	fi
	expect "$n" '^\[alpha\] vftest: ping 10\.0\.0\.2 ok' "alpha pings beta after the stall"
	expect "$n" '^\[beta\] vftest: ping 10\.0\.0\.1 ok' "beta pings alpha after the stall"
	expect_not "$n" '^vfvisor: (error|guest [a-z]+: stopped)|Kernel panic|BUG:' "no error, no guest stopped"
}
