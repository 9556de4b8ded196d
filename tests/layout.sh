#!/usr/bin/env bash
# Which folder may include which: one PASS/FAIL line per rule, and
# "passed failed skipped" to the result file named first. Run by
# `make check-format`.
#   drivers/ includes nothing under hv/ (lib/printk.h is the console's interface);
#   hv/platform/, drivers/ and iommu/ include no guest (hv/vm/) and no vendor
#   backend (hv/vmx/, hv/svm/);
#   hv/vm/vm.h includes no vendor backend;
#   nothing under hv/ includes an IOMMU implementation's header (iommu/vtd*,
#   iommu/amdvi*): hv/ reaches the IOMMU through iommu/iommu.h, and may read
#   the pure table parsers iommu/dmar.h and iommu/ivrs.h.
set -u
out=$1
mkdir -p "$(dirname "$out")"
pass=0 fail=0 skip=0

# rule DESCRIPTION PATTERN FILES...: no #include "PATTERN..." in FILES.
rule() {
	local what=$1 pat=$2 hits
	shift 2
	hits=$(grep -nE "^#[[:space:]]*include[[:space:]]+\"($pat)" "$@" 2>/dev/null)
	if [ -z "$hits" ]; then
		echo "PASS layout: $what"
		pass=$((pass + 1))
	else
		echo "FAIL layout: $what:"
		echo "$hits" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}

files() { git ls-files --cached --others --exclude-standard "$@" | grep -E '\.(c|h)$'; }

rule "drivers/ includes nothing under hv/" 'hv/' $(files drivers)
rule "hv/platform/, drivers/ and iommu/ include no hv/vm/, hv/vmx/ or hv/svm/" \
	'hv/(vm|vmx|svm)/' $(files hv/platform drivers iommu)

rule "hv/vm/vm.h includes no hv/vmx/ or hv/svm/" 'hv/(vmx|svm)/' hv/vm/vm.h
rule "hv/ includes no iommu/vtd* or iommu/amdvi* (iommu/iommu.h is the interface)" \
	'iommu/(vtd|amdvi)' $(files hv)

echo "$pass $fail $skip" >"$out"
echo "layout: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
