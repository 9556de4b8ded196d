#!/usr/bin/env bash
# The VT-x backend at hardware speed: under QEMU with KVM on an Intel host
# that lets KVM nest VT-x, the test guest and the two Linux guests run as in
# the TCG system tests. Anywhere else: "SKIP: no nested VT-x", counted as
# skipped. (The development machines are AMD without nesting: this path has
# not run there.)
set -u
cd "$(dirname "$0")/../.."
export SYS_DIR=${SYS_DIR:-build/kvm} LAYER=kvm
. tests/system/lib.sh
out=$1

why=
if ! grep -qm1 'GenuineIntel' /proc/cpuinfo; then
	why="the host CPU is not Intel"
elif ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	why="no usable /dev/kvm"
elif ! grep -qE '^(Y|1)$' /sys/module/kvm_intel/parameters/nested 2>/dev/null; then
	why="kvm_intel does not nest (nested=N)"
fi
if [ -n "$why" ]; then
	skip "no nested VT-x ($why)"
	results "$out"
	exit 0
fi

export ACCEL=kvm CPU=host,+vmx
iso=$SYS_DIR/kvm-tg.iso
scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2" build/guest/testguest=testguest \
	tests/system/testguest.conf=vfvisor.conf || { fail "building the ISO"; results "$out"; exit 1; }
n=kvm-testguest
if boot "$n" bios "$iso" 240 'testguest: done|guest tg: stopped'; then
	expect "$n" '^vfvisor: cpu: virtualisation backend: vt-x' "the VT-x backend is chosen"
	expect "$n" '^\[tg\] testguest: done 11 passed, 0 failed' "test guest: all checks passed"
else
	fail "$n: runs the test guest"
fi

giso=$SYS_DIR/kvm-guests.iso
scripts/mkiso.sh "$giso" build/vfvisor.elf "loglevel=2" build/guest/vmlinuz=vmlinuz \
	build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
	tests/system/guests.conf=vfvisor.conf || { fail "building the ISO"; results "$out"; exit 1; }
n=kvm-guests
if boot "$n" bios "$giso" 300 '^\[alpha\] vftest: done'; then
	expect "$n" '^\[alpha\] vftest: ram_mib=256\s*$' "alpha sees its 256 MiB"
	expect "$n" '^\[beta\] vftest: ram_mib=128\s*$' "beta sees its 128 MiB"
	expect "$n" '^\[alpha\] vftest: probe 0x11000000 = 0xFFFFFFFF' "alpha reads nothing of beta"
	expect "$n" '^vfvisor: guest beta: stopped: triple fault' "beta stopped by its triple fault"
else
	fail "$n: two Linux guests run"
fi
results "$out"
