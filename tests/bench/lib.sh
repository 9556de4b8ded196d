#!/usr/bin/env bash
# The bench's parsing and arithmetic (tests/bench/run.sh sources it;
# tests/bench/test.sh checks it against canned console lines): the guests'
# transfer times, the spread of a set of times, the hypervisor's exit
# counters, and the host-clock stamps of console lines. The caller sets R
# (transfers a side) and MIB (the size of one).

# since T0: seconds from T0 (an $EPOCHREALTIME) to now.
since() {
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}

# stamps LOG OUT T0 REGEX...: in the background, write "K SECONDS" to OUT
# when a line matching the K-th REGEX (from 0; bash's =~, carriage returns
# removed) first appears in LOG, in seconds since T0; `tail -F` hands over
# each line as it is written. stamps_stop ends it.
stamps() {
	local log=$1 stamp_out=$2 t0=$3
	shift 3
	: >"$stamp_out"
	(
		re=("$@")
		while IFS= read -r l; do
			now=$EPOCHREALTIME
			l=${l//$'\r'/}
			for k in "${!re[@]}"; do
				if [ -z "${re[k]}" ] || ! [[ $l =~ ${re[k]} ]]; then continue; fi
				echo "$k $(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.2f", b - a }')" >>"$stamp_out"
				re[k]=
			done
		done < <(echo "$BASHPID" >"$stamp_out.tail" && exec tail -n +1 -F "$log" 2>/dev/null)
	) &
	STAMPS_PID=$!
	STAMPS_TAIL=$stamp_out.tail
}

# stamps_stop: end the last stamps: its tail (the loop then ends), then it.
stamps_stop() {
	local t
	t=$(cat "$STAMPS_TAIL" 2>/dev/null)
	[ -n "$t" ] && kill "$t" 2>/dev/null
	wait "$STAMPS_PID" 2>/dev/null
	rm -f "$STAMPS_TAIL"
}

# fetch_res PREFIX: the regexes of the R-1 pairs (begins, done) of fetches
# 2..R, for stamps; pair N-2 is at 2(N-2) and 2(N-2)+1 after the others.
fetch_res() {
	local k
	for ((k = 2; k <= R; k++)); do
		echo "^$1vftest: fetch $k/$R begins at uptime "
		echo "^$1vftest: fetch $k/$R [0-9]+ bytes in "
	done
}

# clock_rate LOG PREFIX STAMPS FIRST: the guest's clock against the host's
# from fetch 2's begins line to fetch R's (guest seconds per host second),
# or nothing when R < 3 or a line is missing.
clock_rate() {
	local g2 gr h2 hr
	[ "$R" -ge 3 ] || return 0
	g2=$(grep -a "^$2vftest: fetch 2/$R begins at uptime " "$1" | sed 's/.* uptime \([0-9.]*\) s.*/\1/')
	gr=$(grep -a "^$2vftest: fetch $R/$R begins at uptime " "$1" | sed 's/.* uptime \([0-9.]*\) s.*/\1/')
	h2=$(stamp "$3" "$4") hr=$(stamp "$3" $(($4 + 2 * (R - 2))))
	[ -n "$g2" ] && [ -n "$gr" ] && [ "$h2" != - ] && [ "$hr" != - ] || return 0
	awk -v a="$g2" -v b="$gr" -v c="$h2" -v d="$hr" 'BEGIN { if (d > c) printf "%.2f", (b - a) / (d - c) }'
}

# host_times STAMPS FIRST: the host-clock seconds of fetches 2..R, whose
# regexes start at index FIRST.
host_times() {
	local k b e
	for ((k = 0; k < R - 1; k++)); do
		b=$(stamp "$1" $(($2 + 2 * k))) e=$(stamp "$1" $(($2 + 2 * k + 1)))
		[ "$b" != - ] && [ "$e" != - ] && awk -v b="$b" -v e="$e" 'BEGIN { printf "%.2f\n", e - b }'
	done
}

# stamp FILE K: the seconds noted for the K-th regex, or "-" when it never came.
stamp() {
	local v
	v=$(awk -v k="$2" '$1 == k { print $2 }' "$1")
	echo "${v:--}"
}

# uptime_at LOG PREFIX: the guest's own clock at its `vftest: up` (the
# `vftest: uptime=S s` line after it), or "-".
uptime_at() {
	local v
	v=$(grep -a "^$2vftest: uptime=" "$1" | head -n1 | sed 's/.*uptime=\([0-9.]*\) s.*/\1/')
	echo "${v:--}"
}

# fetch_times LOG PREFIX: the seconds of each full transfer (`vftest: fetch
# N/R BYTES bytes in S s` with all of the file), one a line.
fetch_times() {
	grep -a "^$2vftest: fetch [0-9]*/$R $((MIB * 1048576)) bytes in " "$1" | tr -d '\r' |
		sed 's/.* bytes in \([0-9.]*\) s$/\1/'
}

# spread: from seconds on stdin, "MEDIAN MIN MAX" of the time and then of
# the throughput in MiB/s (the median of an even count is the mean of the
# middle two).
spread() {
	sort -g | awk -v mib="$MIB" '
		{ t[NR] = $1 }
		END {
			if (NR == 0) exit 1
			m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
			mt = (NR % 2) ? mib / t[(NR + 1) / 2] : (mib / t[NR / 2] + mib / t[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f %.2f %.2f %.2f\n", m, t[1], t[NR], mt, mib / t[NR], mib / t[1]
		}'
}

# counters FILE: "GUEST|REASON<tab>VALUE" from the last exit counters printed in
# FILE (Ctrl-] s), summed over each guest's vCPUs; REASON "all" is the sum
# of the vCPUs' totals.
counters() {
	tr -d '\r' <"$1" | awk '
		/^vfvisor: guest [^ ]*: vcpu [0-9]+ \(cpu [0-9]+\): [0-9]+ exits/ {
			g = $3; sub(/:$/, "", g); last[g "|" $5 "|all"] = $(NF - 1); next
		}
		/^vfvisor: guest [^ ]*: vcpu [0-9]+:   / {
			g = $3; sub(/:$/, "", g); v = $5; sub(/:$/, "", v)
			r = $6; for (i = 7; i < NF; i++) r = r " " $i
			last[g "|" v "|" r] = $NF
		}
		END {
			for (k in last) { split(k, p, "|"); sum[p[1] "|" p[3]] += last[k] }
			for (k in sum) print k "\t" sum[k]
		}'
}


# idle_rates BEFORE AFTER SECONDS: per guest, a line of its exits per
# second between the counters printed last in BEFORE and in AFTER, in all
# and then per reason that occurred (in the order of sort), by guest.
idle_rates() {
	local c0 c1
	c0=$(counters "$1") c1=$(counters "$2")
	awk -F '\t' -v s="$3" '
		NR == FNR { b[$1] = $2; next }
		{
			split($1, p, "|")
			d = $2 - b[$1]
			# "all" first: a space sorts before any reason name.
			if (p[2] == "all") print p[1] "\t " "\t" d / s
			else if (d > 0) print p[1] "\t" p[2] "\t" d / s
		}' <(echo "$c0") <(echo "$c1") | sort -t "$(printf '\t')" -k1,1 -k2,2 |
		awk -F '\t' '
			$1 != g { if (g != "") print line; g = $1; line = sprintf("bench:   %-8s %8.2f in all", g, $3); next }
			{ line = line sprintf("; %s %.2f", $2, $3) }
			END { if (g != "") print line }'
}
