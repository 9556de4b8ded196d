#!/usr/bin/env bash
# The wire (sourced by tests/system/run.sh, which provides lib.sh): the
# igb's port is a QEMU dgram netdev this test sends Ethernet frames into,
# as a switch outside the machine would. Frames to a unicast MAC no guest
# has, to the PF's own MAC and to a VF's unused generated MAC reach no guest
# (the PF's pool is the NIC's default pool); frames to alpha's MAC reach
# alpha. Counted by the NIC per VF (the `vf N: rx` lines of Ctrl-] s);
# multicast is left out of the count (a guest's own IPv6 chatter), and a
# few frames of slack are allowed for the guests' own unicast (60 frames
# landing in a guest's pool is what a wrong default pool looks like).

wire_qemu_port=40511 # where QEMU takes frames in
wire_test_port=40512 # where QEMU sends the frames going out (not read)

# wire_send MAC N: N frames to MAC from 02:00:00:00:0e:0e, ethertype 0x88b5
# (local experimental), 46 bytes of zeros: one datagram each.
wire_send() {
	local dst i frame zeros
	dst=$(echo "$1" | sed 's/\([0-9a-f][0-9a-f]\):\{0,1\}/\\x\1/g')
	printf -v zeros '\\x00%.0s' {1..46}
	frame="$dst\\x02\\x00\\x00\\x00\\x0e\\x0e\\x88\\xb5$zeros"
	for ((i = 0; i < $2; i++)); do
		printf '%b' "$frame" >"/dev/udp/127.0.0.1/$wire_qemu_port"
	done
}

# wire_unicast GUEST: its VF's received packets less multicast, from the
# last `vf N: rx` line (after a fresh Ctrl-] s).
wire_unicast() {
	grep -aE "^vfvisor: guest $1: vf [0-9]+: rx " "$SYS_DIR/$n.log" | tail -n1 | tr -d '\r' |
		sed -n 's/.* rx \([0-9]*\) packets .* multicast \([0-9]*\)$/\1 \2/p' |
		awk '{ print $1 - $2 }'
}

# wire_count: Ctrl-] s, then "ALPHA BETA" unicast counts.
wire_count() {
	local before
	before=$(count_of "$n" '^vfvisor: guest beta: vf [0-9]+: rx ')
	printf '\x1ds' >&3
	wait_count "$n" 20 '^vfvisor: guest beta: vf [0-9]+: rx ' "$before"
	echo "$(wire_unicast alpha) $(wire_unicast beta)"
}

wire_feed() {
	local c0 c1 c2
	wait_for "$n" 120 '^\[alpha\] vftest: done'
	wait_for "$n" 120 '^\[beta\] vftest: done'
	sleep 3
	c0=$(wire_count)
	wire_send 02:00:00:00:ee:ee 20 # no one's
	wire_send 52:54:00:12:34:56 20 # the PF's
	wire_send 56:54:00:12:34:56 20 # VF 0's generated MAC, unused (alpha has its own)
	sleep 3
	c1=$(wire_count)
	wire_send 02:00:00:00:a1:01 10 # alpha's
	sleep 3
	c2=$(wire_count)
	echo "$c0 $c1 $c2" >"$SYS_DIR/$n.counts"
}

wire_test() {
	local n=wire-default-pool a0 b0 a1 b1 a2 b2 iso=$SYS_DIR/wire.iso
	scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
		tests/system/isolation.conf=vfvisor.conf || { fail "$n: building the ISO"; return; }
	rm -f "$SYS_DIR/$n.counts"
	if ! NIC_NETDEV="dgram,local.type=inet,local.host=127.0.0.1,local.port=$wire_qemu_port,remote.type=inet,remote.host=127.0.0.1,remote.port=$wire_test_port" \
		boot_io "$n" bios "$iso" 300 '^\[beta\] vftest: done' wire_feed ||
		[ ! -s "$SYS_DIR/$n.counts" ]; then
		fail "$n: two guests run with the NIC's port on a wire the test feeds"
		return
	fi
	pass "$n: two guests run with the NIC's port on a wire the test feeds"
	read -r a0 b0 a1 b1 a2 b2 <"$SYS_DIR/$n.counts"
	if [ -n "$b2" ] && [ $((a1 - a0)) -lt 5 ] && [ $((b1 - b0)) -lt 5 ]; then
		pass "$n: 60 frames to an unknown MAC, the PF's MAC and an unused VF MAC reach no guest (alpha $a0 -> $a1, beta $b0 -> $b1)"
	else
		fail "$n: 60 frames to an unknown MAC, the PF's MAC and an unused VF MAC reach no guest (alpha ${a0:-?} -> ${a1:-?}, beta ${b0:-?} -> ${b1:-?})"
	fi
	if [ -n "$b2" ] && [ $((a2 - a1)) -ge 10 ] && [ $((a2 - a1)) -lt 15 ] && [ $((b2 - b1)) -lt 5 ]; then
		pass "$n: 10 frames to alpha's MAC reach alpha only ($a1 -> $a2)"
	else
		fail "$n: 10 frames to alpha's MAC reach alpha only (alpha ${a1:-?} -> ${a2:-?}, beta ${b1:-?} -> ${b2:-?})"
	fi
}
