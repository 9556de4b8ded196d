#!/usr/bin/env bash
# Helpers for system tests: boot an ISO in QEMU with the serial line in a log,
# wait for a line, then assert on the log. Each assertion prints PASS/FAIL.
set -u

SYS_DIR=${SYS_DIR:-build/system}
PASS=0 FAIL=0 SKIP=0
mkdir -p "$SYS_DIR"

# The time limits below are sized for QEMU TCG on two cores; TIMEOUT_SCALE
# (default 1) multiplies every one of them, e.g. 0.5 under KVM.
TIMEOUT_SCALE=${TIMEOUT_SCALE:-1}
if ! awk -v k="$TIMEOUT_SCALE" 'BEGIN { exit !(k ~ /^[0-9]*\.?[0-9]+$/ && k > 0) }'; then
	echo "lib.sh: TIMEOUT_SCALE must be a positive number, not '$TIMEOUT_SCALE'" >&2
	exit 2
fi

# secs N: N seconds times TIMEOUT_SCALE, rounded up.
secs() {
	awk -v s="$1" -v k="$TIMEOUT_SCALE" 'BEGIN { t = s * k; print (t == int(t)) ? t : int(t) + 1 }'
}

pass() { echo "PASS $1"; PASS=$((PASS + 1)); }
fail() {
	echo "FAIL $1"
	FAIL=$((FAIL + 1))
	fail_context "${1%%:*}"
}

# fail_context NAME: after a scenario's first failure, what its log says of
# the VFs' network (the guests' failed steps and diag lines, the PF's lines),
# at most 30 lines: a failure in CI, where only the output comes back, can
# then be told apart from another.
FAIL_SHOWN=" "
fail_context() {
	local log=$SYS_DIR/$1.log
	case $FAIL_SHOWN in *" $1 "*) return ;; esac
	[ -f "$log" ] || return 0
	FAIL_SHOWN="$FAIL_SHOWN$1 "
	tr -d '\r' <"$log" | grep -aE '^\[[a-z0-9]+\] vftest: (diag|.* failed|net )|^vfvisor: (warning: |error: )?(igb|nic|sriov)' |
		grep -avE 'function level reset' | head -n 30 | sed 's/^/    | /'
	echo "    | VF resets the PF saw: $(tr -d '\r' <"$log" |
		sed -n 's/^vfvisor: igb [0-9a-f:.]*: \(vf [0-9]*\): function level reset.*/\1/p' |
		sort | uniq -c | awk '{ printf "%s%s %s: %s", (NR > 1 ? ", " : ""), $2, $3, $1 }')"
}
skip() { echo "SKIP: $1"; SKIP=$((SKIP + 1)); }

# The bare-metal test guest's checks (guest/testguest/README.md), in the
# order it runs them, and the three it adds with a second CPU. The AMD-V
# (QEMU) and VT-x (Bochs, KVM) runs expect the same list.
TG_CHECKS="cpuid-hypervisor msr-allowed msr-refused com1 mmio-decode io-unassigned
	x2apic-self-ipi apic-timer ram-rw outside-ram ipi-foreign xsetbv xsetbv-invalid
	ymm-cpuid cr4-reserved cr4-toggles efer-invalid pat-mtrr rdtscp exc-pf exc-ud
	sti-shadow tf-cpuid nmi-nested nmi-storm compat-pg"
TG_AP_CHECKS="ap-start ap-realmode-gp ap-long-mode"

# expect_testguest NAME GUEST [smp]: each check's PASS line from guest GUEST,
# the AP checks too with smp, then the total with no failure.
expect_testguest() {
	local n=$1 g=$2 list=$TG_CHECKS c total
	[ "${3:-}" = smp ] && list="$list $TG_AP_CHECKS"
	total=$(echo $list | wc -w)
	for c in $list; do
		expect "$n" "^\\[$g\\] PASS $c\\s*\$" "test guest: $c"
	done
	expect "$n" "^\\[$g\\] testguest: done $total passed, 0 failed" "test guest: all $total checks passed"
	expect_not "$n" "vm entry failed|vfvisor: error" "no failed VM entry, no error"
	# It stops only by the reset it asks for once done (testguest.reset).
	if [ "$(count_of "$n" "guest $g: stopped: ")" = "$(count_of "$n" "guest $g: stopped: reset through ")" ]; then
		pass "$n: no stop but by its reset"
	else
		fail "$n: no stop but by its reset ($(grep -aE "guest $g: stopped: " "$SYS_DIR/$n.log" | head -n1))"
	fi
}

# expect_testguest_resets NAME: tg stopped by its keyboard-controller reset
# (on_reset = stop); tg2 (two CPUs) restarted by its port 0xcf9 reset, its
# checks and AP start run again, and stopped by the second (reset_limit).
expect_testguest_resets() {
	local n=$1
	case $2 in
	tg)
		expect "$n" '^vfvisor: guest tg: stopped: reset through keyboard controller reset \(port 0x64\) \(on_reset = stop\)\s*$' \
			"the keyboard controller's reset stops tg (on_reset = stop)"
		;;
	tg2)
		expect "$n" '^vfvisor: guest tg2: restarting \(reset through port 0xcf9\)\s*$' "tg2's reset through port 0xcf9 restarts it"
		expect_count "$n" '^\[tg2\] testguest: done [0-9]+ passed, 0 failed' 2 "tg2 runs all its checks again after its restart"
		expect_count "$n" '^vfvisor: guest tg2: vcpu 1 started on cpu 2 at 0x70000\s*$' 2 "its AP started again after the restart"
		expect "$n" '^vfvisor: guest tg2: stopped: reset through port 0xcf9; not restarted: more than 1 restart in 3600 s \(reset_limit = 1/3600\)' \
			"its second reset stops tg2 (reset_limit)"
		;;
	esac
}

# boot NAME FW ISO TIMEOUT_S DONE_REGEX [extra QEMU args]: the log is
# $SYS_DIR/NAME.log. Returns 0 if DONE_REGEX appeared, 1 on timeout (scaled)
# or a fatal stop (the log tail is printed then).
boot() {
	local name=$1 fw=$2 iso=$3 limit done_re=$5
	limit=$(secs "$4")
	shift 5
	local log="$SYS_DIR/$name.log" pid t=0 rc=1
	local cmd
	: >"$log"
	mapfile -t cmd < <(VARS_COPY="$SYS_DIR/$name-vars.fd" \
		scripts/qemu-cmd.sh "$fw" "$iso" -serial "file:$log" "$@")
	"${cmd[@]}" >"$SYS_DIR/$name.qemu.out" 2>&1 &
	pid=$!
	while [ "$t" -lt $((limit * 2)) ]; do
		if grep -qaE "$done_re" "$log"; then rc=0; break; fi
		if grep -qa 'vfvisor: error: .*stopping' "$log"; then break; fi
		if ! kill -0 "$pid" 2>/dev/null; then break; fi
		sleep 0.5
		t=$((t + 1))
	done
	sleep 0.5 # let the lines after the marker arrive
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ $rc -ne 0 ]; then
		echo "--- $name: no '$done_re' within ${limit}s; last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
		tail -n 5 "$SYS_DIR/$name.qemu.out" | sed 's/^/    qemu: /'
	fi
	return $rc
}

# boot_io NAME FW ISO TIMEOUT_S DONE_REGEX FEED [extra QEMU args]: as boot,
# but the serial line is a pair of FIFOs; once DONE_REGEX appears, the
# function FEED runs with the line's input open on fd 3 (type into it; it
# may wait_for lines).
boot_io() {
	local name=$1 fw=$2 iso=$3 limit=$4 done_re=$5 feed=$6
	shift 6
	local log="$SYS_DIR/$name.log" fifo="$SYS_DIR/$name.serial" pid cat_pid rc=1
	local cmd
	: >"$log"
	rm -f "$fifo.in" "$fifo.out"
	mkfifo "$fifo.in" "$fifo.out"
	mapfile -t cmd < <(VARS_COPY="$SYS_DIR/$name-vars.fd" \
		scripts/qemu-cmd.sh "$fw" "$iso" -serial "pipe:$fifo" "$@")
	"${cmd[@]}" >"$SYS_DIR/$name.qemu.out" 2>&1 &
	pid=$!
	exec 3<>"$fifo.in"
	cat "$fifo.out" >"$log" &
	cat_pid=$!
	if wait_for "$name" "$limit" "$done_re" "$pid"; then
		rc=0
		"$feed"
	fi
	sleep 1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 3>&-
	kill "$cat_pid" 2>/dev/null
	wait "$cat_pid" 2>/dev/null
	rm -f "$fifo.in" "$fifo.out"
	if [ $rc -ne 0 ]; then
		echo "--- $name: no '$done_re' within $(secs "$limit")s; last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
	return $rc
}

# count_of NAME REGEX: how many lines of the log of NAME match REGEX.
count_of() {
	grep -caE "$2" "$SYS_DIR/$1.log"
}

# wait_count NAME TIMEOUT_S REGEX N: until more than N lines match REGEX
# (TIMEOUT_S scaled, as in wait_for).
wait_count() {
	local t=0 limit
	limit=$(secs "$2")
	while [ "$t" -lt $((limit * 2)) ]; do
		[ "$(count_of "$1" "$3")" -gt "$4" ] && return 0
		sleep 0.5
		t=$((t + 1))
	done
	return 1
}

# wait_for NAME TIMEOUT_S REGEX [PID]: until the log of NAME has a line
# matching REGEX (0), or the time (TIMEOUT_S times TIMEOUT_SCALE) is up or
# PID has ended (1).
wait_for() {
	local t=0 limit
	limit=$(secs "$2")
	while [ "$t" -lt $((limit * 2)) ]; do
		grep -qaE "$3" "$SYS_DIR/$1.log" && return 0
		[ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null && return 1
		sleep 0.5
		t=$((t + 1))
	done
	return 1
}

# expect NAME REGEX DESCRIPTION: the log of NAME has a line matching REGEX.
expect() {
	if grep -qaE "$2" "$SYS_DIR/$1.log"; then pass "$1: $3"; else fail "$1: $3 (no line matching '$2')"; fi
}

# expect_transfer NAME DESCRIPTION: alpha served 16 MiB and beta fetched
# all of it with the same md5 (vftest=serve:16 and fetch:).
expect_transfer() {
	local sum
	sum=$(grep -a '^\[alpha\] vftest: serving 16 MiB md5=' "$SYS_DIR/$1.log" | sed 's/.*md5=\([0-9a-f]*\).*/\1/')
	if [ -n "$sum" ] && grep -qa "^\[beta\] vftest: fetched 16777216 bytes md5=$sum " "$SYS_DIR/$1.log"; then
		pass "$2"
	else
		fail "$2"
	fi
}

# expect_vf_stats NAME GUEST VF DESCRIPTION: the NIC's counters of VF (the
# hypervisor's last "guest GUEST: vf VF: rx ..." line) agree with what
# GUEST's Linux counted on it (its last "vftest: stats" line): packets within
# 1% + 16, bytes within 1% + 4 per packet (the NIC counts each frame's check
# sequence) + 2 KiB. Both are read a moment apart on an idle link.
expect_vf_stats() {
	local hv guest why
	hv=$(grep -a "^vfvisor: guest $2: vf $3: rx " "$SYS_DIR/$1.log" | tail -n1 | tr -d '\r')
	guest=$(grep -a "^\[$2\] vftest: stats rx_packets=" "$SYS_DIR/$1.log" | tail -n1 | tr -d '\r')
	if [ -z "$hv" ] || [ -z "$guest" ]; then
		fail "$1: $4 (hypervisor's line: '${hv:-none}', guest's: '${guest:-none}')"
		return
	fi
	why=$(awk -v h="$hv" -v g="$guest" 'BEGIN {
		n = split(h, a, " ")
		for (i = 1; i <= n; i++) {
			if (a[i] == "rx" || a[i] == "tx") dir = a[i]
			if (a[i] ~ /^packets,?$/) hv[dir "_packets"] = a[i - 1]
			if (a[i] ~ /^bytes,?$/) hv[dir "_bytes"] = a[i - 1]
		}
		n = split(g, b, " ")
		for (i = 1; i <= n; i++)
			if (split(b[i], kv, "=") == 2) gs[kv[1]] = kv[2]
		split("rx tx", dirs, " ")
		for (d = 1; d <= 2; d++) {
			p = dirs[d] "_packets"; y = dirs[d] "_bytes"
			if (!(p in hv) || !(p in gs) || !(y in hv) || !(y in gs)) { print "unparsable"; exit }
			dp = hv[p] - gs[p]; if (dp < 0) dp = -dp
			db = hv[y] - gs[y]; if (db < 0) db = -db
			if (dp > gs[p] / 100 + 16) printf "%s %s vs %s; ", p, hv[p], gs[p]
			if (db > gs[y] / 100 + 4 * gs[p] + 2048) printf "%s %s vs %s; ", y, hv[y], gs[y]
		}
	}')
	why=${why%; }
	if [ -z "$why" ]; then pass "$1: $4"; else fail "$1: $4 ($why)"; fi
}

# vf_packets NAME GUEST VF rx|tx: the packets of the hypervisor's last
# "guest GUEST: vf VF: rx P packets B bytes, tx P packets ..." line in the
# log of NAME, or nothing.
vf_packets() {
	tr -d '\r' <"$SYS_DIR/$1.log" | grep -a "^vfvisor: guest $2: vf $3: rx " | tail -n 1 |
		awk -v dir="$4" '{ for (i = 1; i < NF; i++) if ($i == dir) { print $(i + 1); exit } }'
}

# expect_not NAME REGEX DESCRIPTION
expect_not() {
	if grep -qaE "$2" "$SYS_DIR/$1.log"; then
		fail "$1: $3 (found: $(grep -aE "$2" "$SYS_DIR/$1.log" | head -n1))"
	else
		pass "$1: $3"
	fi
}

# expect_count NAME REGEX N DESCRIPTION: exactly N lines match REGEX.
expect_count() {
	local c
	c=$(count_of "$1" "$2")
	if [ "$c" -eq "$3" ]; then
		pass "$1: $4"
	else
		fail "$1: $4 ($c lines match '$2', not $3)"
	fi
}

# expect_order NAME REGEX1 REGEX2 DESCRIPTION [last]: the first line matching
# REGEX1 comes before the first line matching REGEX2 (with "last": before the
# last one, i.e. some line matching REGEX2 follows it).
expect_order() {
	local a b pick=head
	[ "${5:-}" = last ] && pick=tail
	a=$(grep -naE "$2" "$SYS_DIR/$1.log" | head -n1 | cut -d: -f1)
	b=$(grep -naE "$3" "$SYS_DIR/$1.log" | "$pick" -n1 | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then
		pass "$1: $4"
	else
		fail "$1: $4 ('$2' at line ${a:-none}, '$3' at line ${b:-none})"
	fi
}

# results FILE: write "pass fail skip" and print the layer's closing line.
results() {
	mkdir -p "$(dirname "$1")"
	echo "$PASS $FAIL $SKIP" >"$1"
	echo "${LAYER:-system}: $PASS passed, $FAIL failed, $SKIP skipped ($SECONDS s)"
	[ "$FAIL" -eq 0 ]
}
