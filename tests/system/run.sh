#!/usr/bin/env bash
# System tests in QEMU TCG (q35, intel-iommu, igb behind a root port), once
# with SeaBIOS and once with OVMF, both through GRUB from the same ISO.
set -u
cd "$(dirname "$0")/../.."
. tests/system/lib.sh
out=$1

if ! command -v qemu-system-x86_64 >/dev/null; then
	skip "qemu-system-x86_64 not installed (run make deps)"
	results "$out"
	exit
fi

iso=$SYS_DIR/boot.iso
scripts/mkiso.sh "$iso" build/vfvisor.elf "loglevel=2 selftest=exception" ||
	{ fail "building the test ISO"; results "$out"; exit 1; }

for fw in bios uefi; do
	n=boot-$fw
	if ! boot "$n" "$fw" "$iso" 240 'vfvisor: boot complete'; then
		fail "$n: boots to 'boot complete'"
		continue
	fi
	pass "$n: boots to 'boot complete'"
	expect "$n" "vfvisor: vfvisor .*firmware $fw\b" "firmware kind is $fw"
	expect "$n" '^vfvisor: cpus online: 3\s*$' "cpus online: 3"
	expect_order "$n" '^vfvisor: cpus online:' '^vfvisor: memory: ' "inventory follows 'cpus online'"
	expect "$n" 'vfvisor: acpi: madt: 3 cpu\(s\)' "MADT lists 3 CPUs"
	expect "$n" 'vfvisor: acpi: ecam: segment 0 buses 0-255 at 0xb0000000' "ECAM window from MCFG"
	# QEMU 10 lists every bus-0 device and bridge as a scope (no INCLUDE_PCI_ALL):
	# at least the IOAPIC and the igb's root port.
	expect "$n" 'vfvisor: dmar: unit 0 at 0xfed90000 segment 0, ([2-9]|[1-9][0-9]+) device scope' "DMAR unit with its device scopes"
	expect "$n" 'vfvisor: dmar: 1 unit\(s\).*interrupt remapping supported' "DMAR summary"
	expect "$n" 'vfvisor: cpu: amd-v: yes \(npt yes' "AMD-V with NPT detected"
	expect "$n" 'vfvisor: cpu: x2apic yes' "x2APIC detected"
	expect "$n" 'vfvisor: memory: 10[0-9][0-9] MiB usable' "about 1 GiB usable memory"
	expect "$n" 'vfvisor: error: cpu 2: exception 6 \(#UD\)' "exception report names cpu, vector"
	expect "$n" 'vfvisor: error: cpu 2:   rip [0-9a-f]{16} cs 0008' "exception report has rip"
	expect "$n" 'vfvisor: error: cpu 2:   cr0 .* cr2 ' "exception report has control registers"
	expect "$n" 'vfvisor: selftest exception: PASS' "faulting cpu stopped, others run on"
	expect_not "$n" 'vfvisor: (error|warning): (acpi|mem|multiboot2|smp)' "no boot errors or warnings"
done

results "$out"
