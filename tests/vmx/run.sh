#!/usr/bin/env bash
# The VT-x backend in Bochs (QEMU's TCG has no VMX): the ISO with the
# bare-metal test guest boots on a two-CPU Ice Lake model with VMX and EPT;
# the guest runs on CPU 1 and every one of its checks must pass.
set -u
cd "$(dirname "$0")/../.."
export SYS_DIR=${SYS_DIR:-build/vmx} LAYER=vmx
. tests/system/lib.sh
out=$1

if ! command -v bochs-bin >/dev/null; then
	skip "bochs not installed (run make deps)"
	results "$out"
	exit
fi

iso=$SYS_DIR/vmx.iso
# vmx.poison: every VMCS region is all ones before VMCLEAR, and Bochs keeps
# the fields in it plainly, so a field vfvisor never writes fails the entry.
if ! scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2 vmx.poison=1" build/guest/testguest=testguest \
	tests/system/testguest.conf=vfvisor.conf; then
	fail "building the Bochs ISO"
	results "$out"
	exit 1
fi

# bochs_boot NAME ISO TIMEOUT_S DONE_REGEX [CPUS]: like boot (lib.sh), in Bochs.
# Debian's Bochs has its debugger built in (the script's "c" continues), only
# the rfb display (headless with timeout=0), and a sound mixer that aborts
# without a sound card (hence the dummy driver).
bochs_boot() {
	local name=$1 iso=$2 limit=$3 done_re=$4 ncpu=${5:-2} megs=${6:-256}
	local log="$SYS_DIR/$name.log" rc="$SYS_DIR/$name.bochsrc" pid t=0 ok=1
	: >"$log"
	cat >"$rc" <<RC
megs: $megs
cpu: model=corei7_icelake_u, count=$ncpu
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$log
display_library: rfb, options="timeout=0"
sound: driver=dummy
speaker: enabled=0
log: $SYS_DIR/$name.bochs.log
RC
	echo c >"$SYS_DIR/$name.script"
	bochs-bin -q -f "$rc" -rc "$SYS_DIR/$name.script" </dev/null >"$SYS_DIR/$name.out" 2>&1 &
	pid=$!
	while [ "$t" -lt $((limit * 2)) ]; do
		if grep -qaE "$done_re" "$log"; then ok=0; break; fi
		if grep -qa 'vfvisor: error: .*stopping' "$log"; then break; fi
		if ! kill -0 "$pid" 2>/dev/null; then break; fi
		sleep 0.5
		t=$((t + 1))
	done
	sleep 1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ $ok -ne 0 ]; then
		echo "--- $name: no '$done_re' within ${limit}s; last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
		grep -aE '\[(PANIC|ERROR)' "$SYS_DIR/$name.out" | tail -n 5 | sed 's/^/    bochs: /'
	fi
	return $ok
}

n=vmx-testguest
if bochs_boot "$n" "$iso" 900 'guest tg: stopped'; then
	pass "$n: boots in Bochs and runs the test guest"
	expect "$n" '^vfvisor: cpu: vt-x: yes \(ept yes, vpid yes, unrestricted guest yes' "VT-x with EPT, VPID, unrestricted guest detected"
	expect "$n" '^vfvisor: cpu: virtualisation backend: vt-x' "the VT-x backend is chosen"
	expect "$n" '^vfvisor: warning: vmx.poison: VMCS regions filled with 0xff' "VMCS regions poisoned"
	expect_not "$n" 'unknown command line option' "every option known"
	expect "$n" '^vfvisor: cpus online: 2\s*$' "two CPUs"
	# Bochs hands the 8259's INTR to the CPU whatever LINT0 says: no NMI.
	expect "$n" '^vfvisor: warning: watchdog: off \(0 of 2 ticks from pit 0 through lint0 as an nmi within 200 ms\)' "no NMI watchdog in Bochs, and the line says why"
	expect "$n" '^vfvisor: guest tg: running on cpu 1\s*$' "the guest runs on cpu 1"
	expect_testguest "$n" tg
	expect_testguest_resets "$n" tg
	expect "$n" '^vfvisor: warning: guest tg: refused read of guest-physical 0x4000000 ' "the read past its RAM logged"
	expect "$n" "^vfvisor: warning: guest tg: refused IPI 0x[0-9a-f]+: destination APIC ID is not the guest's" "the IPI to a foreign CPU refused"
else
	fail "$n: boots in Bochs and runs the test guest"
fi

# A guest on two CPUs (so three in all): its AP started by emulated INIT/SIPI
# into real mode under VT-x (unrestricted guest).
siso=$SYS_DIR/vmx-smp.iso
n=vmx-smp
if scripts/mkiso.sh "$siso" build/vfvisor.elf "loglevel=2 vmx.poison=1" build/guest/testguest=testguest \
	tests/system/testguest-smp.conf=vfvisor.conf &&
	bochs_boot "$n" "$siso" 900 'guest tg2: stopped' 3; then
	expect "$n" '^vfvisor: cpus online: 3\s*$' "three CPUs"
	expect "$n" '^vfvisor: guest tg2: vcpu 1 started on cpu 2 at 0x70000\s*$' "the AP started by the guest's INIT/SIPI"
	expect_testguest "$n" tg2 smp
	expect_testguest_resets "$n" tg2
else
	fail "$n: the two-CPU test guest runs"
fi

# A VMCS the CPU refuses: the report must name the failed check.
biso=$SYS_DIR/vmx-break.iso
n=vmx-entry-failure
if scripts/mkiso.sh "$biso" build/vfvisor.elf "loglevel=2 vmx.break=cr0" \
	build/guest/testguest=testguest tests/system/testguest.conf=vfvisor.conf &&
	bochs_boot "$n" "$biso" 900 'guest tg: stopped|testguest: done'; then
	expect "$n" '^vfvisor: guest tg: stopped: vm entry failed \(exit reason 0x80000021\): guest CR0: PG set without PE' "the failed VM entry is explained by the check it failed"
	expect_not "$n" 'unknown command line option' "vmx.break is a known option"
	expect_not "$n" '^\[tg\] ' "the guest never ran"
else
	fail "$n: a refused VM entry is reported"
fi

# A bad vmx.poison value is named and leaves poisoning off.
piso=$SYS_DIR/vmx-poison-bad.iso
n=vmx-poison-bad
if scripts/mkiso.sh "$piso" build/vfvisor.elf "loglevel=2 vmx.poison=yes" \
	build/guest/testguest=testguest tests/system/testguest.conf=vfvisor.conf &&
	bochs_boot "$n" "$piso" 900 'testguest: done|guest tg: stopped'; then
	expect "$n" '^vfvisor: warning: vmx.poison=yes: expected 0 or 1' "the bad value is named"
	expect_not "$n" 'filled with 0xff' "poisoning stays off"
else
	fail "$n: boots with a bad vmx.poison value"
fi

# Two Linux guests (the stock Debian 6.1 kernel) under VT-x: the kernel's
# own boot (real-mode-free 64-bit entry, XSETBV, CR4 toggles, APIC timer,
# its console) through to userspace, then a triple fault stopping one guest.
# Minutes of Bochs time: the longest case here.
liso=$SYS_DIR/vmx-linux.iso
n=vmx-linux
if scripts/mkiso.sh "$liso" build/vfvisor.elf "loglevel=2 vmx.poison=1" build/guest/vmlinuz=vmlinuz \
	build/guest/initrd.gz=initrd-alpha build/guest/initrd.gz=initrd-beta \
	tests/vmx/guests.conf=vfvisor.conf &&
	bochs_boot "$n" "$liso" 1500 '^\[alpha\] vftest: done|guest alpha: stopped' 3 512; then
	pass "$n: two Linux guests run under VT-x"
	for g in alpha beta; do
		expect "$n" "^\\[$g\\] vftest: up name=$g" "$g reaches userspace"
		expect "$n" "^\\[$g\\] vftest: ram_mib=128\\s*\$" "$g sees its 128 MiB"
		expect "$n" "^\\[$g\\] vftest: probe 0x8000000 = 0xFFFFFFFF" "$g reads all ones past its RAM"
	done
	expect "$n" '^vfvisor: guest beta: stopped: triple fault' "beta stopped by its triple fault"
	expect_order "$n" '^vfvisor: guest beta: stopped: triple fault' '^\[alpha\] vftest: done' "alpha runs on after beta stopped"
	expect_not "$n" 'guest alpha: stopped|vm entry failed|vfvisor: error' "alpha not stopped, no failed VM entry, no error"
else
	fail "$n: two Linux guests run under VT-x"
fi

results "$out"
