#!/usr/bin/env bash
# Host checks of the bench's parsing (tests/bench/lib.sh) against canned
# console lines in the formats guest/linux/init and the hypervisor print,
# damaged ones included, and of guest/linux/init's fetch:PEER:R and uptime
# actions run as `vftest` on the host (only the paths that need no
# network). `make bench` runs it first, `make check-unit` too, with a file
# to write "passed failed skipped" into; it takes a few seconds.
set -u
out=${1:-}
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
export LC_ALL=C
PASS=0 FAIL=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		printf 'FAIL %s\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3"
	fi
}
nl() { tr '\n' ' ' | sed 's/ $//'; }

R=3 MIB=16
cr=$'\r'
cat >"$tmp/log" <<EOF
[beta] vftest: up name=beta$cr
[beta] vftest: uptime=6.72 s$cr
[alpha] vftest: fetch 1/3 16777216 bytes in 9.99 s$cr
[beta] vftest: fetch 1/3 16777216 bytes in 1.28 s$cr
[beta] vftest: fetch 2/3 begins at uptime 40.50 s$cr
[beta] vftest: fetch 2/3 16777216 bytes in 0.72 s$cr
[beta] vftest: fetch 3/3 begins at uptime 42.50 s$cr
[beta] vftest: fetch 3/3 1048576 bytes in 0.10 s$cr
[beta] vftest: fetch 3/3 16777216 bytes in 0.89 s$cr
[beta] vftest: fetch 1/4 16777216 bytes in 5.00 s$cr
EOF

# Transfers: beta's only, whole files only, of R only; carriage returns gone.
check "fetch_times: beta's whole transfers of 3" "1.28 0.72 0.89" "$(fetch_times "$tmp/log" '\[beta\] ' | nl)"
check "fetch_times: none without the prefix" "" "$(fetch_times "$tmp/log" '' | nl)"
check "uptime_at: the line after up" "6.72" "$(uptime_at "$tmp/log" '\[beta\] ')"
check "uptime_at: missing is -" "-" "$(uptime_at "$tmp/log" '\[alpha\] ')"

# Median and range of time and throughput (16 MiB / time).
check "spread: odd count, unsorted" "1.00 0.50 2.00 16.00 8.00 32.00" "$(printf '2\n0.5\n1\n' | spread)"
check "spread: even count, mean of the middle two" "1.50 1.00 4.00 12.00 4.00 16.00" "$(printf '4\n1\n2\n1\n' | spread)"
check "spread: one value" "2.00 2.00 2.00 8.00 8.00 8.00" "$(echo 2 | spread)"
spread </dev/null >/dev/null
check "spread: nothing is a failure" 1 "$?"

# Stamps: the K-th regex's seconds, or - when it never came.
printf '0 2.15\n2 49.75\n4 40.00\n5 41.00\n6 42.00\n7 43.50\n' >"$tmp/stamps"
check "stamp: present" "49.75" "$(stamp "$tmp/stamps" 2)"
check "stamp: missing is -" "-" "$(stamp "$tmp/stamps" 1)"
check "host_times: end minus begin, fetches 2..R" "1.00 1.50" "$(host_times "$tmp/stamps" 4 | nl)"
# Guest 40.50 -> 42.50 while the host went 40.00 -> 42.00.
check "clock_rate: guest seconds per host second" "1.00" "$(clock_rate "$tmp/log" '\[beta\] ' "$tmp/stamps" 4)"
check "clock_rate: a missing stamp gives nothing" "" "$(clock_rate "$tmp/log" '\[beta\] ' "$tmp/stamps" 3)"
check "clock_rate: nothing below 3 transfers" "" "$(R=2 clock_rate "$tmp/log" '\[beta\] ' "$tmp/stamps" 4)"
check "fetch_res: a begins and an end regex per fetch 2..R" 4 "$(fetch_res '' | grep -c .)"

# Exit counters: the last print wins, vCPUs add up, reasons keep their
# spaces, a reason missing before counts from 0.
cat >"$tmp/c0" <<EOF
vfvisor: guest alpha: vcpu 0 (cpu 1): 50 exits$cr
vfvisor: guest alpha: vcpu 0:   port i/o             40$cr
vfvisor: guest alpha: vcpu 0 (cpu 1): 100 exits$cr
vfvisor: guest alpha: vcpu 0:   cpuid                10$cr
vfvisor: guest alpha: vcpu 0:   port i/o             90$cr
vfvisor: guest beta: vcpu 0 (cpu 2): 10 exits$cr
vfvisor: guest beta: vcpu 0:   port i/o             10$cr
vfvisor: guest beta: vcpu 1 (cpu 3): 5 exits$cr
vfvisor: guest beta: vcpu 1:   hlt                  5$cr
vfvisor: guest beta: refused: 100080 port, 4 msr, 0 mmio access(es)$cr
EOF
check "counters: summed per guest and reason" \
	"alpha|all 100 alpha|cpuid 10 alpha|port i/o 90 beta|all 15 beta|hlt 5 beta|port i/o 10" \
	"$(counters "$tmp/c0" | sort | tr '\t' ' ' | nl)"
{
	cat "$tmp/c0"
	cat <<EOF
vfvisor: guest alpha: vcpu 0 (cpu 1): 400 exits$cr
vfvisor: guest alpha: vcpu 0:   cpuid                10$cr
vfvisor: guest alpha: vcpu 0:   port i/o             390$cr
vfvisor: guest beta: vcpu 0 (cpu 2): 40 exits$cr
vfvisor: guest beta: vcpu 0:   port i/o             30$cr
vfvisor: guest beta: vcpu 0:   ipi (icr)            10$cr
vfvisor: guest beta: vcpu 1 (cpu 3): 5 exits$cr
vfvisor: guest beta: vcpu 1:   hlt                  5$cr
EOF
} >"$tmp/c1"
check "idle_rates: per second, reasons that occurred" \
	"bench:   alpha       30.00 in all; port i/o 30.00|bench:   beta         3.00 in all; ipi (icr) 1.00; port i/o 2.00" \
	"$(idle_rates "$tmp/c0" "$tmp/c1" 10 | tr '\n' '|' | sed 's/|$//')"
check "counters: a log without counters gives nothing" "" "$(counters "$tmp/log")"

# Stamps from a growing log: each regex once, at the first line matching it.
: >"$tmp/grow"
stamps "$tmp/grow" "$tmp/gs" "$EPOCHREALTIME" '^a' '^b' '^never'
sleep 0.3
printf 'a1\r\nx\n' >>"$tmp/grow"
sleep 0.3
printf 'b\na2\n' >>"$tmp/grow"
sleep 0.5
stamps_stop
check "stamps: the regexes seen, once each, in order" "0 1" "$(cut -d' ' -f1 "$tmp/gs" | nl)"
check "stamps: later lines later" 1 "$(awk '{ t[$1] = $2 } END { print (t[0] > 0 && t[1] > t[0]) ? 1 : 0 }' "$tmp/gs")"

# guest/linux/init as vftest: a bad count is refused before any network.
ln -s "$PWD/guest/linux/init" "$tmp/vftest"
for bad in 0 07 x 2x ''; do
	check "vftest fetch:10.0.0.1:$bad refused" \
		"vftest: bad action fetch:10.0.0.1:$bad (a count of 1 or more)" \
		"$(sh "$tmp/vftest" "fetch:10.0.0.1:$bad" 2>&1)"
done
check "vftest uptime: hundredths of the host's /proc/uptime" 1 \
	"$(sh "$tmp/vftest" uptime | grep -cE '^vftest: uptime=[0-9]+\.[0-9][0-9] s$')"

echo "bench parsing: $PASS passed, $FAIL failed"
if [ -n "$out" ]; then
	mkdir -p "$(dirname "$out")" && echo "$PASS $FAIL 0" >"$out"
fi
[ "$FAIL" -eq 0 ]
