#!/usr/bin/env bash
# The operator's console and a guest's power-off (sourced by
# tests/system/run.sh, which provides lib.sh). Two guests (isolation.conf);
# on the hypervisor's serial line Ctrl-] : opens the command line. Beta
# prints while a command is typed and its line comes through whole; alpha
# powers off with `poweroff -f` (ACPI S5 through the FADT's sleep control
# register) while beta runs on; then list, stats, help, an unknown command,
# a wrong guest name, start (not available yet) and stop are driven and
# their answers checked.

con_esc=$'\x1d' # Ctrl-]

# con_cmd LINE REGEX TIMEOUT_S: Ctrl-] : LINE Enter; wait for one more line
# matching REGEX than there was before.
con_cmd() {
	local before
	before=$(count_of "$n" "$2")
	printf '%s:%s\r' "$con_esc" "$1" >&3
	wait_count "$n" "$3" "$2" "$before"
}

con_feed() {
	wait_for "$n" 120 '^\[alpha\] vftest: done'
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
	con_cmd 'start alpha' '^vfvisor: console: start: not available yet' 20
	con_cmd 'stop beta' '^vfvisor: guest beta: refused: ' 30
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
	expect "$n" '^vfvisor: console: start: not available yet \(guests cannot be restarted yet\)' \
		"start says it is not available yet"
	expect "$n" '^vfvisor: console: stopping guest beta' "stop beta is answered"
	expect "$n" '^vfvisor: guest beta: stopped: stopped by the operator\s*$' "stop beta stops beta, by the operator"
	expect "$n" '^vfvisor: console: guest beta is already stopped: stopped by the operator' \
		"stop of a stopped guest says so"
	expect_not "$n" '^vfvisor: error|^\[(alpha|beta)\] .*(Kernel panic|BUG:)' "no error, no guest panic"
}
