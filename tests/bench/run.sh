#!/usr/bin/env bash
# make bench: vfvisor's guests against bare Linux on the same emulated NIC.
#
# vfvisor side: two Linux guests share the NIC (tests/system/guests-net.conf);
# beta fetches 16 MiB from alpha over TCP through their VFs, BENCH_R times
# in one boot, each transfer timed by the guest's monotonic clock. The
# hypervisor's exit counters (Ctrl-] s on the console) are read right before
# and right after the first transfer; the difference, per reason, is divided
# by the packets beta's VF moved. With BENCH_IDLE=1 they are read again
# around BENCH_IDLE_S (30) quiet seconds once both guests are done: the
# exits an idle guest still takes, per second and reason.
#
# Bare side (BENCH_BASELINE=1): the same kernel on the same QEMU machine
# with no hypervisor (guest/linux/bench-init): Linux's igb enables 2 VFs,
# igbvf drives them in two network namespaces, and the same fetch runs
# BENCH_R times between them.
#
# Boot figures come from the host's clock (when each line first appears in
# the serial log, counted from QEMU's start) and from the guests' own
# uptime at their `vftest: up`.
#
# Plain `tests/bench/run.sh [OUT]` is the quick form the system tests run
# (BENCH_R=1, no baseline, no idle figure); `make bench` asks for all of it.
# Figures, not assertions: the machines are shared and noisy. It fails, with
# a line naming the side, only if a side could not run. OUT (default
# $SYS_DIR/bench.txt) gets the figures too.
set -u
cd "$(dirname "$0")/../.."
export SYS_DIR=${SYS_DIR:-build/bench} LAYER=bench
. tests/system/lib.sh
out=${1:-$SYS_DIR/bench.txt}
export LC_ALL=C # a decimal point in $EPOCHREALTIME and awk's output

R=${BENCH_R:-1} BASELINE=${BENCH_BASELINE:-0} IDLE=${BENCH_IDLE:-0} IDLE_S=${BENCH_IDLE_S:-30}
case "$R" in '' | *[!0-9]* | 0*) echo "bench: BENCH_R must be a count of 1 or more, not '$R'" >&2; exit 2 ;; esac
case "$IDLE_S" in '' | *[!0-9]* | 0*) echo "bench: BENCH_IDLE_S must be seconds, 1 or more, not '$IDLE_S'" >&2; exit 2 ;; esac
for v in BASELINE IDLE; do
	case "${!v}" in 0 | 1) ;; *) echo "bench: BENCH_$v must be 0 or 1, not '${!v}'" >&2; exit 2 ;; esac
done
MIB=16 # what alpha serves (serve:16 in the configuration)
FW=${FW:-bios}
failed=() # the sides that could not run, with why

. tests/bench/lib.sh

# ---- vfvisor: two guests, R fetches, the exit counters ----------------------

iso=$SYS_DIR/bench.iso
conf=$SYS_DIR/guests-net.conf
# beta's fetch:PEER becomes fetch:PEER:R (the same first transfer, R in all).
# (Actions after it, as the network test's stats, stay.)
sed -E "s/vftest=fetch:10\.0\.0\.1(,|\$)/vftest=fetch:10.0.0.1:$R\1/" tests/system/guests-net.conf >"$conf"
grep -qE "vftest=fetch:10\.0\.0\.1:$R(,|\$)" "$conf" || { echo "bench: no fetch:10.0.0.1 in tests/system/guests-net.conf"; exit 1; }
scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
	build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
	"$conf=vfvisor.conf" || { echo "bench: ISO failed"; exit 1; }

n=bench
log=$SYS_DIR/$n.log
esc=$'\x1d' # Ctrl-]: "s" after it prints every guest's exit counters
idle_s=
# snap NAME: Ctrl-] s, then the log as it is a moment later in $SYS_DIR/$n.NAME.
snap() {
	printf '%ss' "$esc" >&3
	sleep 1
	cp "$log" "$SYS_DIR/$n.$1"
}
feed() {
	snap before
	wait_for "$n" 300 '^\[beta\] vftest: fetched ' || return
	snap after
	[ "$R" -gt 1 ] && { wait_for "$n" $((120 * R)) "^\\[beta\\] vftest: fetch $R/$R " || return; }
	[ "$IDLE" -eq 1 ] || return 0
	# Both guests done and at their shell prompt, then IDLE_S quiet seconds.
	wait_for "$n" 120 '^\[beta\] vftest: done' || return
	wait_for "$n" 120 '^\[alpha\] vftest: done' || return
	sleep 3
	local t0=$EPOCHREALTIME
	snap idle0
	sleep $((IDLE_S - 1))
	idle_s=$(since "$t0")
	snap idle1
}
rm -f "$SYS_DIR/$n".{before,after,idle0,idle1}
: >"$log"
t0=$EPOCHREALTIME
mapfile -t fres < <(fetch_res '\[beta\] ')
stamps "$log" "$SYS_DIR/$n.stamps" "$t0" '^vfvisor: vfvisor [0-9]' '^vfvisor: boot complete' \
	'^\[alpha\] vftest: up name=' '^\[beta\] vftest: up name=' "${fres[@]}"
# The limit on the first line only: feed's waits have their own.
if ! boot_io "$n" "$FW" "$iso" 300 '^\[beta\] vftest: fetch start' feed; then
	failed+=("vfvisor (the guests did not start the transfer)")
fi
stamps_stop
# Counters of beta's vcpu 0: the last print before the transfer and after.
count() { # FILE REASON -> the last value printed
	grep -a "^vfvisor: guest beta: vcpu 0:   $2 " "$1" | tail -n1 | awk '{print $NF}' | tr -d '\r'
}
cnt() { # as count, 0 when the reason never occurred (it is not printed then)
	local v
	v=$(count "$1" "$2")
	echo "${v:-0}"
}
total() {
	grep -a '^vfvisor: guest beta: vcpu 0 (cpu 2): [0-9]* exits' "$1" | tail -n1 |
		sed 's/.*: \([0-9]*\) exits.*/\1/' | tr -d '\r'
}
before=$SYS_DIR/$n.before after=$SYS_DIR/$n.after
line=$(grep -a '^\[beta\] vftest: fetched ' "$log")
pk=$(echo "$line" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
b='' a=''
[ -f "$before" ] && b=$(total "$before")
[ -f "$after" ] && a=$(total "$after")
if [ -z "$pk" ] || [ -z "$b" ] || [ -z "$a" ] || [ "$pk" -eq 0 ]; then
	# Nothing to print: the bare side alone would compare with nothing.
	for f in "${failed[@]}" "vfvisor (no figures: packets '$pk', exits before '$b' after '$a')"; do
		echo "bench: FAILED: $f"
	done | tee "$out"
	exit 1
fi
vf_times=$(fetch_times "$log" '\[beta\] ')
if [ "$(echo "$vf_times" | grep -c .)" -ne "$R" ]; then
	failed+=("vfvisor ($(echo "$vf_times" | grep -c .) of $R fetches timed)")
fi
if [ "$IDLE" -eq 1 ] && { [ ! -f "$SYS_DIR/$n.idle1" ] || [ -z "$idle_s" ]; }; then
	failed+=("vfvisor idle (the guests did not finish, or the console did not answer)")
fi

# ---- bare: the same kernel and machine, no hypervisor -----------------------

bare=bare
if [ "$BASELINE" -eq 1 ]; then
	blog=$SYS_DIR/$bare.log
	: >"$blog"
	t0=$EPOCHREALTIME
	mapfile -t fres < <(fetch_res '')
	stamps "$blog" "$SYS_DIR/$bare.stamps" "$t0" '^bare: up' "${fres[@]}"
	# QEMU loads the kernel itself (-kernel): no GRUB, no ISO to build;
	# -cdrom wants a file and gets an empty one.
	if ! boot "$bare" "$FW" /dev/null $((120 + 60 * R)) '^bare: (done|failed)' \
		-kernel build/guest/vmlinuz -initrd build/guest/initrd-bench.gz \
		-append "console=ttyS0,115200 loglevel=4 bench.r=$R"; then
		failed+=("bare (no 'bare: done' line: see $blog)")
	elif grep -qa '^bare: failed' "$blog"; then
		failed+=("bare ($(grep -a '^bare: failed' "$blog" | tr -d '\r'))")
	fi
	stamps_stop
	bare_times=$(fetch_times "$blog" '')
	if [ "$(echo "$bare_times" | grep -c .)" -ne "$R" ]; then
		failed+=("bare ($(echo "$bare_times" | grep -c .) of $R fetches timed)")
	fi
fi

# ---- the figures --------------------------------------------------------------

# side NAME TIMES HOST_TIMES RATE: the line of one side's transfer times and
# throughput, and one of the same transfers (the second on) timed on the
# host's clock, from the guest's line before wget to the line after it.
side() {
	local name=$1 times=$2 host=$3 rate=$4 s
	if s=$(echo "$times" | grep . | spread); then
		# shellcheck disable=SC2086 # six numbers, split on purpose
		set -- $s
		printf 'bench: %-8s %2d x %d MiB: median %6.2f s (%.2f-%.2f), %6.2f MiB/s (%.2f-%.2f)\n' \
			"$name" "$(echo "$times" | grep -c .)" "$MIB" "$1" "$2" "$3" "$4" "$5" "$6"
	else
		echo "bench: $name: no transfer timed"
	fi
	[ "$R" -gt 1 ] || return 0
	if s=$(echo "$host" | grep . | spread); then
		# shellcheck disable=SC2086 # six numbers, split on purpose
		set -- $s
		printf 'bench: %-8s %2d of them on the host clock: median %6.2f s (%.2f-%.2f)%s\n' \
			"" "$(echo "$host" | grep -c .)" "$1" "$2" "$3" \
			"${rate:+; guest clock / host clock: $rate}"
	else
		echo "bench: $name: no transfer timed on the host clock"
	fi
}

{
	echo "bench: beta fetched 16 MiB from alpha over TCP through their VFs: $pk packets"
	echo "bench: beta's exits during the transfer: $((a - b)) in all"
	for r in "cpuid" "rdmsr" "wrmsr" "port i/o" "mmio" "ipi (icr)" "nmi" "hlt" "interrupt"; do
		d=$(($(cnt "$after" "$r") - $(cnt "$before" "$r")))
		printf 'bench:   %-10s %6d  (%s per packet)\n' "$r" "$d" \
			"$(awk -v d="$d" -v p="$pk" 'BEGIN { printf "%.4f", d / p }')"
	done
	# What the datapath could cause (BAR accesses, EOIs and other MSRs, IPIs,
	# interrupts taken by the hypervisor); CPUID comes from programs starting
	# (glibc's feature probe) and port I/O from the console.
	dp=0
	for r in "rdmsr" "wrmsr" "mmio" "ipi (icr)" "nmi" "interrupt"; do
		dp=$((dp + $(cnt "$after" "$r") - $(cnt "$before" "$r")))
	done
	echo "bench: exits per packet: $(awk -v d=$((a - b)) -v p="$pk" 'BEGIN { printf "%.2f", d / p }') in all;" \
		"datapath (mmio, msr, ipi, interrupt, nmi): $dp exits," \
		"$(awk -v d="$dp" -v p="$pk" 'BEGIN { printf "%.2f", d / p }') per packet"

	echo "bench: transfer time (guest's monotonic clock, wget alone), $FW firmware:"
	vf_host=$(host_times "$SYS_DIR/$n.stamps" 4)
	vf_rate=$(clock_rate "$log" '\[beta\] ' "$SYS_DIR/$n.stamps" 4)
	side vfvisor "$vf_times" "$vf_host" "$vf_rate"
	if [ "$BASELINE" -eq 1 ]; then
		bare_host=$(host_times "$SYS_DIR/$bare.stamps" 1)
		bare_rate=$(clock_rate "$blog" '' "$SYS_DIR/$bare.stamps" 1)
		side bare "$bare_times" "$bare_host" "$bare_rate"
		vm=$(echo "$vf_times" | grep . | spread | cut -d' ' -f1)
		bm=$(echo "$bare_times" | grep . | spread | cut -d' ' -f1)
		if [ -n "$vm" ] && [ -n "$bm" ]; then
			echo "bench: throughput vfvisor/bare: $(awk -v v="$vm" -v b="$bm" 'BEGIN { printf "%.2f", b / v }')" \
				"(of the medians; 1.00 = as fast as bare Linux on the same emulated machine)"
		fi
		vm=$(echo "$vf_host" | grep . | spread | cut -d' ' -f1)
		bm=$(echo "$bare_host" | grep . | spread | cut -d' ' -f1)
		if [ -n "$vm" ] && [ -n "$bm" ]; then
			echo "bench: the same on the host clock: $(awk -v v="$vm" -v b="$bm" 'BEGIN { printf "%.2f", b / v }')" \
				"(each time with wget's start and the guest's two lines around it)"
		fi
	fi
	# A guest clock off by more than 5% makes its side's own times wrong.
	for c in "vfvisor $vf_rate" "bare ${bare_rate:-}"; do
		# shellcheck disable=SC2086 # a name and a number, split on purpose
		set -- $c
		[ $# -eq 2 ] || continue
		if awk -v r="$2" 'BEGIN { exit !(r < 0.95 || r > 1.05) }'; then
			echo "bench: WARNING: the $1 guest's clock ran at $2 of the host's: its own times are off" \
				"by that much; trust the host-clock figures"
		fi
	done

	if [ "$IDLE" -eq 1 ] && [ -f "$SYS_DIR/$n.idle1" ] && [ -n "$idle_s" ]; then
		echo "bench: idle guests (console quiet, shells waiting) over $idle_s s: exits per second"
		idle_rates "$SYS_DIR/$n.idle0" "$SYS_DIR/$n.idle1" "$idle_s"
	fi

	echo "bench: boot, host clock from QEMU's start (guest's own uptime at the line):"
	st=$SYS_DIR/$n.stamps
	echo "bench:   vfvisor  first line $(stamp "$st" 0) s (firmware, GRUB), boot complete $(stamp "$st" 1) s," \
		"alpha up $(stamp "$st" 2) s ($(uptime_at "$log" '\[alpha\] ') s), beta up $(stamp "$st" 3) s ($(uptime_at "$log" '\[beta\] ') s)"
	# What slows the guests' boot: accesses the hypervisor refuses (each an
	# exit and #GP or all ones), mostly Linux calibrating against a PIT.
	echo "bench:   refused at boot (before the transfer): $(for g in alpha beta; do
		grep -a "^vfvisor: guest $g: refused: " "$before" | tail -n1 | tr -d '\r' |
			sed "s/.*refused: \([0-9]*\) port, \([0-9]*\) msr.*/$g \1 port, \2 msr;/"
	done | tr '\n' ' ' | sed 's/; $//')"
	if [ "$BASELINE" -eq 1 ]; then
		echo "bench:   bare     init $(stamp "$SYS_DIR/$bare.stamps" 0) s ($(uptime_at "$blog" '') s; QEMU loads the kernel: no GRUB)"
	fi
	for f in "${failed[@]}"; do
		echo "bench: FAILED: $f"
	done
} | tee "$out"
[ "${#failed[@]}" -eq 0 ]
