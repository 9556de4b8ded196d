#!/usr/bin/env bash
# make bench: exits per packet on the VF datapath. Two Linux guests share the
# NIC (tests/system/guests-net.conf); beta fetches 16 MiB from alpha over TCP.
# The hypervisor's exit counters for beta are read (Ctrl-] s on the console)
# right before and right after the transfer; the difference, per reason, is
# divided by the packets beta's VF moved. Figures, not assertions: the
# machines are shared. BENCH_OUT=FILE also writes them there.
set -u
cd "$(dirname "$0")/../.."
export SYS_DIR=${SYS_DIR:-build/bench} LAYER=bench
. tests/system/lib.sh
out=${1:-$SYS_DIR/bench.txt}

iso=$SYS_DIR/bench.iso
scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
	build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
	tests/system/guests-net.conf=vfvisor.conf || { echo "bench: ISO failed"; exit 1; }

n=bench
esc=$'\x1d' # Ctrl-]: "s" after it prints every guest's exit counters
feed() {
	printf '%ss' "$esc" >&3
	sleep 1
	cp "$SYS_DIR/$n.log" "$SYS_DIR/$n.before"
	wait_for "$n" 300 '^\[beta\] vftest: fetched ' || return
	printf '%ss' "$esc" >&3
	sleep 2
}
if ! boot_io "$n" "${FW:-bios}" "$iso" 300 '^\[beta\] vftest: fetch start' feed; then
	echo "bench: the guests did not start the transfer"
	exit 1
fi
log=$SYS_DIR/$n.log
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
line=$(grep -a '^\[beta\] vftest: fetched ' "$log")
pk=$(echo "$line" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
b=$(total "$SYS_DIR/$n.before") a=$(total "$log")
if [ -z "$pk" ] || [ -z "$b" ] || [ -z "$a" ] || [ "$pk" -eq 0 ]; then
	echo "bench: no figures (packets '$pk', exits before '$b' after '$a')"
	exit 1
fi
{
	echo "bench: beta fetched 16 MiB from alpha over TCP through their VFs: $pk packets"
	echo "bench: beta's exits during the transfer: $((a - b)) in all"
	for r in "cpuid" "rdmsr" "wrmsr" "port i/o" "mmio" "ipi (icr)" "nmi" "hlt" "interrupt"; do
		d=$(($(cnt "$log" "$r") - $(cnt "$SYS_DIR/$n.before" "$r")))
		printf 'bench:   %-10s %6d  (%s per packet)\n' "$r" "$d" \
			"$(awk -v d="$d" -v p="$pk" 'BEGIN { printf "%.4f", d / p }')"
	done
	# What the datapath could cause (BAR accesses, EOIs and other MSRs, IPIs,
	# interrupts taken by the hypervisor); CPUID comes from programs starting
	# (glibc's feature probe) and port I/O from the console.
	dp=0
	for r in "rdmsr" "wrmsr" "mmio" "ipi (icr)" "nmi" "interrupt"; do
		dp=$((dp + $(cnt "$log" "$r") - $(cnt "$SYS_DIR/$n.before" "$r")))
	done
	echo "bench: exits per packet: $(awk -v d=$((a - b)) -v p="$pk" 'BEGIN { printf "%.2f", d / p }') in all;" \
		"datapath (mmio, msr, ipi, interrupt, nmi): $dp exits," \
		"$(awk -v d="$dp" -v p="$pk" 'BEGIN { printf "%.2f", d / p }') per packet"
} | tee "$out"
