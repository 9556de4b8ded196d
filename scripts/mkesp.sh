#!/usr/bin/env bash
# mkesp.sh OUT.img VFVISOR.efi VFVISOR.elf "command line" [module...]
# A module is FILE (its name is the file's base name) or FILE=NAME.
# A FAT image holding an EFI system partition's files, booted by UEFI
# firmware with no GRUB: EFI/BOOT/BOOTX64.EFI is vfvisor.efi, which loads
# EFI/vfvisor/vfvisor.elf, cmdline.txt and the modules named in modules.txt.
# The image is a whole-disk FAT file system (no partition table), which
# OVMF mounts as it does a floppy or USB stick.
set -euo pipefail
out=$1 efi=$2 elf=$3 cmdline=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$out.tmp
rm -f "$img"
dd if=/dev/zero of="$img" bs=1M count=64 status=none
mformat -i "$img" -v VFVISOR -T 131072 -h 64 -s 32 ::
mmd -i "$img" ::/EFI ::/EFI/BOOT ::/EFI/vfvisor
mcopy -i "$img" "$efi" ::/EFI/BOOT/BOOTX64.EFI
[ "$elf" = - ] || mcopy -i "$img" "$elf" ::/EFI/vfvisor/vfvisor.elf
printf '%s\n' "$cmdline" >"$tmp/cmdline.txt"
mcopy -i "$img" "$tmp/cmdline.txt" ::/EFI/vfvisor/cmdline.txt
: >"$tmp/modules.txt"
for m in "$@"; do
	file=${m%%=*} name=$(basename "$m")
	[ "$file" = "$m" ] || name=${m#*=}
	mcopy -i "$img" "$file" "::/EFI/vfvisor/$name"
	echo "$name" >>"$tmp/modules.txt"
done
mcopy -i "$img" "$tmp/modules.txt" ::/EFI/vfvisor/modules.txt
mv "$img" "$out"
