# bench/l4.sh: the l4 section of bench/measure.sh (sourced by it): the L4 guest's smallest RAM, boot, idle cost, IPC and fib against native.
#
# Direct boot is `-kernel kickstart -initrd "x86-kernel,sigma0,roottask"`; the floppy is
# make images' l4.img (GRUB Legacy, default entry hello). Apps are chosen per run with -app
# (the report port's host arguments), so both paths run the same app from the same files.
# Uses measure.sh's helpers and variables (HOST, TIMEIT, TVMM, put, new_csv, fail, step).
# Knobs (environment): BENCH_L4_RUNS (boots per path, 5), BENCH_L4_IDLE_VMS (100),
# BENCH_L4_IDLE_S (60), BENCH_L4_IPC_ROUNDS (100000), BENCH_L4_FIB_N (40).
# shellcheck shell=sh

L4_DIR=$BUILD/guests/l4
L4_IMG=$BUILD/images/l4.img
FIB_NATIVE=$BUILD/bench-tools/fib_native

L4_VM=$(dirname "$0")/l4_vm.sh
l4_run() { "$L4_VM" "$@"; }

# Does PATH at KIB boot and finish pattern A with a small n (its line seen, status 0)?
l4_fits() {
	step "$1 boot in $2 KiB"
	# too little RAM leaves GRUB at "Press any key": timeit ends that run after 60 s
	line=$("$TIMEIT" -t 60 -r "fib(20) = 10946" -- "$L4_VM" "$1" "$2" \
		"app=pattern pattern=A n=20 sleep=0 laps=1" 2>/dev/null </dev/null)
	echo "$line" | awk '/^status=0 / && / ready_ms=[0-9]/ { ok = 1 } END { exit !ok }'
}

l4_minmem() { # PATH [LOWER_KIB]: LOWER is known not to work (default 1 MiB)
	path=$1 lo=${2:-1024} hi=4096 probes=0
	# smallest KiB (a multiple of 64) that works, by bisection: hi works, lo does not
	step "smallest -m, $path"
	if ! l4_fits "$path" $hi; then
		fail "the L4 guest does not run pattern A by $path boot even in $hi KiB"
		return 0
	fi
	while [ $((hi - lo)) -gt 64 ]; do
		mid=$(((lo + hi) / 2 / 64 * 64))
		probes=$((probes + 1))
		if l4_fits "$path" $mid; then hi=$mid; else lo=$mid; fi
	done
	echo "$HOST,$path,$hi,$probes" | put "$l4_mem"
	L4_MIN_KIB=$hi
}

# One boot to the app's first line, timed; then a second run for -exit-stats.
l4_boot() {
	path=$1 run=$2
	app="app=hello count=1 period=1ms"
	line=$("$TIMEIT" -t 120 -r "Starting infinite loop" -- "$L4_VM" "$path" 2048 "$app" \
		</dev/null 2>>"$ERRLOG")
	echo "$line" | fields "status ready_ms wall_ms user_ms sys_ms" |
		awk -v pre="$HOST,$path,$run" '{ print pre "," $0 }' | put "$l4_boot_csv"
}

l4_exits() {
	path=$1
	err=$OUT/l4-exits.err
	l4_run "$path" 2048 "app=hello count=1 period=1ms" -exit-stats >/dev/null 2>"$err" </dev/null
	exit_rows "$HOST,$path" "$err" | put "$l4_exits_csv"
	cat "$err" >>"$ERRLOG"
	rm -f "$err"
}

# CPU jiffies (user+nice+system+irq+softirq+steal+guest) of all CPUs, and of process PID.
cpu_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
proc_cpu() { # PIDS: utime+stime of them all, in jiffies (guest time is inside utime)
	t=0
	for p in "$@"; do
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) && t=$((t + v))
	done
	echo "$t"
}

l4_idle() {
	n=${BENCH_L4_IDLE_VMS:-100} secs=${BENCH_L4_IDLE_S:-60}
	step "$n sleeping guests for $secs s"
	dir=$OUT/l4-idle
	rm -rf "$dir" && mkdir -p "$dir"
	pids=""
	i=0
	while [ $i -lt $n ]; do
		# l4_vm.sh execs tinyvmm, so $! is the VMM itself (a function would add a subshell)
		"$L4_VM" direct 2048 "app=hello period=20s" -serial none -report "file:$dir/r$i" \
			>/dev/null 2>>"$ERRLOG" </dev/null &
		pids="$pids $!"
		i=$((i + 1))
	done
	# every guest has printed its first line (app-start) before the window opens
	started=$(wait_app_starts "$dir" "$n" 600)
	# shellcheck disable=SC2086
	b0=$(cpu_busy) p0=$(proc_cpu $pids) t0=$(date +%s)
	sleep "$secs"
	# shellcheck disable=SC2086
	b1=$(cpu_busy) p1=$(proc_cpu $pids) t1=$(date +%s)
	laps=$(cat "$dir"/r* 2>/dev/null | grep -c ' lap ')
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	wait 2>/dev/null
	hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
	awk -v pre="$HOST,$n,$started" -v s=$((t1 - t0)) -v b=$((b1 - b0)) -v p=$((p1 - p0)) -v hz="$hz" -v laps="$laps" \
		'BEGIN { printf "%s,%d,%.3f,%.3f,%d\n", pre, s, 100 * p / hz / s, 100 * b / hz / s, laps }' |
		put "$l4_idle_csv"
	rm -rf "$dir"
	[ "$started" -eq "$n" ] || fail "only $started of $n idle L4 guests started"
}

l4_ipc() {
	rounds=${BENCH_L4_IPC_ROUNDS:-100000}
	step "IPC round trips ($rounds)"
	out=$(l4_run direct 2048 "app=ipc rounds=$rounds" -serial stdio 2>>"$ERRLOG" </dev/null)
	echo "$out" | awk -v pre="$HOST,$rounds" '/^ipc: [0-9]+ round trips in / {
		printf "%s,%s,%s,%.3f\n", pre, $6, $8, $6 / $2 }' | put "$l4_ipc_csv"
	case $out in *"round trips in"*) ;; *) fail "the IPC self-test printed no result" ;; esac
}

l4_fib() {
	n=${BENCH_L4_FIB_N:-40}
	for r in 1 2 3; do
		step "fib($n) in the guest and natively, run $r"
		out=$(l4_run direct 2048 "app=context laps=1 n=$n" 2>>"$ERRLOG" </dev/null)
		echo "$out" | awk -v pre="$HOST,$r,$n" '/^context: 1 laps of fib/ {
			for (i = 1; i <= NF; i++) if ($i == "in") print pre ",guest," $(i + 1) }' | put "$l4_fib_csv"
		"$FIB_NATIVE" "$n" | awk -v pre="$HOST,$r,$n" '{ print pre ",native," $(NF - 1) }' | put "$l4_fib_csv"
	done
}

section_l4() {
	l4_mem=$OUT/l4_minmem.csv l4_boot_csv=$OUT/l4_boot.csv l4_exits_csv=$OUT/l4_exits.csv
	l4_idle_csv=$OUT/l4_idle.csv l4_ipc_csv=$OUT/l4_ipc.csv l4_fib_csv=$OUT/l4_fib.csv
	new_csv "$l4_mem" "host,path,min_kib,probes"
	new_csv "$l4_boot_csv" "host,path,run,status,first_line_ms,wall_ms,user_ms,sys_ms"
	new_csv "$l4_exits_csv" "host,path,key,count"
	new_csv "$l4_idle_csv" "host,vms,started,seconds,tinyvmm_cpu_pct_of_one_core,host_cpu_pct_of_one_core,lines_printed"
	new_csv "$l4_ipc_csv" "host,rounds,us,per_second,round_trip_us"
	new_csv "$l4_fib_csv" "host,run,n,where,ms"
	for f in "$L4_DIR/kickstart" "$L4_DIR/x86-kernel" "$L4_DIR/sigma0" "$L4_DIR/roottask" \
		"$L4_IMG" "$FIB_NATIVE"; do
		[ -e "$f" ] || { fail "missing $f (make bench builds it)"; return 0; }
	done
	export TVMM L4_DIR L4_IMG
	L4_MIN_KIB=1024
	for path in direct floppy; do
		# The floppy needs at least what direct boot needs (the same images, placed by GRUB),
		# so its search starts below that: a floppy run with too little RAM ends at GRUB's
		# "Press any key", which in the nested VM outlived timeit's SIGKILL.
		l4_minmem "$path" $((L4_MIN_KIB - 64))
		r=1
		while [ $r -le "${BENCH_L4_RUNS:-5}" ]; do
			step "boot $path, run $r"
			l4_boot "$path" $r
			r=$((r + 1))
		done
		l4_exits "$path"
	done
	l4_ipc
	l4_fib
	l4_idle
}
