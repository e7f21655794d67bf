#!/bin/bash
# The hostile-population benchmark: QUIET guests running an app alone, then again beside HOSTILE attackers; their results, timings and tinyvmm's memory compared.
#
# Usage: bench/hostile.sh [BUILD_DIR] [QUIET] [HOSTILE]   (defaults: build 90 10)
#   Run 1: QUIET L4 guests (direct boot) with "pattern pattern=A n=FIB sleep=SLEEP laps=LAPS".
#   Run 2: the same QUIET guests plus HOSTILE members of tests/guests/hostile.asm, the
#   attacks taken in turn (ports, serial, report, mmio, memtouch, triple, emul, reset, smp
#   with -smp 8, and the BIOS attacker from tests/guests/hostile_bios.asm).
#   Both runs end when the quiet guests have (--duration is a safety net). Printed: how
#   each quiet guest ended and what it computed (every lap's fib line in its log), the
#   median and mean app time (app_end_ms - app_start_ms, host clock) of each run and their
#   ratio, the peak RSS against the RAM the guests were given, and how the hostile ended.
#   CSV: BUILD_DIR/bench/hostile.csv. Without /dev/kvm it runs in the nested KVM
#   (tests/nested/run.sh): the figures are then relative, and with the nested VM's single
#   CPU the attackers' spinning competes with the quiet guests for it.
# Knobs: FIB (default 22), LAPS (6), SLEEP (5 s between laps: long enough for all the
# guests to be up at once), DURATION (600 s), RENICE_HOSTILE=1 (the attackers' vCPU threads
# at nice 19: what a host would do to a guest it distrusts).
set -u
cd "$(dirname "$0")/.." || exit 2
B=$(cd "${1:-build}" && pwd) || exit 2
QUIET=${2:-90}
HOSTILE=${3:-10}
FIB=${FIB:-22}
LAPS=${LAPS:-6}
SLEEP=${SLEEP:-5}
# the apps' fib: fib(0) = fib(1) = 1
expect=$(awk -v n="$FIB" 'BEGIN { a = 1; b = 1; for (i = 1; i < n; i++) { t = a + b; a = b; b = t } print "fib(" n ") = " b }')
DURATION=${DURATION:-600}

G=tests/guests
L4=guests/l4
for f in tinyvmm "$G/hostile" "$G/hostile_bios" "$L4/kickstart"; do
	[ -e "$B/$f" ] || { echo "bench/hostile.sh: missing $B/$f (make test-build makes it)" >&2; exit 2; }
done
modes=(ports serial report mmio memtouch triple emul reset smp bios)
mkdir -p "$B/hostile-bench"
cp bench/hostile-run.sh "$B/hostile-bench/run.sh"
# in the build directory (not its bench/, which the nested VM leaves out), with paths
# relative to it: where the runner starts, here or in the nested VM
quiet_line="-t l4 -i $L4/kickstart --initrd $L4/x86-kernel,$L4/sigma0,$L4/roottask -n $QUIET --app \"pattern pattern=A n=$FIB sleep=$SLEEP laps=$LAPS\""
echo "$quiet_line" >"$B/hostile-bench/quiet.spec"
{
	echo "$quiet_line"
	for ((i = 0; i < HOSTILE; i++)); do
		m=${modes[i % ${#modes[@]}]}
		case $m in
		bios) echo "-t l4 -i $G/hostile_bios -n 1 -m 1" ;;
		smp) echo "-t l4 -i $G/hostile -n 1 --smp 8 --append \"mode=smp\"" ;;
		memtouch) echo "-t l4 -i $G/hostile -n 1 -m 8 --append \"mode=memtouch\"" ;;
		*) echo "-t l4 -i $G/hostile -n 1 --append \"mode=$m\"" ;;
		esac
	done
} >"$B/hostile-bench/hostile.spec"
cmd="sh hostile-bench/run.sh ./tinyvmm hostile-bench/quiet.spec quiet $QUIET $DURATION 0 '$expect';
sh hostile-bench/run.sh ./tinyvmm hostile-bench/hostile.spec hostile $QUIET $DURATION ${RENICE_HOSTILE:-0} '$expect'"
mkdir -p "$B/bench"
OUT=$B/bench/hostile-console.log
if [ -c /dev/kvm ]; then
	(cd "$B" && sh -c "$cmd") >"$OUT" 2>&1
	where=here
else
	echo "bench/hostile.sh: no /dev/kvm here: running inside the nested KVM (tests/nested/run.sh)"
	tests/nested/run.sh "$B" sh -c "$cmd" >"$OUT" 2>&1
	where=nested-tcg
fi
WORK=$(mktemp -d /tmp/tinyvmm-hostile.XXXXXX)
# split the console into WORK/RUN/{r.csv,s.csv,fib,err,status}
tr -d '\r' <"$OUT" | awk -v w="$WORK" '
	/^=== status / { run = run == "" ? "quiet" : "hostile"; system("mkdir -p " w "/" run); print $3 > (w "/" run "/status"); next }
	/^=== results/ { f = w "/" run "/r.csv"; next }
	/^=== stats/ { f = w "/" run "/s.csv"; next }
	/^=== fib / { print $3, $4 > (w "/" run "/fib"); f = ""; next }
	/^=== err/ { f = w "/" run "/err"; next }
	/^=== end/ { f = ""; next }
	f != "" { print > f }'
for r in quiet hostile; do
	[ -s "$WORK/$r/r.csv" ] || { echo "bench/hostile.sh: the $r run left no results (console: $OUT)" >&2; exit 1; }
done

# stats RUN -> "median mean correct rss_peak_kb" over the quiet guests
stats() {
	local d=$WORK/$1
	awk -F, -v q="$QUIET" -v laps="$LAPS" -v fibs="$d/fib" '
	BEGIN { while ((getline l < fibs) > 0) { split(l, a, " "); n[a[1]] = a[2] } }
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		split($col["name"], a, "_"); if (a[2] + 0 > q) next
		if ($col["end"] == "poweroff" && $col["laps"] == laps && n[$col["name"]] == laps) ok++
		print $col["app_end_ms"] - $col["app_start_ms"] > "/dev/stderr"
	}
	END { printf "%d", ok }' "$d/r.csv" 2>"$d/times" >"$d/ok"
	sort -n "$d/times" | awk -v ok="$(cat "$d/ok")" '{ t[NR] = $1; s += $1 }
		END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		      printf "%.1f %.1f %d", m, NR ? s / NR : 0, ok }'
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "rss_kb") c = i; if ($i == "vms_running") v = i } next }
		$c > m { m = $c } $v > r { r = $v } END { printf " %d %d\n", m, r }' "$d/s.csv"
}

echo "hostile bench ($where): $QUIET quiet guests ($expect, $LAPS laps $SLEEP s apart), then with $HOSTILE attackers"
read -r qm qa qok qrss qvms < <(stats quiet)
read -r hm ha hok hrss hvms < <(stats hostile)
ram_kb=$(( (QUIET * 2 + HOSTILE * 2 + 8) * 1024 ))
printf '%-8s %8s %10s %10s %8s %10s %8s\n' run status median_ms mean_ms correct rss_peak_kb vms_peak
printf '%-8s %8s %10s %10s %8s %10s %8s\n' quiet "$(cat "$WORK/quiet/status")" "$qm" "$qa" "$qok/$QUIET" "$qrss" "$qvms"
printf '%-8s %8s %10s %10s %8s %10s %8s\n' hostile "$(cat "$WORK/hostile/status")" "$hm" "$ha" "$hok/$QUIET" "$hrss" "$hvms"
awk -v a="$qm" -v b="$hm" -v c="$qa" -v d="$ha" 'BEGIN { printf "app time, hostile / quiet: median %+.1f %%, mean %+.1f %%\n", (b / a - 1) * 100, (d / c - 1) * 100 }'
echo "RAM given to the hostile run's guests: $ram_kb KiB; its RSS peak: $hrss KiB"
echo "how the attackers ended:"
awk -F, -v q="$QUIET" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ split($col["name"], a, "_"); if (a[2] + 0 > q) print "  " $col["name"] ": " $col["end"] " " substr($col["message"], 1, 90) }' "$WORK/hostile/r.csv"
grep -h "seccomp\|AddressSanitizer" "$WORK"/*/err && echo "bench/hostile.sh: tinyvmm reported the above"
echo "console: $OUT"
mkdir -p "$B/bench"
{
	echo "host,run,quiet,hostile,status,median_ms,mean_ms,correct,rss_peak_kb"
	echo "$where,quiet,$QUIET,0,$(cat "$WORK/quiet/status"),$qm,$qa,$qok,$qrss"
	echo "$where,hostile,$QUIET,$HOSTILE,$(cat "$WORK/hostile/status"),$hm,$ha,$hok,$hrss"
} >"$B/bench/hostile.csv"
rm -rf "$WORK"
[ "$qok" = "$QUIET" ] && [ "$hok" = "$QUIET" ]
