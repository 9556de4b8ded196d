#!/usr/bin/env bash
# summary.sh DIR [START]: add up the result files of every test layer and
# print the closing line (with the seconds since START, a date +%s, if given).
set -u
dir=$1
pass=0 fail=0 skip=0 layers=0
for f in "$dir"/*.txt; do
	[ -f "$f" ] || continue
	read -r p f2 s <"$f"
	pass=$((pass + p)) fail=$((fail + f2)) skip=$((skip + s)) layers=$((layers + 1))
done
[ "$layers" -gt 0 ] || { echo "check: no test layer reported results"; exit 1; }
took=''
[ -n "${2:-}" ] && took=" ($(($(date +%s) - $2)) s)"
echo "check: $pass passed, $fail failed, $skip skipped$took"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
