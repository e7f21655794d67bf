# bench/thesis/exp_scaling.sh: experiment 4 (sections 4.3, 5.2): 1536 laps of fib(n) split over 4..64 VMs, time to finish them all and host CPU, tinyvmm against QEMU; then tinyvmm alone up to 1,000 VMs (sourced).
#
# Each guest runs the thesis's context app: it sleeps while the others boot (the thesis slept
# 60 s), then runs its share of the laps. A guest's laps began at its last lap's end minus the
# time it printed for them; "time to finish" runs from the first guest's start of laps to
# the last guest's end. Where the laps do not split evenly, the first (laps mod N) guests
# get one more, so the total stays SCAL_LAPS.
# shellcheck shell=bash

scal_sleep() { # VMM N: seconds to sleep before the laps, long enough for every boot here
	case $1 in
	tinyvmm) if [ "$SCALE" = quick ]; then echo $((5 + $2 / 20)); else echo $((10 + $2 / 20)); fi ;;
	*) echo $((5 + $2 * 2)) ;;
	esac
}

# Rows of one finished run -> scaling.csv; reads "guest,start_s,end_s,laps" lines on stdin.
scal_row() { # TYPE VMM N SLEEP TRACE L0_MS S0_MS
	awk -F, -v pre="$HOST,$1,$2,$3,$SCAL_LAPS,$SCAL_N,$4" -v trace="$5" -v off="$((($6 - $7)))" '
		{ if (first == "" || $2 < first) first = $2; if ($2 > lstart) lstart = $2; if ($3 > last) last = $3; g++; laps += $4 }
		END {
			if (!g) { print pre ",0,0,,,,"; exit }
			# the host CPU over the laps, from the 1 Hz sampler (times after the sampler start)
			while ((getline l < trace) > 0) {
				split(l, f, ","); t = f[1] - off / 1000
				if (f[1] != "t_s" && t >= first && t <= last) { s += f[2]; ns++ }
			}
			printf "%s,%d,%d,%.3f,%s,%.1f,%.3f\n", pre, g, laps, last - first, (ns ? sprintf("%.1f", s / ns) : ""), ns, lstart - first
		}'
}

scal_tinyvmm() { # TYPE N
	local type=$1 n=$2 dir=$WORK/scal-tv q r s0 l0 sleep_s ended
	rm -rf "$dir" && mkdir -p "$dir"
	sleep_s=$(scal_sleep tinyvmm "$n")
	q=$((SCAL_LAPS / n)) r=$((SCAL_LAPS % n))
	: >"$dir/spec"
	[ "$r" -gt 0 ] && spec_line "$type" "$r" "context sleep=$sleep_s laps=$((q + 1)) n=$SCAL_N" >>"$dir/spec"
	[ "$q" -gt 0 ] && spec_line "$type" $((n - r)) "context sleep=$sleep_s laps=$q n=$SCAL_N" >>"$dir/spec"
	step "$n $type guests share $SCAL_LAPS laps of fib($SCAL_N), tinyvmm"
	sampler_start "$WORK/trace.csv"
	s0=$(now_ms)
	l0=$(now_ms)
	TYPE=$type tv_pop "scal$n" "$dir" --spec "$dir/spec" --overcommit --min-free 64M --log-cap 4K
	cmd_note tinyvmm "$type" "spec line:" "$(head -1 "$dir/spec")"
	local t=0
	while kill -0 "$TV_PID" 2>/dev/null && [ "$t" -lt $((sleep_s + 1800)) ]; do
		sleep 5
		t=$((t + 5))
		live "$n guests (tinyvmm): ${t} s, $(tv_count "scal$n" 1) running past their first lap, MemAvailable $(($(memavail_kb) / 1024)) MiB"
	done
	kill -0 "$TV_PID" 2>/dev/null && { fail "scaling: $n guests under tinyvmm did not finish in $((sleep_s + 1800)) s"; tv_stop "$dir"; }
	wait "$TV_PID" 2>/dev/null
	sampler_stop
	ended=$(awk "$CSV_AWK"'NR == 1 { csv_header($0); next } { csv_split($0, f); if (f[col["result"]] != "") n++ } END { print n + 0 }' "$dir/results.csv")
	[ "$ended" -eq "$n" ] || fail "scaling: $ended of $n guests under tinyvmm reported their laps' time ($(grep -m1 -i -E 'admission|refus|stopped' "$dir/pop.log"))"
	awk "$CSV_AWK"'NR == 1 { csv_header($0); next }
		{ csv_split($0, f); if (f[col["result"]] == "") next
		  k = split(f[col["lap_ms"]], e, ";"); end = (f[col["launched_ms"]] - l0 + e[k]) / 1000
		  printf "%s,%.3f,%.3f,%d\n", f[col["name"]], end - f[col["result"]] / 1000, end, f[col["laps"]] }' l0="$l0" "$dir/results.csv" |
		scal_row "$type" tinyvmm "$n" "$sleep_s" "$WORK/trace.csv" "$l0" "$s0" | while IFS= read -r x; do csv_row scaling.csv "$x"; done
}

scal_qemu() { # MACHINE TYPE N
	local m=$1 type=$2 n=$3 dir=$WORK/scal-q q r s0 l0 sleep_s i name laps done_n
	rm -rf "$dir" && mkdir -p "$dir"
	sleep_s=$(scal_sleep qemu "$n")
	q=$((SCAL_LAPS / n)) r=$((SCAL_LAPS % n))
	step "$n $type guests share $SCAL_LAPS laps of fib($SCAL_N), one QEMU -M $m each"
	sampler_start "$WORK/trace.csv"
	s0=$(now_ms)
	l0=$(now_ms)
	STARTED=0 WHY=""
	for ((i = 1; i <= n; i++)); do
		if [ "$(memavail_kb)" -lt $((QEMU_MIN_FREE_MB * 1024)) ]; then
			WHY="MemAvailable fell below ${QEMU_MIN_FREE_MB} MiB after $STARTED QEMU processes"
			break
		fi
		laps=$q
		[ "$i" -le "$r" ] && laps=$((q + 1))
		name=${type}_$i
		qemu_start "$m" "$type" "$(type_mem "$type")" "app=context sleep=$sleep_s laps=$laps n=$SCAL_N" "$name" "$dir/$name.log"
		STARTED=$i
	done
	[ -n "$WHY" ] && fail "scaling: $n guests under QEMU -M $m: $WHY"
	# the result line is the only one with "fib(N) =": the first line names the laps too
	done_n=$(wait_marked ") = " "$STARTED" "$dir" $((sleep_s + 1800)) "$n guests (QEMU -M $m)")
	qemu_stop_all
	sampler_stop
	[ "$done_n" -eq "$n" ] || fail "scaling: $done_n of $n guests under QEMU -M $m printed their laps' time"
	awk -v l0="$l0" '/^[0-9.]+ context: [0-9]+ laps of fib\([0-9]+\) = / {
			g = FILENAME; sub(/.*\//, "", g); sub(/\.log$/, "", g)
			t = $1 - l0 / 1000; printf "%s,%.3f,%.3f,%d\n", g, t - $(NF - 1) / 1000, t, $3 }' "$dir"/*.log |
		scal_row "$type" "qemu-$m" "$n" "$sleep_s" "$WORK/trace.csv" "$l0" "$s0" | while IFS= read -r x; do csv_row scaling.csv "$x"; done
}

exp_scaling() {
	local type n why
	# start_spread_s: how far apart the guests began their laps (a boot slower than the sleep
	# before the laps shows there, and stretches the time to finish)
	if [ "$SCALE" = full ] && [ "$SCAL_SIZES" != "4 8 16 32 64" ]; then
		note "QEMU ran $SCAL_SIZES VMs here, not the thesis's 4 to 64 (scale.sh SCAL_SIZES); tinyvmm went on alone with $SCAL_TV_SIZES"
	fi
	csv_new scaling.csv "host,type,vmm,vms,total_laps,n,sleep_s,guests_done,laps_done,time_to_finish_s,host_cpu_pct_mean,samples,start_spread_s"
	for type in $SCAL_TYPES; do
		why=$(type_missing "$type")
		if [ -n "$why" ]; then fail "scaling: $type: $why"; continue; fi
		for n in $SCAL_SIZES; do
			scal_tinyvmm "$type" "$n"
			if [ -n "$QEMU" ] && type_qemu_app "$type"; then scal_qemu pc "$type" "$n"; fi
		done
		for n in $SCAL_TV_SIZES; do scal_tinyvmm "$type" "$n"; done
	done
}
