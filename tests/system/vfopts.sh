#!/usr/bin/env bash
# trust and link as a guest meets them (sourced by tests/system/run.sh,
# which provides lib.sh; tests/system/vfopts.conf): the trusted alpha
# changes its MAC with `ip link set eth0 address` and is reached at it; the
# untrusted beta's change is refused (igbvf keeps its address, the PF logs
# why) and beta still reaches alpha; gamma's VF, link = down, has no
# carrier. Typed on the guests' consoles; each answer is an echo whose
# arithmetic keeps the typed line from matching.

vfopts_type() {
	local before
	before=$(count_of "$n" "$3")
	printf '\x1d%s%s\r' "$1" "$2" >&3
	wait_count "$n" "$4" "$3" "$before"
}

vfopts_feed() {
	local g
	for g in alpha beta gamma; do
		wait_for "$n" 120 "^\\[$g\\] vftest: done"
	done
	vfopts_type 1 'ip link set eth0 address 02:00:00:00:a1:99 && echo mac-$((1 + 1))-changed || echo mac-$((1 + 1))-refused' \
		'^\[alpha\] mac-2-' 30
	# Beta forgets alpha's old address, then alpha pings it from the new.
	vfopts_type 2 'ip neigh flush dev eth0; echo flushed-$((2 + 1))' '^\[beta\] flushed-3' 30
	vfopts_type 1 'ping -c 3 -W 2 10.0.0.2 >/dev/null && echo ping-$((2 + 2))-ok || echo ping-$((2 + 2))-failed' \
		'^\[alpha\] ping-4-' 60
	vfopts_type 2 'ip link set eth0 address 02:00:00:00:b2:99 && echo mac-$((1 + 2))-changed || echo mac-$((1 + 2))-refused' \
		'^\[beta\] mac-3-' 30
	vfopts_type 2 'ping -c 3 -W 2 10.0.0.1 >/dev/null && echo ping-$((2 + 3))-ok || echo ping-$((2 + 3))-failed' \
		'^\[beta\] ping-5-' 60
	vfopts_type 3 'ip link set eth0 up; sleep 5; echo carrier-$(cat /sys/class/net/eth0/carrier)' \
		'^\[gamma\] carrier-' 40
}

vfopts_test() {
	local n=vfopts iso=$SYS_DIR/vfopts.iso
	if ! scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd tests/system/vfopts.conf=vfvisor.conf ||
		! SMP=4 boot_io "$n" bios "$iso" 300 '^\[gamma\] vftest: done|no guest started' vfopts_feed; then
		fail "$n: three guests run"
		return
	fi
	pass "$n: three guests run"
	expect "$n" '^vfvisor: nic [0-9a-f:.]+: vf 0 \(guest alpha\): vlan 0 qos 0 spoofchk yes trust yes link auto' "alpha's VF is trusted"
	expect "$n" '^vfvisor: nic [0-9a-f:.]+: vf 2 \(guest gamma\): vlan 0 qos 0 spoofchk yes trust no link down' "gamma's VF has its link down"
	expect "$n" '^\[alpha\] mac-2-changed' "the trusted alpha changes its MAC"
	expect "$n" '^vfvisor: warning: igb [0-9a-f:.]+: vf 0 \(guest alpha\): trusted, changed its MAC to 02:00:00:00:a1:99' "the PF logs the trusted change"
	expect "$n" '^\[alpha\] ping-4-ok' "alpha is reached at its new MAC"
	expect "$n" '^\[beta\] mac-3-refused' "the untrusted beta's MAC change fails in the guest"
	expect "$n" '^vfvisor: warning: igb [0-9a-f:.]+: vf 1 \(guest beta\): refused MAC change to 02:00:00:00:b2:99: not trusted \(trust = no\)' \
		"the PF says why it refused beta's change"
	expect "$n" '^\[beta\] ping-5-ok' "beta still reaches alpha, at its own MAC"
	expect "$n" '^\[gamma\] carrier-0\s*$' "gamma's VF, link down, has no carrier"
}
