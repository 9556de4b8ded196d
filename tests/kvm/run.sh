#!/usr/bin/env bash
# The system tests under KVM: on an Intel host that lets KVM nest VT-x, the
# very scripts of `make check-system` (tests/system/run.sh and what it runs)
# with the VT-x backend. Anywhere else: "SKIP: no nested VT-x", counted as
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

# Only what differs from TCG's run. The IOAPIC in QEMU, not in the kernel
# (kernel-irqchip=split): QEMU refuses intel-iommu's interrupt remapping
# otherwise. The host's CPU with VMX makes vfvisor pick VT-x, so no AMD-V
# smoke guest. Hardware is faster than TCG: a hang fails in half the time.
export ACCEL=kvm,kernel-irqchip=split CPU=host,+vmx BACKEND=vt-x TIMEOUT_SCALE=0.5
exec tests/system/run.sh "$out"
