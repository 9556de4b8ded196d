#!/usr/bin/env bash
# run-qemu.sh ISO [bios|uefi]: boot vfvisor with its serial console on this
# terminal. Quit with Ctrl-A X.
set -euo pipefail
iso=$1 fw=${2:-${FW:-bios}}
mapfile -t cmd < <(scripts/qemu-cmd.sh "$fw" "$iso" -serial mon:stdio)
# -monitor none from qemu-cmd.sh conflicts with mon:stdio; drop it here.
filtered=()
skip=0
for a in "${cmd[@]}"; do
	if [ $skip = 1 ]; then skip=0; continue; fi
	if [ "$a" = "-monitor" ]; then skip=1; continue; fi
	filtered+=("$a")
done
echo "run-qemu: ${filtered[*]}"
echo "run-qemu: Ctrl-A X quits"
exec "${filtered[@]}"
