# bench/thesis/exp_patterns.sh: experiment 3 (sections 4.2, 4.4): usage patterns A, B, C on 10 VMs started 5 s apart; the 1 Hz host CPU trace, bursts per window and per-lap times (sourced).
#
# Bursts are counted per guest from its own lap lines: the laps that began within its first
# PAT_WINDOW_S seconds after its app started (the run lasts until every guest has had its
# whole window; a guest whose window was still cut short is left out of the count) (the thesis counted bursts over 200 one-second
# samples of one VM: A 9, B 4, C 25). A lap's start is its end (the host's stamp) minus the
# time the guest itself printed for it.
# shellcheck shell=bash

pat_app() { # PATTERN: the app line at this scale
	local n ms
	n=$(($(pattern_n "$1") + PAT_N_DELTA))
	ms=$(($(pattern_sleep "$1") * 1000 / PAT_SLEEP_DIV))
	echo "pattern pattern=$1 n=$n sleep=${ms}ms"
}
thesis_bursts() { case $1 in A) echo 9 ;; B) echo 4 ;; C) echo 25 ;; esac; }

# Rows "guest,lap,start_s,end_s,fib_ms" (seconds after that guest's launch) -> laps table
pat_rows() { # PREFIX < rows
	awk -v pre="$1" '{ print pre "," $0 }'
}

# Runs until every guest's window is whole: all PAT_VMS guests printed their app's first
# line, and the last of them PAT_WINDOW_S + PAT_MARGIN_S seconds ago; at most PAT_CAP_X
# times the planned length (a guest that never starts cannot hold the run forever). Sets
# PAT_END_S, the run's end in seconds after L0.
pat_wait() { # LOG_DIR L0_MS WHAT
	local planned all_at="" n cap
	planned=$((PAT_STAGGER_S * (PAT_VMS - 1) + PAT_WINDOW_S + PAT_MARGIN_S))
	cap=$((planned * PAT_CAP_X))
	while :; do
		sleep 2
		n=$(count_marked "then sleep" "$1"/*.log)
		[ "$n" -ge "$PAT_VMS" ] && [ -z "$all_at" ] && all_at=$(now_ms)
		[ -n "$all_at" ] && [ $(($(now_ms) - all_at)) -ge $(((PAT_WINDOW_S + PAT_MARGIN_S) * 1000)) ] && break
		[ $(($(now_ms) - $2)) -ge $((cap * 1000)) ] && break
		live "$3: $((($(now_ms) - $2) / 1000)) s, $n of $PAT_VMS guests started their app (planned ${planned} s)"
	done
	PAT_END_S=$((($(now_ms) - $2) / 1000))
}

pat_tinyvmm() { # TYPE PATTERN
	local type=$1 p=$2 dir=$WORK/pat-tv app s0 l0 dur
	local -a args
	rm -rf "$dir"
	app=$(pat_app "$p")
	mapfile -t args < <(type_pop_args "$type")
	step "pattern $p: $PAT_VMS $type guests, tinyvmm"
	sampler_start "$WORK/trace.csv"
	s0=$(now_ms)
	sleep 2
	l0=$(now_ms)
	TYPE=$type tv_pop "pat$p" "$dir" "${args[@]}" -n "$PAT_VMS" -m "$(type_mem "$type")" \
		--app "$app" --stagger "$PAT_STAGGER_S" --overcommit --min-free 64M
	pat_wait "$dir/logs" "$l0" "pattern $p (tinyvmm)"
	tv_stop "$dir"
	sampler_stop
	sampler_rows "$WORK/trace.csv" "$s0" "$l0" "$HOST,$type,tinyvmm,$p" | while IFS= read -r r; do csv_row pattern_trace.csv "$r"; done
	# laps: the host's stamps from the results, the guest's own times from its serial log
	awk "$CSV_AWK"'
		FNR == 1 && FILENAME ~ /results.csv$/ { csv_header($0); next }
		FILENAME ~ /results.csv$/ {
			csv_split($0, f)
			g = f[col["name"]]; launched[g] = f[col["launched_ms"]]
			n = split(f[col["lap_ms"]], e, ";")
			for (i = 1; i <= n; i++) end[g, i] = e[i] / 1000
			laps[g] = n; names[g] = 1; next
		}
		/ lap [0-9]+ fib\(/ {
			g = FILENAME; sub(/.*\//, "", g); sub(/\.log$/, "", g)
			for (i = 1; i <= NF; i++) if ($i == "lap") k = $(i + 1)
			own[g, k] = $(NF - 1)
		}
		END {
			for (g in names) {
				off = (launched[g] - l0) / 1000
				for (i = 1; i <= laps[g]; i++) if ((g, i) in own)
					printf "%s,%d,%.3f,%.3f,%d\n", g, i, off + end[g, i] - own[g, i] / 1000, off + end[g, i], own[g, i]
			}
		}' l0="$l0" "$dir/results.csv" "$dir"/logs/*.log | sort -t, -k1,1 -k2,2n |
		pat_rows "$HOST,$type,tinyvmm,$p" | while IFS= read -r r; do csv_row pattern_laps.csv "$r"; done
	pat_first_lines "$dir/results.csv" "$l0" >"$WORK/starts"
}
# guest,app_start_s (after the first launch) from tinyvmm's results
pat_first_lines() { # RESULTS L0_MS
	awk "$CSV_AWK"'NR == 1 { csv_header($0); next } { csv_split($0, f); if (f[col["app_start_ms"]] != "")
		printf "%s,%.3f\n", f[col["name"]], (f[col["launched_ms"]] - l0) / 1000 + f[col["app_start_ms"]] / 1000 }' l0="$2" "$1"
}

pat_qemu() { # MACHINE TYPE PATTERN
	local m=$1 type=$2 p=$3 dir=$WORK/pat-q app s0 l0 dur
	rm -rf "$dir" && mkdir -p "$dir"
	app=$(pat_app "$p")
	step "pattern $p: $PAT_VMS $type guests, one QEMU -M $m each"
	sampler_start "$WORK/trace.csv"
	s0=$(now_ms)
	sleep 2
	l0=$(now_ms)
	qemu_fleet "$m" "$type" "$(type_mem "$type")" "app=$app" "$PAT_VMS" "$dir" "$PAT_STAGGER_S"
	pat_wait "$dir" "$l0" "pattern $p (QEMU -M $m)"
	qemu_stop_all
	sampler_stop
	[ -n "$WHY" ] && fail "pattern $p under QEMU -M $m: $WHY"
	sampler_rows "$WORK/trace.csv" "$s0" "$l0" "$HOST,$type,qemu-$m,$p" | while IFS= read -r r; do csv_row pattern_trace.csv "$r"; done
	# each QEMU was launched when its VM's name was given: the first stamp is near enough
	# for the window, and laps are placed by their own stamps after the first launch
	awk -v l0="$l0" '
		/ lap [0-9]+ fib\(/ {
			g = FILENAME; sub(/.*\//, "", g); sub(/\.log$/, "", g)
			for (i = 1; i <= NF; i++) if ($i == "lap") k = $(i + 1)
			t = $1 - l0 / 1000
			printf "%s,%d,%.3f,%.3f,%d\n", g, k, t - $(NF - 1) / 1000, t, $(NF - 1)
		}' "$dir"/*.log | sort -t, -k1,1 -k2,2n |
		pat_rows "$HOST,$type,qemu-$m,$p" | while IFS= read -r r; do csv_row pattern_laps.csv "$r"; done
	awk -v l0="$l0" '/: fib\([0-9]+\), then sleep/ { g = FILENAME; sub(/.*\//, "", g); sub(/\.log$/, "", g)
		if (!(g in s)) { s[g] = 1; printf "%s,%.3f\n", g, $1 - l0 / 1000 } }' "$dir"/*.log >"$WORK/starts"
}

# The bursts per guest within the window and the median lap, from this run's laps.
pat_summary() { # TYPE VMM PATTERN
	local app
	app=$(pat_app "$3")
	# to stderr: this function answers with its row on stdout, and csv_row echoes what it writes
	awk -v pre="$HOST,$1,$2,$3" '{ print pre "," $0 }' "$WORK/starts" | while IFS= read -r r; do csv_row pattern_starts.csv "$r"; done >&2
	awk -F, -v type="$1" -v vmm="$2" -v p="$3" -v w="$PAT_WINDOW_S" -v starts="$WORK/starts" -v end="$PAT_END_S" \
		-v pre="$HOST,$1,$2,$3,$(echo "$app" | sed 's/.* n=\([0-9]*\).*/\1/'),$(echo "$app" | sed 's/.*sleep=//'),$PAT_VMS,$PAT_WINDOW_S" \
		-v thesis="$(thesis_bursts "$3")" '
		BEGIN { while ((getline l < starts) > 0) { split(l, a, ","); st[a[1]] = a[2] } }
		$2 == type && $3 == vmm && $4 == p {
			g = $5
			if ((g in st) && $7 < st[g] + w) b[g]++
			lap[++nl] = $9
		}
		END {
			ng = 0; ns = 0
			# a guest whose window the run cut short would be counted low: left out
			for (g in st) { ns++; if (st[g] + w <= end) v[++ng] = b[g] + 0 }
			if (!ng) { print pre "," ns ",0,,,,," thesis; exit }
			for (i = 1; i <= ng; i++) for (j = i + 1; j <= ng; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			for (i = 1; i <= nl; i++) for (j = i + 1; j <= nl; j++) if (lap[j] < lap[i]) { t = lap[i]; lap[i] = lap[j]; lap[j] = t }
			printf "%s,%d,%d,%s,%d,%d,%s,%s\n", pre, ns, ng, (ng % 2 ? v[(ng + 1) / 2] : (v[ng / 2] + v[ng / 2 + 1]) / 2), v[1], v[ng],
				(nl ? lap[int((nl + 1) / 2)] : ""), thesis
		}' "$OUT/pattern_laps.csv"
}

exp_patterns() {
	local type p why vmm
	csv_new pattern_trace.csv "host,type,vmm,pattern,t_s,cpu_total,cpu_user,cpu_sys,mem_used_kb"
	csv_new pattern_laps.csv "host,type,vmm,pattern,guest,lap,start_s,end_s,fib_ms"
	csv_new pattern_bursts.csv "host,type,vmm,pattern,n,sleep,vms,window_s,guests_started,guests_full_window,bursts_median,bursts_min,bursts_max,lap_ms_median,thesis_bursts"
	csv_new pattern_starts.csv "host,type,vmm,pattern,guest,app_start_s"
	for type in $PAT_TYPES; do
		why=$(type_missing "$type")
		if [ -n "$why" ]; then
			for p in A B C; do csv_row pattern_bursts.csv "$HOST,$type,,$p,,,,,,,,,,,$(thesis_bursts $p)"; done
			fail "patterns: $type: $why"
			continue
		fi
		for p in A B C; do
			pat_tinyvmm "$type" "$p"
			csv_row pattern_bursts.csv "$(pat_summary "$type" tinyvmm "$p")"
			if [ -n "$QEMU" ] && type_qemu_app "$type"; then
				pat_qemu pc "$type" "$p"
				csv_row pattern_bursts.csv "$(pat_summary "$type" qemu-pc "$p")"
			fi
		done
	done
}
