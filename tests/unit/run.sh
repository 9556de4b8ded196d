#!/usr/bin/env bash
# Run cmocka test binaries; count tests from cmocka's own lines and write
# "passed failed skipped" to the result file named first. A binary that dies
# (a sanitizer report, a crash) counts as one more failure.
set -u
out=$1; shift
mkdir -p "$(dirname "$out")"
pass=0 fail=0 skip=0
for bin in "$@"; do
	log=$(mktemp)
	"$bin" >"$log" 2>&1
	rc=$?
	# cmocka names a failed or skipped test twice (as it runs and in the
	# summary), so take its summary counts: "[  FAILED  ] N test(s)...".
	p=$(grep -c '^\[       OK \]' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | head -n1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | head -n1)
	f=${f:-0} s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$rc" -ne 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
		cat "$log"
	else
		grep '^SKIP: ' "$log" | sed "s/^/$(basename "$bin"): /"
	fi
	printf 'unit %-20s %3d passed, %d failed, %d skipped\n' "$(basename "$bin")" "$p" "$f" "$s"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	rm -f "$log"
done
echo "$pass $fail $skip" >"$out"
echo "unit: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
