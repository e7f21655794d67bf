# bench/thesis/exp_footprint.sh: experiment 2 (Table 5.1): host memory per idle guest, as the MemAvailable drop / N and as PSS / N, tinyvmm against QEMU (sourced).
#
# Idle = the thesis's Appendix A hello: a line every 20 s, asleep in between. Memory is read
# once every guest has printed its first line and FOOT_SETTLE_S more seconds have passed.
# shellcheck shell=bash

FOOT_APP="hello period=20s"
FOOT_MARK="Starting infinite loop"

foot_tinyvmm() { # TYPE N
	local type=$1 n=$2 dir=$WORK/foot-tv avail0 ran avail1 pss rss
	local -a args
	rm -rf "$dir"
	mapfile -t args < <(type_pop_args "$type")
	sync
	avail0=$(memavail_kb)
	step "$n idle $type guests in one tinyvmm"
	TYPE=$type tv_pop "foot$type" "$dir" "${args[@]}" -n "$n" -m "$(type_mem "$type")" \
		--app "$FOOT_APP" --overcommit --min-free 64M --log-cap 4K
	ran=$(tv_wait "foot$type" "$n" 1 $((60 + n * $(type_boot_s "$type"))) "$n idle $type guests (tinyvmm)")
	sleep "$FOOT_SETTLE_S"
	avail1=$(memavail_kb)
	pss=$(pss_kb "$TV_PID")
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$TV_PID/status" 2>/dev/null)
	tv_stop "$dir"
	if [ "$ran" -lt "$n" ]; then
		fail "footprint: only $ran of $n $type guests printed their first line under tinyvmm ($(grep -m1 -i -E 'admission|refus|stopped' "$dir/pop.log"))"
		[ "$ran" -gt 0 ] || return
	fi
	csv_row footprint.csv "$HOST,$type,tinyvmm,$n,$ran,$(((avail0 - avail1) / ran)),$((pss / ran)),$((${rss:-0} / ran)),$(type_thesis "$type" footprint_mb),"
}

foot_qemu() { # MACHINE TYPE N
	local m=$1 type=$2 n=$3 dir=$WORK/foot-q avail0 ran avail1 pss=0 rss=0 p note=""
	rm -rf "$dir" && mkdir -p "$dir"
	sync
	avail0=$(memavail_kb)
	step "$n idle $type guests, one QEMU -M $m each"
	QEMU_PLAIN_SERIAL=1 qemu_fleet "$m" "$type" "$(type_mem "$type")" "app=$FOOT_APP" "$n" "$dir"
	ran=$(wait_marked "$FOOT_MARK" "$STARTED" "$dir" $((60 + n * $(type_boot_s "$type"))) "$n idle $type guests (QEMU -M $m)")
	sleep "$FOOT_SETTLE_S"
	avail1=$(memavail_kb)
	for p in $QEMU_PIDS; do
		pss=$((pss + $(pss_kb "$p")))
		rss=$((rss + $(awk '$1 == "VmRSS:" { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
	done
	qemu_stop_all
	[ -n "$WHY" ] && note="only $STARTED of $n fit: $WHY"
	type_qemu_app "$type" || note="${note:+$note; }$(type_qemu_own_app "$type")"
	if [ "$ran" -lt "$STARTED" ]; then
		note="${note:+$note; }$ran of $STARTED printed their first line"
	fi
	if [ "$ran" -eq 0 ]; then
		fail "footprint: no $type guest printed its first line under QEMU -M $m ($(tail -c 200 "$dir/${type}_1.log.err" 2>/dev/null | tr '\n' ' '))"
		return
	fi
	# memory is divided by the VMs that run, started or not yet printing
	csv_row footprint.csv "$HOST,$type,qemu-$m,$n,$ran,$(((avail0 - avail1) / STARTED)),$((pss / STARTED)),$((rss / STARTED)),$(type_thesis "$type" footprint_mb),$(q "$note")"
}

exp_footprint() {
	local type n why
	csv_new footprint.csv "host,type,vmm,n,running,memavail_drop_kib_per_vm,pss_kib_per_vm,rss_kib_per_vm,thesis_mb_per_vm,note"
	for type in $THESIS_TYPES; do
		why=$(type_missing "$type")
		if [ -n "$why" ]; then
			csv_row footprint.csv "$HOST,$type,,,,,,,$(type_thesis "$type" footprint_mb),$(q "$type: $why")"
			continue
		fi
		# what the scale left out on this host kind, said in the table rather than left blank
		if [ "$SCALE" = full ] && [ "$(foot_n "$type")" != "10 100" ]; then
			csv_row footprint.csv "$HOST,$type,,100,,,,,$(type_thesis "$type" footprint_mb),$(q "N = 100 not run on $HOST: the full scale there stops at N = $(foot_n "$type") for $type (scale.sh FOOT_N_${type^^})")"
		fi
		for n in $(foot_n "$type"); do
			foot_tinyvmm "$type" "$n"
			if [ -n "$QEMU" ]; then foot_qemu pc "$type" "$n"; fi
		done
	done
}
