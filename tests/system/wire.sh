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
# QEMU records the wire (filter-dump, a pcap file): beta, on port VLAN 30
# with priority 5, sends only frames the NIC tagged so (VID 30, PCP 5), and
# alpha, without a port VLAN, only untagged ones.

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

# wire_frames PCAP: each recorded frame as "SRC-MAC ETHERTYPE [TCI]", the
# TCI (4 hex digits) where the ethertype is 8100.
wire_frames() {
	od -An -tx1 -v "$1" | tr -s ' \n' '\n\n' | grep . | awk '
		function hex(s, v, i) {
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		{ b[n++] = $1 }
		END {
			if (n < 24) exit
			for (i = 24; i + 16 <= n; i += 16 + len) {
				len = hex(b[i + 11] b[i + 10] b[i + 9] b[i + 8])
				f = i + 16
				if (len < 14 || f + len > n) break
				src = b[f + 6] ":" b[f + 7] ":" b[f + 8] ":" b[f + 9] ":" b[f + 10] ":" b[f + 11]
				type = b[f + 12] b[f + 13]
				tci = (type == "8100" && len >= 16) ? " " b[f + 14] b[f + 15] : ""
				print src, type tci
			}
		}'
}

# wire_send_from GUEST_NO NAME: the guest pings an address no one has (its
# ARP requests go out on the wire); waits for its shell to be back.
wire_send_from() {
	local before
	before=$(count_of "$n" "^\\[$2\\] wire-$2-sent")
	printf '\x1d%sping -c 2 -W 1 10.0.0.77 >/dev/null; echo wire-%s"-"sent\r' "$1" "$2" >&3
	wait_count "$n" 30 "^\\[$2\\] wire-$2-sent" "$before"
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
	wire_send_from 1 alpha
	wire_send_from 2 beta
	sleep 2
}

wire_test() {
	local n=wire-default-pool a0 b0 a1 b1 a2 b2 iso=$SYS_DIR/wire.iso frames tagged
	scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd tests/system/wire.conf=vfvisor.conf ||
		{ fail "$n: building the ISO"; return; }
	rm -f "$SYS_DIR/$n.counts" "$SYS_DIR/$n.pcap"
	if ! NIC_NETDEV="dgram,local.type=inet,local.host=127.0.0.1,local.port=$wire_qemu_port,remote.type=inet,remote.host=127.0.0.1,remote.port=$wire_test_port" \
		boot_io "$n" bios "$iso" 300 '^\[beta\] vftest: done' wire_feed \
		-object "filter-dump,id=wiredump,netdev=wire,file=$SYS_DIR/$n.pcap" ||
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

	# What went out on the wire, by sender.
	frames=$(wire_frames "$SYS_DIR/$n.pcap")
	tagged=$(echo "$frames" | grep -c '^02:00:00:00:b2:02 8100 a01e$')
	if [ "$tagged" -gt 0 ] && ! echo "$frames" | grep '^02:00:00:00:b2:02 ' | grep -qv ' 8100 a01e$'; then
		pass "$n: beta's frames on the wire carry its port VLAN 30 with priority 5 ($tagged frames, TCI 0xa01e)"
	else
		fail "$n: beta's frames on the wire carry its port VLAN 30 with priority 5 ($tagged tagged so; beta's: $(echo "$frames" | grep '^02:00:00:00:b2:02 ' | sort | uniq -c | tr -s ' \n' ' '))"
	fi
	if echo "$frames" | grep -q '^02:00:00:00:a1:01 ' && ! echo "$frames" | grep -q '^02:00:00:00:a1:01 8100'; then
		pass "$n: alpha's frames on the wire untagged ($(echo "$frames" | grep -c '^02:00:00:00:a1:01 ') frames)"
	else
		fail "$n: alpha's frames on the wire untagged (alpha's: $(echo "$frames" | grep '^02:00:00:00:a1:01 ' | sort | uniq -c | tr -s ' \n' ' '))"
	fi
}
