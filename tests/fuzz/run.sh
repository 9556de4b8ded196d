#!/usr/bin/env bash
# Run the libFuzzer harnesses named after the first two arguments, one at a
# time, each over its seed corpus (tests/fuzz/corpus/NAME/) and then for
# SECONDS more; write "passed failed skipped" to RESULT (one test per
# harness). A harness that crashes, leaks or times out fails; its input is
# kept as build/fuzz/crashes/NAME-*. New inputs go to a scratch directory,
# or with FUZZ_KEEP=1 to build/fuzz/corpus/NAME/, kept from run to run.
# FUZZ_RUNS=N stops each after N executions instead (SECONDS 0: no limit).
#   tests/fuzz/run.sh --probe            exit 0 if libFuzzer can be built here
#   tests/fuzz/run.sh RESULT SECONDS NAME...
set -u
cd "$(dirname "$0")/../.."

# Why the harnesses cannot be built here, or nothing.
why_not() {
	command -v clang >/dev/null || { echo "clang not installed (make deps)"; return; }
	local d
	d=$(mktemp -d)
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' \
		>"$d/p.c"
	clang -fsanitize=fuzzer,address,undefined -o "$d/p" "$d/p.c" >/dev/null 2>&1 ||
		echo "clang cannot link libFuzzer (libclang-rt-14-dev missing? make deps)"
	rm -rf "$d"
}

if [ "${1:-}" = --probe ]; then
	[ -z "$(why_not)" ]
	exit
fi

out=$1 secs=$2
shift 2
mkdir -p "$(dirname "$out")" build/fuzz/crashes
pass=0 fail=0 skip=0
why=$(why_not)
for name in "$@"; do
	if [ -n "$why" ]; then
		echo "SKIP: fuzz $name: $why"
		skip=$((skip + 1))
		continue
	fi
	bin=build/fuzz/$name
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: $bin was not built"
		fail=$((fail + 1))
		continue
	fi
	if [ "${FUZZ_KEEP:-0}" = 1 ]; then
		work=build/fuzz/corpus/$name
		mkdir -p "$work"
	else
		work=$(mktemp -d)
	fi
	log=build/fuzz/$name.log
	start=$SECONDS
	"$bin" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$name-" \
		"$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n1)
	if [ "$rc" -eq 0 ]; then
		printf 'fuzz %-12s passed: %s runs in %ss, %s\n' "$name" "${execs:-?}" \
			"$((SECONDS - start))" "${cov:-no coverage line}"
		pass=$((pass + 1))
	else
		tail -n 40 "$log"
		printf 'fuzz %-12s FAILED (exit %d): log %s, input %s\n' "$name" "$rc" "$log" \
			"$(ls -t build/fuzz/crashes/"$name"-* 2>/dev/null | head -n1)"
		fail=$((fail + 1))
	fi
done
echo "$pass $fail $skip" >"$out"
echo "fuzz: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
