#!/usr/bin/env bash
# The operator's console and a guest's power-off (sourced by
# tests/system/run.sh, which provides lib.sh). Two guests (isolation.conf);
# on the hypervisor's serial line Ctrl-] : opens the command line. Beta
# prints while a command is typed and its line comes through whole; alpha
# powers off with `poweroff -f` (ACPI S5 through the FADT's sleep control
# register) while beta runs on, and later reboots twice with `reboot -f`
# while beta runs on; then list, stats, help, an unknown command,
# a wrong guest name, start (alpha boots again and pings beta through its
# VF), restart (beta, running, boots again and pings alpha) and stop are
# driven and their answers checked. Alpha's ttyS0 has an MSI (PCI-MSI in
# /proc/interrupts), so nothing polls it: before beta's stop, both guests,
# idle, take (next to) no exits.

con_esc=$'\x1d' # Ctrl-]
# The idle window (seconds) and the exits a guest may take in it: an idle
# Linux with its console quiet takes none here; the margin is for a timer
# or housekeeping exit, not for polling (125 a second before the MSI).
IDLE_S=8
IDLE_MAX=16

# con_cmd LINE REGEX TIMEOUT_S: Ctrl-] : LINE Enter; wait for one more line
# matching REGEX than there was before.
con_cmd() {
	local before
	before=$(count_of "$n" "$2")
	printf '%s:%s\r' "$con_esc" "$1" >&3
	wait_count "$n" "$3" "$2" "$before"
}

# idle_exits GUEST: the exits of GUEST's vCPU 0 between the first two
# counter lines printed for it after line $idle_from of the log (the stats
# around the idle time).
idle_from=
idle_exits() {
	tail -n "+${idle_from:-1}" "$SYS_DIR/$n.log" | tr -d '\r' |
		grep -aE "^vfvisor: guest $1: vcpu 0 \(cpu [0-9]+\): [0-9]+ exits" | head -n 2 |
		awk '{ n[NR] = $(NF - 1) } END { print (NR == 2) ? n[2] - n[1] : "none" }'
}

# Both guests running, their shells waiting: their exits over IDLE_S s.
idle_measure() {
	sleep 3
	idle_from=$(($(wc -l <"$SYS_DIR/$n.log") + 1))
	con_cmd stats '^vfvisor: guest beta: vcpu 0 \(cpu 2\): [0-9]+ exits' 20
	sleep "$IDLE_S"
	con_cmd stats '^vfvisor: guest beta: vcpu 0 \(cpu 2\): [0-9]+ exits' 20
}

con_feed() {
	wait_for "$n" 120 '^\[alpha\] vftest: done'
	printf '%s1grep ttyS0 /proc/interrupts\r' "$con_esc" >&3
	wait_for "$n" 20 '^\[alpha\] +[0-9]+: +[0-9]+ +PCI-MSI [0-9]+-edge +ttyS0'
	con_cmd list '^vfvisor: console: beta: ' 20
	# Beta prints (after its prompt) while the command line is open with "list" typed (x
	# rubbed out with DEL): its line comes through, then the answer.
	printf '%s2(sleep 4; echo flow-$((3 * 3)))&\r' "$con_esc" >&3
	sleep 1
	printf '%s:lisx\x7ft' "$con_esc" >&3
	wait_for "$n" 40 '^\[beta\] (.*# )?flow-9\s*$'
	local before
	before=$(count_of "$n" '^vfvisor: console: beta: running')
	printf '\r' >&3
	wait_count "$n" 20 '^vfvisor: console: beta: running' "$before"
	# Esc drops the line: nothing stopped, typing goes to beta again.
	printf '%s:stop beta\x1becho esc-$((1 + 1))-ok\r' "$con_esc" >&3
	wait_for "$n" 30 '^\[beta\] esc-2-ok'
	# Alpha powers off; beta runs on.
	printf '%s1poweroff -f\r' "$con_esc" >&3
	wait_for "$n" 60 '^vfvisor: guest alpha: refused: '
	printf '%s2echo beta-$((6 * 7))-alive\r' "$con_esc" >&3
	wait_for "$n" 30 '^\[beta\] beta-42-alive'
	con_cmd 'stats beta' '^vfvisor: guest beta: vcpu 0 \(cpu 2\): [0-9]+ exits' 20
	con_cmd list '^vfvisor: console: alpha: stopped: powered off' 20
	con_cmd bogus "^vfvisor: console: unknown command 'bogus'" 20
	con_cmd help '^vfvisor: console: help ' 20
	con_cmd 'stop alph' "^vfvisor: console: stop: no guest 'alph'" 20
	# Start the powered-off alpha: it boots again, its VF reset and served,
	# and pings beta; a second start finds it running.
	con_cmd 'start alpha' '^\[alpha\] vftest: ping 10.0.0.2 ok' 150
	con_cmd 'start alpha' '^vfvisor: console: guest alpha not started: it is running' 20
	# Restart the running beta: the same, the other way.
	con_cmd 'restart beta' '^\[beta\] vftest: ping 10.0.0.1 ok' 150
	# Alpha reboots itself twice (Linux jumps to the reset vector, whose
	# code writes port 0xcf9), each time back on the network; beta runs on
	# and pings alpha after.
	local pings i
	for i in 1 2; do
		pings=$(count_of "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok')
		printf '%s1reboot -f\r' "$con_esc" >&3
		wait_count "$n" 150 '^\[alpha\] vftest: ping 10.0.0.2 ok' "$pings"
	done
	pings=$(count_of "$n" '^\[beta\] vftest: ping 10.0.0.1 ok')
	printf '%s2vftest ping:10.0.0.1\r' "$con_esc" >&3
	wait_count "$n" 60 '^\[beta\] vftest: ping 10.0.0.1 ok' "$pings"
	con_cmd list '^vfvisor: console: alpha: running' 20
	idle_measure
	con_cmd 'stop beta' '^vfvisor: guest beta: refused: ' 30
	con_cmd list '^vfvisor: console: beta: stopped: stopped by the operator' 20
	con_cmd 'stop beta' '^vfvisor: console: guest beta is already stopped' 20
}

# console_test FW: the console and power-off under firmware FW.
console_test() {
	local iso=$SYS_DIR/console.iso
	n=console-$1
	scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
		build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
		tests/system/isolation.conf=vfvisor.conf || { fail "$n: building the ISO"; return; }
	if ! boot_io "$n" "$1" "$iso" 300 '^\[beta\] vftest: done' con_feed; then
		fail "$n: two guests boot to 'vftest: done'"
		return
	fi
	expect "$n" '^\[alpha\] +[0-9]+: +[0-9]+ +PCI-MSI [0-9]+-edge +ttyS0' \
		"alpha's console port (ttyS0) interrupts through its MSI"
	expect_not "$n" 'Redundant entry in serial pci_table' "Linux takes the serial port's identity as it is"
	local g idle
	for g in alpha beta; do
		idle=$(idle_exits $g)
		if [ "$idle" != none ] && [ "$idle" -le "$IDLE_MAX" ]; then
			pass "$n: $g idle for $IDLE_S s: $idle exits (at most $IDLE_MAX)"
		else
			fail "$n: $g idle for $IDLE_S s: $idle exits (at most $IDLE_MAX; a polled console takes about $((IDLE_S * 125)))"
		fi
	done
	expect "$n" '^vfvisor: console: alpha: running, 1 cpu \(host 1\), 256 MiB, vf 0 mac 02:00:00:00:a1:01\s*$' \
		"list: alpha running, its cpus, memory, VF and MAC"
	expect "$n" '^vfvisor: console: beta: running, 1 cpu \(host 2\), 256 MiB, vf 1 mac 02:00:00:00:b2:02\s*$' \
		"list: beta running, its cpus, memory, VF and MAC"
	expect "$n" '^\[beta\] (.*# )?flow-9\s*$' "a guest line printed while a command is typed comes through whole"
	# After the guest's line the command line is typed out again, clean
	# (the DEL took the x), and Enter runs it.
	local after
	after=$(grep -aEA4 '^\[beta\] (.*# )?flow-9\s*$' "$SYS_DIR/$n.log" | tr -d '\r')
	if echo "$after" | grep -qx ':list' && echo "$after" | grep -q '^vfvisor: console: alpha: running'; then
		pass "$n: the command line is typed out again after it, and runs"
	else
		fail "$n: the command line is typed out again after it, and runs (after it: $(echo "$after" | tr '\n' '|'))"
	fi
	expect_not "$n" '^\[(alpha|beta)\].*(lisx|:list|stop beta|bogus)' \
		"what is typed on the command line reaches no guest"
	expect "$n" '^\[beta\] esc-2-ok' "Esc drops the line and typing goes to the guest again"
	expect_order "$n" '^\[beta\] esc-2-ok' '^vfvisor: guest beta: stopped' \
		"the line Esc dropped stopped nothing"
	expect "$n" '^vfvisor: guest alpha: stopped: powered off\s*$' "poweroff -f stops alpha: powered off"
	expect "$n" '^vfvisor: guest alpha: vcpu 0 \(cpu 1\): [0-9]+ exits' "alpha's counters printed at its power-off"
	expect_order "$n" '^vfvisor: guest alpha: stopped: powered off' '^\[beta\] beta-42-alive' \
		"beta runs on after alpha powered off"
	expect "$n" '^vfvisor: console: alpha: stopped: powered off, 1 cpu \(host 1\), 256 MiB, vf 0 ' \
		"list: alpha stopped, and why"
	expect_order "$n" '^\[beta\] beta-42-alive' '^vfvisor: guest beta: vcpu 0 \(cpu 2\): [0-9]+ exits' \
		"stats beta prints beta's exit counters"
	expect "$n" "^vfvisor: console: unknown command 'bogus' \\(help lists them\\)" "an unknown command is named"
	for c in list stats stop start restart help; do
		expect "$n" "^vfvisor: console: $c " "help lists $c"
	done
	expect "$n" "^vfvisor: console: stop: no guest 'alph'; the guests are: alpha, beta\\s*\$" \
		"a wrong guest name lists the guests"
	expect "$n" '^vfvisor: console: starting guest alpha\s*$' "start alpha is answered"

	expect_count "$n" '^\[alpha\] vftest: ping 10.0.0.2 ok' 4 "alpha pings beta through its VF after start, and after each reboot"
	expect_order "$n" '^vfvisor: console: starting guest alpha' '^\[alpha\] vftest: ping 10.0.0.2 ok' \
		"alpha's second ping follows its start" last
	expect "$n" '^vfvisor: console: guest alpha not started: it is running\s*$' "start of a running guest says so"
	expect "$n" '^vfvisor: console: restarting guest beta\s*$' "restart beta is answered"
	expect "$n" '^vfvisor: guest beta: restarting \(restarted by the operator\)\s*$' "restart beta restarts beta, by the operator"
	expect_count "$n" '^\[beta\] vftest: ping 10.0.0.1 ok' 3 "beta pings alpha through its VF after its restart, and after alpha's reboots"
	expect_count "$n" '^vfvisor: guest beta: (restarting|stopped)' 2 "beta restarts only when told, and stops only when told"
	expect_count "$n" '^vfvisor: guest alpha: restarting \(reset through port 0xcf9\)\s*$' 2 \
		"reboot -f in alpha restarts it, twice (through its reset vector's write of port 0xcf9)"
	expect_count "$n" '^vfvisor: guest alpha: running on cpu 1\s*$' 4 "alpha runs again after its start and each reboot"
	expect_count "$n" '^vfvisor: nic 0000:01:00.0: vf [01] \(guest (alpha|beta)\): reset \(FLR\) and served again for its restart' 4 \
		"each VF served again for its guest's start"
	expect "$n" '^vfvisor: console: stopping guest beta' "stop beta is answered"
	expect "$n" '^vfvisor: guest beta: stopped: stopped by the operator\s*$' "stop beta stops beta, by the operator"
	expect "$n" '^vfvisor: console: guest beta is already stopped: stopped by the operator' \
		"stop of a stopped guest says so"
	expect_not "$n" '^vfvisor: error|^\[(alpha|beta)\] .*(Kernel panic|BUG:)' "no error, no guest panic"
}
