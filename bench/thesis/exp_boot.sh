# bench/thesis/exp_boot.sh: experiment 5: time from launch to each guest's first app line, for a population per type, as a distribution, tinyvmm against QEMU (sourced).
#
# tinyvmm launches its population one guest after another as fast as admission allows; a
# guest's time is from its own launch to its app's first report (hello's first line). QEMU
# processes are all started at once, as a shell loop does; a guest's time is from its
# process's start to the host's stamp on its first line.
# shellcheck shell=bash

BOOT_APP="hello period=20s"
BOOT_MARK="Starting infinite loop"

boot_tinyvmm() { # TYPE N
	local type=$1 n=$2 dir=$WORK/boot-tv ran
	local -a args
	rm -rf "$dir"
	mapfile -t args < <(type_pop_args "$type")
	step "$n $type guests, tinyvmm"
	TYPE=$type tv_pop "boot$type" "$dir" "${args[@]}" -n "$n" -m "$(type_mem "$type")" \
		--app "$BOOT_APP" --overcommit --min-free 64M --log-cap 4K
	ran=$(tv_wait "boot$type" "$n" 1 $((60 + n * $(type_boot_s "$type"))) "$n $type guests booting (tinyvmm)")
	tv_stop "$dir"
	[ "$ran" -ge "$n" ] || fail "boot: $ran of $n $type guests reached their first line under tinyvmm"
	awk "$CSV_AWK"'NR == 1 { csv_header($0); next } { csv_split($0, f); if (f[col["app_start_ms"]] != "")
		printf "%s,%.1f\n", f[col["name"]], f[col["app_start_ms"]] }' "$dir/results.csv" |
		awk -v pre="$HOST,$type,tinyvmm" '{ print pre "," $0 }' | while IFS= read -r r; do csv_row boot.csv "$r"; done
}

boot_qemu() { # MACHINE TYPE N
	local m=$1 type=$2 n=$3 dir=$WORK/boot-q i name ran
	rm -rf "$dir" && mkdir -p "$dir"
	step "$n $type guests, one QEMU -M $m each, started together"
	STARTED=0 WHY=""
	for ((i = 1; i <= n; i++)); do
		if [ "$(memavail_kb)" -lt $((QEMU_MIN_FREE_MB * 1024)) ]; then
			WHY="MemAvailable fell below ${QEMU_MIN_FREE_MB} MiB after $STARTED QEMU processes"
			break
		fi
		name=${type}_$i
		echo "$name $EPOCHREALTIME" >>"$dir/launched"
		qemu_start "$m" "$type" "$(type_mem "$type")" "app=$BOOT_APP" "$name" "$dir/$name.log"
		STARTED=$i
	done
	ran=$(wait_marked "$BOOT_MARK" "$STARTED" "$dir" $((60 + n * $(type_boot_s "$type"))) "$n $type guests booting (QEMU -M $m)")
	qemu_stop_all
	[ -n "$WHY" ] && fail "boot: QEMU -M $m, $type: $WHY"
	if [ "$ran" -lt "$STARTED" ]; then
		fail "boot: $ran of $STARTED $type guests printed their first line under QEMU -M $m ($(tail -c 160 "$dir/${type}_1.log" 2>/dev/null | tr '\n' ' '))"
	fi
	awk -v mark="$BOOT_MARK" 'FILENAME ~ /launched$/ { t[$1] = $2; next }
		index($0, mark) { g = FILENAME; sub(/.*\//, "", g); sub(/\.log$/, "", g)
			if (!(g in seen) && (g in t)) { seen[g] = 1; printf "%s,%.1f\n", g, ($1 - t[g]) * 1000 } }' \
		"$dir/launched" "$dir"/*.log | awk -v pre="$HOST,$type,qemu-$m" '{ print pre "," $0 }' |
		while IFS= read -r r; do csv_row boot.csv "$r"; done
}

exp_boot() {
	local type n why m
	csv_new boot.csv "host,type,vmm,guest,first_line_ms"
	csv_new boot_notes.csv "host,type,vmm,n,note"
	for type in $THESIS_TYPES; do
		why=$(type_missing "$type")
		if [ -n "$why" ]; then
			csv_row boot_notes.csv "$HOST,$type,,,$(q "$type: $why")"
			continue
		fi
		n=$(boot_n "$type")
		if [ "$SCALE" = full ] && [ "$n" != 100 ]; then
			csv_row boot_notes.csv "$HOST,$type,,$n,$(q "$type: $n guests per VMM on $HOST, not 100 (scale.sh BOOT_N_${type^^}): each boot costs seconds of emulated CPU here")"
		fi
		csv_row boot_notes.csv "$HOST,$type,tinyvmm,$n,"
		boot_tinyvmm "$type" "$n"
		[ -n "$QEMU" ] || continue
		for m in $(type_qemu_machines "$type"); do
			if ! qemu_machine_ok "$m" "$type"; then
				csv_row boot_notes.csv "$HOST,$type,qemu-$m,,$(q "$QEMU_WHY")"
				continue
			fi
			csv_row boot_notes.csv "$HOST,$type,qemu-$m,$n,$(q "$(type_qemu_own_app "$type")")"
			boot_qemu "$m" "$type" "$n"
		done
	done
}
