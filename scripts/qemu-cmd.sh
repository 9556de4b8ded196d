#!/usr/bin/env bash
# qemu-cmd.sh FIRMWARE ISO|IMG [extra QEMU args...]: print the QEMU command line
# for the reference machine (one word per line), FIRMWARE = bios | uefi.
# The IOMMU must come before the NIC: QEMU picks DMA address spaces at realize.
set -euo pipefail
fw=$1 iso=$2
shift 2
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
# TOPOLOGY=rootport (default): igb behind a root port (PF at 01:00.0);
# TOPOLOGY=switch: behind an x3130 switch's downstream port (PF at 03:00.0);
# TOPOLOGY=pci: an i440fx machine, no MCFG, so configuration goes via CF8/CFC.
# IOMMU=intel (default): intel-iommu; IOMMU=amd: amd-iommu with pt=off (its
# default pt=on translates nothing) and, unless TOPOLOGY is given, the igb on
# pcie.0 at 00:02.0: QEMU 10.0.2's amd-iommu looks devices behind a root port
# up with bus number 0 (iommu/notes/qemu-10.0.2-amd-iommu.md). AMDVI_XTSUP=off
# takes x2APIC interrupt remapping away (the driver must then refuse).
IOMMU=${IOMMU:-intel}
case "$IOMMU" in
intel) iommu=(-device intel-iommu,intremap=on,eim=on) ;;
amd) iommu=(-device "amd-iommu,intremap=on,xtsup=${AMDVI_XTSUP:-on},pt=off")
     TOPOLOGY=${TOPOLOGY:-bus0} ;;
*) echo "qemu-cmd.sh: IOMMU must be intel or amd" >&2; exit 2 ;;
esac
# TOPOLOGY=bus0: the igb on pcie.0 at 00:02.0 (VFs at 00:12.0 ... 00:13.6).
case "${TOPOLOGY:-rootport}" in
bus0) nic=(-device igb,bus=pcie.0,addr=0x2) ;;
rootport) nic=(-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 -device igb,bus=rp1) ;;
switch) nic=(-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1
	     -device x3130-upstream,id=up1,bus=rp1
	     -device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0
	     -device igb,bus=dn1) ;;
pci) nic=(-device igb) ;; # i440fx: conventional PCI, no MCFG
*) echo "qemu-cmd.sh: TOPOLOGY must be rootport, bus0, switch or pci" >&2; exit 2 ;;
esac
# NIC_NETDEV=SPEC: the igb's wire is that QEMU netdev (e.g. dgram,... that a
# test sends frames into); without it the wire has no peer.
if [ -n "${NIC_NETDEV:-}" ]; then
	nic[${#nic[@]} - 1]+=",netdev=wire"
	nic=(-netdev "$NIC_NETDEV,id=wire" "${nic[@]}")
fi
# An ISO boots from CD; an .img is an ESP disk image (vfvisor.efi, no GRUB),
# attached read-only in effect (snapshot) so runs cannot change it.
case "$iso" in
*.img) media=(-drive "file=$iso,format=raw,media=disk,snapshot=on") ;;
*) media=(-cdrom "$iso" -boot d) ;;
esac
machine=q35
[ "${TOPOLOGY:-rootport}" = pci ] && machine=pc && iommu=()
args=(qemu-system-x86_64 -machine $machine -accel "${ACCEL:-tcg}" -cpu "${CPU:-max}" -smp "${SMP:-3}" -m "${MEM:-1G}"
      -display none -vga none -nic none -no-reboot -monitor none
      "${iommu[@]}"
      "${nic[@]}"
      "${media[@]}")
case "$fw" in
bios) ;;
uefi)
	vars=${VARS_COPY:-$(dirname "$iso")/ovmf-vars-$$.fd}
	cp "$OVMF_VARS" "$vars"
	args+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
	       -drive "if=pflash,format=raw,unit=1,file=$vars")
	;;
*) echo "qemu-cmd.sh: firmware must be bios or uefi, not '$fw'" >&2; exit 2 ;;
esac
printf '%s\n' "${args[@]}" "$@"
