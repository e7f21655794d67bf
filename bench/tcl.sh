# bench/tcl.sh: the tcl section of bench/measure.sh (sourced by it): the Linux guest's sizes, boot to /init and to the app, exits, smallest RAM, idle memory.
#
# Paths: vmlinux and vmlinuz by direct boot (-kernel, -initrd core.gz), disk = make images'
# tcl.img through GRUB Legacy. On kvm_pvm only "Run /init" can be reached (guests/tcl/README.md):
# the figures past it are then missing, and say so.
# Uses measure.sh's helpers and variables (HOST, TIMEIT, TVMM, put, new_csv, fail, step).
# Knobs (environment): BENCH_TCL_RUNS (boots per path, 3), BENCH_TCL_IDLE_VMS (10),
# BENCH_TCL_IDLE_S (30).
# shellcheck shell=sh

TCL_DIR=$BUILD/guests/tcl
TCL_IMG=$BUILD/images/tcl.img
TCL_VM=$(dirname "$0")/tcl_vm.sh

tcl_sizes() {
	for f in "$TCL_IMG" "$TCL_DIR/vmlinuz" "$TCL_DIR/vmlinux" "$TCL_DIR/core.gz" \
		"$TCL_DIR/core.cpio" "$TCL_DIR/tinyvmm-app"; do
		echo "$HOST,${f##*/},$(wc -c <"$f")"
	done | put "$tcl_sizes_csv"
}

# One boot: VMM start to a mark (direct: the kernel's "Run /init"; disk, whose menu boots the
# kernel quiet: GRUB's line saying it loaded the kernel) and to the app's first line.
tcl_boot() {
	path=$1 run=$2
	case $path in
	disk) mark="[Linux-bzImage" ;;
	*) mark="Run /init" ;;
	esac
	line=$("$TIMEIT" -t 180 -r "$mark" -d "Starting infinite loop" -- \
		"$TCL_VM" "$path" 32 "app=hello count=1 period=1ms" </dev/null 2>>"$ERRLOG")
	echo "$line" | fields "status ready_ms done_ms wall_ms user_ms sys_ms" |
		awk -v pre="$HOST,$path,$run,$mark" '{ print pre "," $0 }' | put "$tcl_boot_csv"
}

# The whole hello count=1 run (boot, app, power off) under -exit-stats; for direct boot also
# the kernel's own timeline: the longest gaps between its time-stamped lines.
tcl_exits() {
	path=$1
	err=$OUT/tcl-exits.err out=$OUT/tcl-exits.out
	"$TVMM_TIMEOUT" 180 "$TCL_VM" "$path" 32 "app=hello count=1 period=1ms" -exit-stats \
		>"$out" 2>"$err" </dev/null
	exit_rows "$HOST,$path" "$err" | put "$tcl_exits_csv"
	if [ "$path" = vmlinux ]; then
		tr -d '\r' <"$out" | awk -v pre="$HOST" '
			/^\[ *[0-9]+\.[0-9]+\] / {
				t = substr($0, 2, index($0, "]") - 2) + 0
				if (seen) printf "%.1f\t%s\n", (t - last) * 1000, prev
				last = t; prev = substr($0, index($0, "]") + 2); gsub(/,/, ";", prev); seen = 1
				if (prev ~ /^Run \/init/) { printf "%.1f\t(total to this line)\n", t * 1000; exit }
			}' | sort -t "$(printf '\t')" -k1,1 -g -r | head -8 |
			awk -F '\t' -v pre="$HOST" '{ print pre "," $1 "," $2 }' | put "$tcl_phases_csv"
	fi
	cat "$err" >>"$ERRLOG"
	rm -f "$err" "$out"
}

# Does PATH at MIB boot and finish pattern A with a small n (its line seen)?
tcl_fits() {
	step "$1 boot in $2 MiB"
	line=$("$TIMEIT" -t 180 -r "fib(20) = 10946" -- "$TCL_VM" "$1" "$2" \
		"app=pattern pattern=A n=20 sleep=0 laps=1" 2>/dev/null </dev/null)
	echo "$line" | awk '/ ready_ms=[0-9]/ { ok = 1 } END { exit !ok }'
}

tcl_minmem() { # PATH: the smallest whole MiB, by bisection between 4 (too little) and 64
	path=$1 lo=4 hi=64 probes=0
	step "smallest -m, $path"
	if ! tcl_fits "$path" $hi; then
		fail "the tcl guest does not run pattern A by $path boot even in $hi MiB"
		return 0
	fi
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		probes=$((probes + 1))
		if tcl_fits "$path" $mid; then hi=$mid; else lo=$mid; fi
	done
	echo "$HOST,$path,$hi,$probes" | put "$tcl_mem_csv"
}

mem_available_kib() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }

# N sleeping guests (hello, 20 s period), each its own tinyvmm: host memory each costs
# (MemAvailable drop / N) and each VMM's PSS, once every guest has printed its first line.
tcl_idle() {
	n=${BENCH_TCL_IDLE_VMS:-10} secs=${BENCH_TCL_IDLE_S:-30}
	step "$n sleeping tcl guests"
	dir=$OUT/tcl-idle
	rm -rf "$dir" && mkdir -p "$dir"
	sync
	m0=$(mem_available_kib)
	pids=""
	i=0
	while [ $i -lt $n ]; do
		"$TCL_VM" vmlinux 32 "app=hello period=20s" -serial none -report "file:$dir/r$i" \
			>/dev/null 2>>"$ERRLOG" </dev/null &
		pids="$pids $!"
		i=$((i + 1))
	done
	started=$(wait_app_starts "$dir" "$n" 900)
	sleep "$secs"
	m1=$(mem_available_kib)
	pss=0
	for p in $pids; do
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) && pss=$((pss + v))
	done
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	wait 2>/dev/null
	echo "$HOST,$n,$started,$(((m0 - m1) / n)),$((pss / n))" | put "$tcl_idle_csv"
	rm -rf "$dir"
	[ "$started" -eq "$n" ] || fail "only $started of $n idle tcl guests started"
}

section_tcl() {
	tcl_sizes_csv=$OUT/tcl_sizes.csv tcl_boot_csv=$OUT/tcl_boot.csv tcl_exits_csv=$OUT/tcl_exits.csv
	tcl_phases_csv=$OUT/tcl_phases.csv tcl_mem_csv=$OUT/tcl_minmem.csv tcl_idle_csv=$OUT/tcl_idle.csv
	new_csv "$tcl_sizes_csv" "host,file,bytes"
	new_csv "$tcl_boot_csv" "host,path,run,mark,status,mark_ms,first_line_ms,wall_ms,user_ms,sys_ms"
	new_csv "$tcl_exits_csv" "host,path,key,count"
	new_csv "$tcl_phases_csv" "host,gap_ms,kernel_line_before_the_gap"
	new_csv "$tcl_mem_csv" "host,path,min_mib,probes"
	new_csv "$tcl_idle_csv" "host,vms,started,memavailable_drop_kib_per_guest,pss_kib_per_guest"
	for f in "$TCL_DIR/vmlinux" "$TCL_DIR/vmlinuz" "$TCL_DIR/core.gz" "$TCL_IMG"; do
		[ -e "$f" ] || { fail "missing $f (make bench builds it)"; return 0; }
	done
	export TVMM TCL_DIR TCL_IMG
	TVMM_TIMEOUT=$(command -v timeout)
	tcl_sizes
	for path in vmlinux vmlinuz disk; do
		r=1
		while [ $r -le "${BENCH_TCL_RUNS:-3}" ]; do
			step "boot $path, run $r"
			tcl_boot "$path" $r
			r=$((r + 1))
		done
		step "exits, $path"
		tcl_exits "$path"
	done
	tcl_minmem vmlinux
	tcl_idle
}
