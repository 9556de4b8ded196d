#!/usr/bin/env bash
# mkiso.sh OUT.iso VFVISOR.elf "command line" [module...]
# A module is FILE (its name is the file's base name) or FILE=NAME.
# mkiso.sh --entry OUT.iso TREE ENTRY: the files under TREE as they are, and
# the GRUB menu entry in file ENTRY (what install/20_vfvisor prints).
# One GRUB rescue ISO that boots under both legacy BIOS and UEFI; the serial
# line carries GRUB's own messages too, so that a loader failure is visible.
set -euo pipefail
dir=$(mktemp -d)
log=$(mktemp) # outside $dir: xorriso must not pack a file that is growing
trap 'rm -rf "$dir" "$log"' EXIT
if [ "$1" = --entry ]; then
	out=$2
	cp -a "$3/." "$dir/"
	entry=$(cat "$4")
else
	out=$1 elf=$2 cmdline=$3
	shift 3
	mkdir -p "$dir/boot"
	cp "$elf" "$dir/boot/vfvisor.elf"
	mods=""
	for m in "$@"; do
		file=${m%%=*} name=$(basename "$m")
		[ "$file" = "$m" ] || name=${m#*=}
		cp "$file" "$dir/boot/$name"
		mods+="	module2 /boot/$name $name"$'\n'
	done
	entry="menuentry \"vfvisor\" {
	multiboot2 /boot/vfvisor.elf $cmdline
$mods	boot
}"
fi
mkdir -p "$dir/boot/grub"
cat >"$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
$entry
CFG
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out.tmp" "$dir" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
mv "$out.tmp" "$out"
