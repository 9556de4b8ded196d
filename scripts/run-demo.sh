#!/usr/bin/env bash
# run-demo.sh ISO|IMG [bios|uefi]: `make run`. Boot vfvisor and its two demo
# guests (guest/vfvisor.conf) in QEMU with the console on this terminal; once
# both guests have run their test script (or DEMO_TIMEOUT seconds, default
# 600, have passed), ask the hypervisor for its exit counters (Ctrl-] s) and
# print a summary: `demo: ...` lines ending in `demo: result: PASS|FAIL`.
# On a terminal the console stays live (typing goes to the guests, Ctrl-] keys
# to the hypervisor) until Ctrl-A x. Without one (CI, </dev/null) QEMU is
# stopped after the summary and the exit status is 0 on PASS, 1 otherwise.
# The whole console is kept in build/run/run.log. scripts/run-qemu.sh is the
# plain console, without any of this. The machine is the real AMD pairing,
# AMD-V with AMD-Vi (amd-iommu); IOMMU=intel gives AMD-V with intel-iommu.
set -u
export LC_ALL=C # bytes, not characters: read -N1 forwards exactly what is typed

iso=${1:?usage: run-demo.sh ISO|IMG [bios|uefi]}
export IOMMU=${IOMMU:-amd}
fw=${2:-${FW:-bios}}
timeout=${DEMO_TIMEOUT:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/run
log=$dir/run.log
fifo=$dir/serial # QEMU's -serial pipe: reads $fifo.in, writes $fifo.out
[ -f "$iso" ] || { echo "run-demo: no $iso (make builds it)" >&2; exit 2; }
case "$timeout" in '' | *[!0-9]*) echo "run-demo: DEMO_TIMEOUT must be seconds" >&2; exit 2 ;; esac

interactive=0
[ -t 0 ] && interactive=1
# Raw mode turns off the terminal's \n -> \r\n, so our lines carry their \r
# (as the serial console's do).
eol=$'\n'
[ $interactive = 1 ] && eol=$'\r\n'

qpid='' cpid='' tpid='' spid='' kpid='' saved_tty=''
# shellcheck disable=SC2317 # reached through the traps
cleanup() {
	trap - EXIT INT TERM
	# The terminal first: whatever else goes wrong, the user gets it back.
	[ -n "$saved_tty" ] && stty "$saved_tty" 2>/dev/null
	if [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$qpid" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	exec 3>&-
	[ -n "$kpid" ] && { kill "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null; }
	[ -n "$cpid" ] && { kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; }
	# tail (--pid) prints what is left of the log, then ends with the sentinel.
	[ -n "$spid" ] && { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; }
	[ -n "$tpid" ] && wait "$tpid" 2>/dev/null
	rm -f "$fifo.in" "$fifo.out" "$dir/ovmf-vars.fd"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$dir" || exit 2
rm -f "$fifo.in" "$fifo.out"
mkfifo "$fifo.in" "$fifo.out" || exit 2
: >"$log"

# say LINE...: into the log in one write (never inside a serial line's
# bytes), and so on the terminal.
say() {
	local s='' l
	for l in "$@"; do s+="demo: $l$eol"; done
	printf '%s' "$s" >>"$log"
}

cmdtext=$(VARS_COPY="$dir/ovmf-vars.fd" "$root/scripts/qemu-cmd.sh" "$fw" "$iso" -serial "pipe:$fifo") || exit 2
mapfile -t cmd <<<"$cmdtext"

# The terminal shows the log as it grows: serial output, QEMU's own messages
# and these lines, in the order they were written.
sleep infinity &
spid=$!
tail -n +1 -s 0.2 -f --pid="$spid" "$log" </dev/null &
tpid=$!

say "QEMU: ${cmd[*]}"
if [ $interactive = 1 ]; then
	say "Ctrl-A x quits"
else
	say "no terminal: QEMU stops after the summary (exit status 0 on PASS)"
fi

"${cmd[@]}" </dev/null >>"$log" 2>&1 &
qpid=$!
exec 3<>"$fifo.in"
cat "$fifo.out" >>"$log" </dev/null &
cpid=$!

if [ $interactive = 1 ]; then
	saved_tty=$(stty -g) || saved_tty=''
	stty raw -echo || exit 2
	# Keys reach the loop below through cat and a pipe: bash's read -N on a
	# terminal would itself switch CR->NL, ^C->SIGINT and NL->CRNL back on.
	exec 4< <(exec cat)
	kpid=$!
fi

has() { grep -qaE "$1" "$log"; }
last() { grep -aE "$1" "$log" | tail -n 1 | tr -d '\r'; }
guest_done() { has "^\[$1\] vftest: done"; }
guest_stopped() { has "^vfvisor: guest $1: stopped: "; }

# exits NAME: "TOTAL (REASON N, REASON N, REASON N)" from the last counters
# the hypervisor printed for guest NAME (summed over its vCPUs), or nothing.
exits() {
	tr -d '\r' <"$log" | awk -v g="vfvisor: guest $1: vcpu " '
		index($0, g) != 1 { next }
		$0 ~ / vcpu 0 \(cpu [0-9]+\): [0-9]+ exits$/ { total = 0; split("", n) }
		$0 ~ / vcpu [0-9]+ \(cpu [0-9]+\): [0-9]+ exits$/ { total += $(NF - 1); seen = 1; next }
		{
			r = substr($0, length(g) + 1)
			sub(/^[0-9]+: +/, "", r)
			c = r
			sub(/.* /, "", c)
			sub(/ +[0-9]+$/, "", r)
			n[r] += c
		}
		END {
			if (!seen)
				exit
			top = ""
			for (k = 0; k < 3; k++) {
				best = ""
				for (r in n)
					if (best == "" || n[r] > n[best])
						best = r
				if (best == "")
					break
				top = top (k ? ", " : "") best " " n[best]
				delete n[best]
			}
			print total " (" top ")"
		}'
}

# platform: "CPU BACKEND + IOMMU (QEMU DEVICE)" as the boot log names them.
platform() {
	local cpu iommu
	cpu=$(last '^vfvisor: cpu: virtualisation backend: ')
	cpu=${cpu##*: }
	iommu=$(last '^vfvisor: iommu: (amd-vi|vt-d), ')
	iommu=${iommu#vfvisor: iommu: }
	iommu=${iommu%%,*}
	[ -n "$iommu" ] || iommu="no iommu"
	echo "${cpu:-no backend} + $iommu ($IOMMU-iommu; IOMMU=amd|intel make run picks)"
}

# vlans: each guest's port VLAN as the PF driver set it, or "none".
vlans() {
	local g v out=""
	for g in alpha beta; do
		v=$(last "^vfvisor: nic [0-9a-f:.]+: vf [0-9]+ \\(guest $g\\): vlan [0-9]+ ")
		v=${v#*: vlan }
		v=${v%% *}
		out+="$g ${v:-none}, "
	done
	echo "${out%, } (the NIC tags and strips; the guests never see a tag)"
}

# summary WHY...: the summary block from the log; WHY are failures found
# outside it (time-out, QEMU gone). Sets rc and phase.
summary() {
	phase=after
	local fails=("$@") lines=() g peer line state serve fetch mib amd5 bmd5 bytes pk xfer ea eb
	for g in alpha beta; do
		[ $g = alpha ] && peer=beta || peer=alpha
		line=$(last "^\[$g\] vftest: ping [^ ]+ (ok|failed)")
		case "$line" in
		*" ok") state=ok ;;
		*" failed") state=failed ;;
		*) state="no result" ;;
		esac
		lines+=("$g -> $peer ping: $state")
		[ "$state" = ok ] || fails+=("$g -> $peer ping")
	done
	serve=$(last '^\[alpha\] vftest: serv(ing [0-9]+ MiB md5=|e failed)')
	fetch=$(last '^\[beta\] vftest: (fetched [0-9]+ bytes md5=|fetch from .* failed)')
	mib=16
	[[ $serve =~ serving\ ([0-9]+)\ MiB\ md5=([0-9a-f]+) ]] && mib=${BASH_REMATCH[1]} amd5=${BASH_REMATCH[2]}
	if [[ $fetch =~ fetched\ ([0-9]+)\ bytes\ md5=([0-9a-f]+)\ packets=([0-9]+) ]]; then
		bytes=${BASH_REMATCH[1]} bmd5=${BASH_REMATCH[2]} pk=${BASH_REMATCH[3]}
	fi
	if [ -n "${amd5:-}" ] && [ -n "${bmd5:-}" ]; then
		if [ "$amd5" = "$bmd5" ] && [ "$bytes" = $((mib * 1048576)) ]; then
			xfer="md5 $amd5 on both sides: ok ($pk packets on beta's VF)"
		else
			xfer="MISMATCH alpha $amd5 beta $bmd5 ($bytes bytes)"
		fi
	else
		xfer="failed (alpha: ${serve#*vftest: }; beta: ${fetch#*vftest: })"
		xfer=${xfer//: ;/: no result;}
		xfer=${xfer//: )/: no result)}
	fi
	lines+=("$mib MiB over TCP, alpha to beta: $xfer")
	[[ $xfer == md5* ]] || fails+=("transfer")
	lines+=("platform: $(platform)")
	lines+=("port vlans: $(vlans)")
	ea=$(exits alpha) eb=$(exits beta)
	lines+=("exits per guest (since boot): alpha ${ea:-not printed}, beta ${eb:-not printed}")
	[ -n "$ea" ] && [ -n "$eb" ] || fails+=("no exit counters")
	for g in alpha beta; do
		if guest_stopped $g; then
			line=$(last "^vfvisor: guest $g: stopped: ")
			fails+=("$g ${line#*: guest "$g": }")
		elif ! guest_done $g; then
			fails+=("$g did not finish")
		fi
	done
	if [ ${#fails[@]} -eq 0 ]; then
		lines+=("result: PASS")
		rc=0
	else
		line=$(printf '%s, ' "${fails[@]}")
		lines+=("result: FAIL (${line%, })")
		rc=1
	fi
	line_end
	say "----" "${lines[@]}"
}

# Before a block of ours: let the serial line being written end, for a while.
line_end() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -z "$(tail -c 1 "$log")" ] && return
		sleep 0.2
	done
	printf '%s' "$eol" >>"$log"
}

# What this is and the keys, once vfvisor is up: the boot loader clears the
# screen before that.
intro=0
intro() {
	intro=1
	line_end
	has '^vfvisor: guest alpha: ' && has '^vfvisor: guest beta: ' &&
		say "vfvisor is up with guests alpha and beta (guest/vfvisor.conf), each on its own CPU with" \
			"its own VF of the igb NIC. They ping each other and beta fetches 16 MiB from alpha over" \
			"TCP through the NIC; a summary follows when both are done (at most ${timeout}s)."
	[ $interactive = 1 ] || return
	say "keys: Ctrl-A x quits; typing goes to one guest (alpha first): Ctrl-] 1 / Ctrl-] 2" \
		"picks it, Ctrl-] s prints exit counters, Ctrl-] Ctrl-] sends a Ctrl-]"
}

# The hypervisor's console has its own Ctrl-] state: track what went out so
# that our Ctrl-] s never lands right after a Ctrl-] the user typed.
esc=0 esc_at=0
send() {
	printf '%s' "$1" >&3
	if [ $esc = 1 ]; then
		esc=0
	elif [ "$1" = $'\x1d' ]; then
		esc=1 esc_at=$SECONDS
	fi
}

# nothing WHY SHORT: no demo to sum up; the console stays live, or without
# a terminal that is a failure (returns 1: the end).
nothing() {
	say "$1"
	phase=after
	[ $interactive = 1 ] && return 0
	say "result: FAIL ($2)"
	rc=1
	return 1
}

# One look at the log; returns 1 when the script should end.
# phase: watch (for the guests) -> counters (asked for) -> after (summary out).
phase=watch rc=0 asked_at=0 asked_size=0 why=() gone=''
step() {
	local alive=1 g n
	if ! kill -0 "$qpid" 2>/dev/null; then
		alive=0
		wait "$qpid" 2>/dev/null
		gone="QEMU exited (status $?)"
		qpid=''
	fi
	case $phase in
	watch)
		if [ $alive = 0 ]; then
			summary "$gone"
			return 1
		fi
		[ $intro = 0 ] && has '^vfvisor: boot complete' && intro
		why=()
		n=0
		for g in alpha beta; do
			guest_done $g || guest_stopped $g || continue
			n=$((n + 1))
		done
		if [ $n -lt 2 ]; then
			# A configuration without alpha and beta: nothing to wait for.
			if has '^vfvisor: boot complete' && [ -z "${boot_at:-}" ]; then
				boot_at=$SECONDS
			fi
			if [ -n "${boot_at:-}" ] && [ $((SECONDS - boot_at)) -ge 3 ] &&
				! { has '^vfvisor: guest alpha: ' && has '^vfvisor: guest beta: '; }; then
				nothing "no guests alpha and beta in this configuration: no summary" \
					"no guests alpha and beta"
				return
			fi
			[ $SECONDS -lt "$timeout" ] && return 0
			if ! has '^\[(alpha|beta)\] vftest: '; then
				nothing "no 'vftest:' lines from alpha or beta after ${timeout}s (a configuration without vftest?): no summary" \
					"no vftest output"
				return
			fi
			why=("timeout after ${timeout}s")
		fi
		# Postponed while the user is in the middle of a Ctrl-] key, for a while.
		[ $esc = 1 ] && [ $((SECONDS - esc_at)) -lt 3 ] && return 0
		asked_size=$(stat -c %s "$log")
		asked_at=$SECONDS
		if [ $esc = 1 ]; then send s; else send $'\x1d'; send s; fi
		phase=counters
		;;
	counters)
		# Until each guest's counters (their last line is "refused: ...")
		# have come since we asked, or 5 s.
		n=$(tail -c +$((asked_size + 1)) "$log" | grep -caE '^vfvisor: guest (alpha|beta): refused: ')
		[ "$n" -lt 2 ] && [ $alive = 1 ] && [ $((SECONDS - asked_at)) -lt 6 ] && return 0
		sleep 0.5
		summary ${why[@]+"${why[@]}"} ${gone:+"$gone"}
		[ $interactive = 1 ] && [ $alive = 1 ] || return 1
		say "the console is live: Enter gives a guest's prompt (alpha's, or beta's after Ctrl-] 2); Ctrl-A x quits"
		;;
	after)
		if [ $alive = 0 ]; then
			say "$gone"
			return 1
		fi
		;;
	esac
	return 0
}

SECONDS=0
held=0 last_look=0
while :; do
	if [ $interactive = 1 ]; then
		IFS= read -r -N 1 -t 0.25 -u 4 c
		st=$?
		if [ $st = 0 ]; then
			# Ctrl-A is held back until the next key: x quits, anything else
			# goes out after it.
			if [ $held = 1 ]; then
				held=0
				case "$c" in x | X) break ;; esac
				send $'\x01'
			fi
			if [ "$c" = $'\x01' ]; then
				held=1
			elif [ -n "$c" ]; then
				send "$c"
			fi
			# Keys come first; the log is looked at twice a second at most.
			now=${EPOCHREALTIME/./}
			[ $((now - last_look)) -lt 500000 ] && continue
		elif [ $st -le 128 ]; then
			break # the terminal is gone
		fi
		last_look=${EPOCHREALTIME/./}
	else
		sleep 0.5
	fi
	step || break
done
if [ $interactive = 1 ] && [ $phase != after ]; then
	say "quit before the summary"
	rc=0
fi
exit $rc
