# bench/thesis/exp_mixed.sh: experiment 6, what the thesis could not do: 1,000 mixed guests in one tinyvmm for 10 minutes, patterns assigned by a --spec; host CPU, memory, exits/s, vCPU time per type (sourced).
#
# The spec gives every type that runs here a share: tcl and bm a few guests each (a Linux
# guest costs ~20 MB; tcl reaches user space on hardware KVM and in the nested KVM, not on
# kvm_pvm), the rest L4 guests split over patterns A, B and C with a small fib(n), so the
# host is loaded by a thousand VMs' timers and bursts, not saturated by their arithmetic.
# shellcheck shell=bash

exp_mixed() {
	local dir=$WORK/mixed spec n_l4 extra=0 type k
	rm -rf "$dir" && mkdir -p "$dir"
	spec=$dir/population.spec
	csv_new mixed_stats.csv "host,t_s,vms_running,cpu_total,mem_used_kb,exits_per_s,vcpu_cpu_pct,rss_kb,pss_kb"
	csv_new mixed_types.csv "host,type,pattern,guests,booted,laps,vcpu_cpu_s,exits,note"
	echo "# thesis experiment 6: $MIX_VMS guests, patterns by group (bench/thesis/exp_mixed.sh)" >"$spec"
	for type in tcl bm; do
		[[ " $THESIS_TYPES " == *" $type "* ]] || continue
		k=$MIX_TCL
		[ "$type" = bm ] && k=$MIX_BM
		why=$(type_missing "$type")
		if [ -n "$why" ]; then
			csv_row mixed_types.csv "$HOST,$type,,0,,,,,$(q "$type: $why")"
			continue
		fi
		spec_line "$type" "$k" "pattern pattern=A n=$((MIX_N + 4)) sleep=20" >>"$spec"
		extra=$((extra + k))
	done
	n_l4=$((MIX_VMS - extra))
	why=$(type_missing l4)
	[ -z "$why" ] || { fail "mixed: l4: $why"; return; }
	spec_line l4 $((n_l4 * 4 / 10)) "pattern pattern=A n=$MIX_N sleep=20" >>"$spec"
	spec_line l4 $((n_l4 * 3 / 10)) "pattern pattern=B n=$((MIX_N + 3)) sleep=40" >>"$spec"
	spec_line l4 $((n_l4 - n_l4 * 4 / 10 - n_l4 * 3 / 10)) "pattern pattern=C n=$MIX_N sleep=5" >>"$spec"
	cp "$spec" "$OUT/mixed.spec" 2>/dev/null
	while IFS= read -r l; do csv_row mixed_spec.csv "$(q "${l//$BUILD/build}")"; done <"$spec"
	step "$MIX_VMS mixed guests for $MIX_DURATION_S s in one tinyvmm"
	TYPE=mixed tv_pop mixed "$dir" --spec "$spec" --duration "$MIX_DURATION_S" --overcommit --min-free 128M --log-cap 4K
	local t=0
	while kill -0 "$TV_PID" 2>/dev/null; do
		sleep 5
		t=$((t + 5))
		live "$(awk -F, 'END { printf "%s s: %s running, host CPU %s %%, exits/s %s", '"$t"', $23, $5, $28 }' "$dir/stats.csv" 2>/dev/null)"
	done
	wait "$TV_PID" || fail "mixed: tinyvmm pop ended with status $?: $(tail -n 2 "$dir/pop.log" | tr '\n' ' ')"
	awk -F, -v pre="$HOST" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ if (t0 == "") t0 = $1; printf "%s,%.3f,%s,%s,%s,%s,%s,%s,%s\n", pre, ($1 - t0) / 1000, $c["vms_running"], $c["cpu_total"],
			$c["mem_used_kb"], $c["exits_per_s"], $c["vcpu_cpu_pct"], $c["rss_kb"], $c["pss_kb"] }' "$dir/stats.csv" |
		while IFS= read -r r; do csv_row mixed_stats.csv "$r"; done
	awk "$CSV_AWK"'NR == 1 { csv_header($0); next } { csv_split($0, f)
			k = f[col["type"]] SUBSEP f[col["app"]]; g[k]++; if (f[col["app_start_ms"]] != "") b[k]++
			l[k] += f[col["laps"]]; v[k] += f[col["vcpu_cpu_ms"]]; e[k] += f[col["exits"]] }
		END { for (k in g) { split(k, a, SUBSEP); p = a[2]; sub(/.*pattern=/, "", p); sub(/ .*/, "", p)
			printf "%s,%s,%s,%d,%d,%d,%.1f,%d,\n", pre, a[1], p, g[k], b[k], l[k], v[k] / 1000, e[k] } }' pre="$HOST" "$dir/results.csv" |
		sort | while IFS= read -r r; do csv_row mixed_types.csv "$r"; done
	local booted
	booted=$(awk -F, '$3 != "" { n += $5 } END { print n + 0 }' "$OUT/mixed_types.csv")
	[ "$booted" -ge "$MIX_VMS" ] || fail "mixed: $booted of $MIX_VMS guests started their app ($(grep -m1 -i -E 'admission|refus|stopped launching' "$dir/pop.log"))"
}
