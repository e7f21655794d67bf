# bench/bm.sh: the bm section of bench/measure.sh (sourced by it): the BareMetal-style guest's disk, smallest RAM, boot to the app, exits, idle memory against QEMU, and fib against native.
#
# Every run boots make images' bm.img through bench/bm_vm.sh: tinyvmm with -app (the report
# port's host arguments), QEMU -M pc (SeaBIOS) with the image's own app, as QEMU has no
# report port. Each figure checks what it needs and, when it cannot be taken, says why
# (fail) and leaves the others to run. The guest instruction counts come from
# bench/bm_insns.sh, which bench/run.sh runs on this machine under QEMU TCG.
# Uses measure.sh's helpers and variables (HOST, TIMEIT, TVMM, QEMU, WITH_QEMU, put,
# new_csv, fail, step, fields, exit_rows).
# Knobs (environment):
#   BENCH_BM_RUNS          boots per VMM for the time to the first app line (5)
#   BENCH_BM_FIB_RUNS      fib(n) runs, guest and native in turn (3)
#   BENCH_BM_FIB_N         n of fib (40, the thesis's)
#   BENCH_BM_IDLE_VMS      sleeping guests per VMM for the memory figure (100)
#   BENCH_BM_IDLE_S        seconds they all sleep before memory is read (30)
#   BENCH_BM_QEMU_MIB      QEMU's -m (16, the thesis's BareMetal VM)
#   BENCH_BM_MIN_FREE_MIB  QEMU processes stop starting before MemAvailable would fall
#                          below this (256, tinyvmm pop's default --min-free)
#   BENCH_BM_QEMU_BOOT_S   ... or when one has not printed its first line after this many
#                          seconds (120): the idle ones before it may have taken the CPU
# shellcheck shell=sh

BM_DIR=$BUILD/guests/bm
BM_IMG=$BUILD/images/bm.img
BM_VM=$(dirname "$0")/bm_vm.sh
BM_KIB=4096 # tinyvmm pop -t bm's default -m
BM_FIRST="Starting infinite loop" # hello's first line, the app's first
BM_FIB_NATIVE=$BUILD/bench-tools/fib_native

bm_mem_available() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }
# busy jiffies of all CPUs (user nice system irq softirq steal; guest time is in user)
bm_cpu_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# csv_safe: one CSV field out of free text (notes and reasons)
csv_safe() { tr ',\n' '; ' | sed 's/ *$//'; }

# le BYTE_OFFSET COUNT: a little-endian unsigned number read from the image.
le() { od -A n -t u1 -v -j "$1" -N "$2" "$BM_IMG" | awk '{ for (i = 1; i <= NF; i++) b[n++] = $i }
	END { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[i]; print v }'; }

# The disk's size and the files in its FAT16 root directory, read from the image itself
# (what the guest sees, not what the build dir holds), plus the MBR code bm.mk put in.
bm_sizes() {
	step "image and the files on it"
	{
		echo "$HOST,bm.img,$(wc -c <"$BM_IMG")"
		[ -e "$BM_DIR/mbr.bin" ] && echo "$HOST,MBR code (of 446 bytes),$(wc -c <"$BM_DIR/mbr.bin")"
		part=$(le $((0x1BE + 8)) 4)
		vbr=$((part * 512))
		spc=$(le $((vbr + 13)) 1) reserved=$(le $((vbr + 14)) 2) fats=$(le $((vbr + 16)) 1)
		roots=$(le $((vbr + 17)) 2) spf=$(le $((vbr + 22)) 2)
		root=$(((part + reserved + fats * spf) * 512))
		# 32-byte entries: name 0-10, attributes 11, size 28-31; 0 ends the list, 0xE5 is a
		# deleted entry; labels (0x08), long names (0x0F) and directories (0x10) are skipped
		od -A n -t u1 -v -j "$root" -N $((roots * 32)) "$BM_IMG" |
			awk -v pre="$HOST" -v cluster=$((spc * 512)) '
			{ for (i = 1; i <= NF; i++) b[n++] = $i }
			END {
				for (e = 0; e + 32 <= n; e += 32) {
					if (b[e] == 0) break
					if (b[e] == 229 || and_attr(b[e + 11])) continue
					name = ""; ext = ""
					for (i = 0; i < 8; i++) if (b[e + i] != 32) name = name sprintf("%c", b[e + i])
					for (i = 8; i < 11; i++) if (b[e + i] != 32) ext = ext sprintf("%c", b[e + i])
					size = b[e + 28] + 256 * (b[e + 29] + 256 * (b[e + 30] + 256 * b[e + 31]))
					print pre "," name (ext == "" ? "" : "." ext) "," size
					total += size; used += int((size + cluster - 1) / cluster) * cluster
				}
				print pre ",files on it (total)," total + 0
				print pre ",clusters they take (bytes)," used + 0
			}
			# busybox awk has no and(): label, long-name and directory entries by value
			function and_attr(a) { return a == 8 || a == 15 || int(a / 16) % 2 == 1 }'
	} | put "$bm_sizes_csv"
	[ "$(grep -c ',files on it (total),' "$bm_sizes_csv")" -eq 1 ] || fail "could not read bm.img's root directory"
}

# Does the guest at KIB run pattern A with a small n to its end (its line seen, power-off)?
bm_fits() {
	step "boot in $1 KiB"
	line=$("$TIMEIT" -t 60 -r "fib(20) = 10946" -- "$BM_VM" tinyvmm "$1" \
		"app=pattern pattern=A n=20 sleep=0 laps=1" 2>/dev/null </dev/null)
	echo "$line" | awk '/^status=0 / && / ready_ms=[0-9]/ { ok = 1 } END { exit !ok }'
}

# The smallest -m in 64 KiB steps, by bisection: 1 MiB cannot work (the kernel sits at
# 1 MiB, the app at 2), 4 MiB should (pop's default); 16 MiB is tried before giving up.
bm_minmem() {
	lo=1024 hi=4096 probes=0
	step "smallest -m"
	if ! bm_fits $hi; then
		lo=$hi hi=16384
		bm_fits $hi || { fail "the bm guest does not run pattern A even in $hi KiB"; return 0; }
	fi
	while [ $((hi - lo)) -gt 64 ]; do
		mid=$(((lo + hi) / 2 / 64 * 64))
		probes=$((probes + 1))
		if bm_fits $mid; then hi=$mid; else lo=$mid; fi
	done
	echo "$HOST,$hi,$probes" | put "$bm_mem_csv"
}

# One boot, timed from the VMM's start to the app's first line. tinyvmm runs hello count=1
# to its power-off; QEMU's hello never ends, so timeit stops it at that line (-m -s 0: its
# smaps are read and it gets SIGTERM), and its wall time is the stop, not an end.
bm_boot() {
	vmm=$1 run=$2
	step "boot $vmm, run $run"
	if [ "$vmm" = tinyvmm ]; then
		line=$("$TIMEIT" -t 60 -r "$BM_FIRST" -- "$BM_VM" tinyvmm $BM_KIB \
			"app=hello count=1 period=1ms" </dev/null 2>>"$ERRLOG")
	else
		line=$("$TIMEIT" -t 180 -r "$BM_FIRST" -m -s 0 -- "$BM_VM" qemu \
			$((${BENCH_BM_QEMU_MIB:-16} * 1024)) "" </dev/null 2>>"$ERRLOG")
	fi
	echo "$line" | fields "status ready_ms wall_ms user_ms sys_ms" |
		awk -v pre="$HOST,$vmm,$run" '{ print pre "," $0 }' | put "$bm_boot_csv"
	echo "$line" | awk '/ ready_ms=[0-9]/ { ok = 1 } END { exit !ok }' ||
		fail "$vmm run $run never printed '$BM_FIRST' ($(echo "$line" | fields status))"
}

# The exits of a whole hello count=1 run (boot, one line, power-off), by -exit-stats: the
# total, port accesses by device, and the BIOS calls by vector (int 13h reads the loader
# and kernel cluster by cluster).
bm_exits() {
	step "exits of a hello count=1 run"
	err=$OUT/bm-exits.err
	"$BM_VM" tinyvmm $BM_KIB "app=hello count=1 period=1ms" -exit-stats >/dev/null 2>"$err" </dev/null
	rc=$?
	{
		exit_rows "$HOST" "$err"
		awk -v pre="$HOST" '/^  BIOS service calls / {
			s = substr($0, index($0, "):") + 2); n = split(s, a, /, /)
			for (i = 1; i <= n; i++) { sub(/^ */, "", a[i]); c = a[i]; sub(/.* /, "", c); k = a[i]; sub(/ [0-9]+$/, "", k); print pre ",bios:" k "," c }
		}' "$err"
		echo "$HOST,status,$rc"
	} | put "$bm_exits_csv"
	grep -q ' exits to user space in ' "$err" || fail "the -exit-stats run printed no report (status $rc)"
	[ "$rc" = 0 ] || fail "the -exit-stats run ended with status $rc, not a power-off"
	cat "$err" >>"$ERRLOG"
	rm -f "$err"
}

# fib(n) in the guest (the context app, one lap) against the same fib run natively. The
# guest's figure is the host-stamped time between its app-start and lap reports (-report),
# which is what a population's results hold; its own TSC reading is kept beside it.
bm_fib() {
	n=${BENCH_BM_FIB_N:-40}
	rep=$OUT/bm-fib.rep
	r=1
	while [ $r -le "${BENCH_BM_FIB_RUNS:-3}" ]; do
		step "fib($n) in the guest and natively, run $r"
		rm -f "$rep"
		out=$(bm_timeout 600 "$BM_VM" tinyvmm $BM_KIB "app=context laps=1 n=$n" \
			-report "file:$rep" 2>>"$ERRLOG" </dev/null)
		guest=$(awk '$3 == "app-start" { s = $2 } $3 == "lap" && $4 == 1 && s != "" {
			printf "%.1f", ($2 - s) * 1000; exit }' "$rep" 2>/dev/null)
		clock=$(echo "$out" | awk '/^context: 1 laps of fib/ { for (i = 1; i <= NF; i++) if ($i == "in") print $(i + 1) }')
		native=""
		[ -x "$BM_FIB_NATIVE" ] && native=$("$BM_FIB_NATIVE" "$n" | awk '{ print $(NF - 1) }')
		ratio=""
		[ -n "$guest" ] && [ -n "$native" ] && ratio=$(awk -v g="$guest" -v m="$native" 'BEGIN { if (m > 0) printf "%.4f", g / m }')
		echo "$HOST,$r,$n,$guest,$clock,$native,$ratio" | put "$bm_fib_csv"
		[ -n "$guest" ] || fail "fib run $r: the guest reported no lap"
		[ -n "$native" ] || fail "fib run $r: no native figure (${BM_FIB_NATIVE##*/} missing or failed)"
		r=$((r + 1))
	done
	rm -f "$rep"
}

# bm_timeout SECONDS CMD...: CMD, ended after SECONDS where there is a timeout command.
bm_timeout() {
	if [ -n "$BM_TIMEOUT" ]; then "$BM_TIMEOUT" "$@"; else shift; "$@"; fi
}

# Sum of one smaps_rollup field (KiB) over PIDS.
smaps_sum() {
	key=$1 t=0
	shift
	for p in "$@"; do
		v=$(awk -v k="$key:" '$1 == k { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) && t=$((t + ${v:-0}))
	done
	echo "$t"
}

# idle_row VMM ASKED STARTED M0 PIDS NOTE [STATS]: the idle window (BENCH_BM_IDLE_S with
# every guest asleep), then a bm_idle.csv row: MemAvailable before the launch (M0) minus at
# the window's end, the VMM processes' smaps, the machine's CPU over the window and, from a
# tinyvmm pop's --stats file, its exits to user space per guest and second.
idle_row() {
	vmm=$1 asked=$2 started=$3 m0=$4 pids=$5 note=$6 stats=${7:-} secs=${BENCH_BM_IDLE_S:-30}
	b0=$(bm_cpu_busy) t0=$(date +%s)
	sleep "$secs"
	b1=$(bm_cpu_busy) t1=$(date +%s) m1=$(bm_mem_available)
	# shellcheck disable=SC2086
	pss=$(smaps_sum Pss $pids) rss=$(smaps_sum Rss $pids) huge=$(smaps_sum AnonHugePages $pids)
	div=$started
	[ "$div" -gt 0 ] || div=1
	cpu=$(awk -v b=$((b1 - b0)) -v s=$((t1 - t0)) -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" \
		'BEGIN { if (s > 0) printf "%.1f", 100 * b / hz / s }')
	exits=""
	# the rows of the window's second half (one a second): no boot's exits in them
	[ -n "$stats" ] && exits=$(awk -F, -v k=$((secs / 2)) -v n="$div" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "exits_per_s") c = i; next }
		c { r[++m] = $c }
		END { for (i = m - k + 1; i <= m; i++) if (i > 0) { t += r[i]; j++ }
			if (j) printf "%.3f", t / j / n }' "$stats" 2>/dev/null)
	echo "$HOST,$vmm,$asked,$started,$((t1 - t0)),$(((m0 - m1) / div)),$((pss / div)),$((rss / div)),$((huge / div)),$cpu,$exits,$(echo "$note" | csv_safe)" |
		put "$bm_idle_csv"
}

# N sleeping guests (hello period=20s) in one `tinyvmm pop`: MemAvailable drop / N and the
# process's PSS / N once every guest has printed its first line and they have all slept
# for BENCH_BM_IDLE_S.
bm_idle_tinyvmm() {
	n=$1
	dir=$OUT/bm-idle
	rm -rf "$dir" && mkdir -p "$dir"
	step "$n sleeping bm guests in one tinyvmm pop"
	sync
	m0=$(bm_mem_available)
	"$TVMM" pop -t bm -i "$BM_IMG" -n "$n" --app "hello period=20s" --name benchbm \
		--results "$dir/results.csv" --stats "$dir/stats.csv" </dev/null >"$dir/pop.log" 2>&1 &
	pid=$!
	started=0 t0=$(date +%s) waited=0 said=0
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt 900 ]; do
		# hello's first lap comes with its first line: LAPS (column 6) >= 1 means it ran
		started=$("$TVMM" list benchbm 2>/dev/null | awk '$4 == "running" && $6 >= 1 { n++ } END { print n + 0 }')
		[ "$started" -ge "$n" ] && break
		sleep 2
		waited=$(($(date +%s) - t0))
		[ $((waited / 60)) -gt $said ] && said=$((waited / 60)) &&
			step "$started of $n tinyvmm guests ran their app after ${waited}s"
	done
	note="one tinyvmm pop; hello period=20s"
	if ! kill -0 "$pid" 2>/dev/null; then
		note="tinyvmm pop ended early: $(tail -n 2 "$dir/pop.log")"
	elif [ "$started" -lt "$n" ]; then
		note="$(grep -m1 -i 'admission\|stopped launching\|refus' "$dir/pop.log")"
	fi
	idle_row tinyvmm "$n" "$started" "$m0" "$pid" "$note" "$dir/stats.csv"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rm -rf "$dir"
	[ "$started" -eq "$n" ] || fail "only $started of $n bm guests in tinyvmm pop ran their app: $note"
}

# bm_idle_qemu LABEL N: up to N QEMU processes, one per guest, started one after another:
# each waits for the previous guest's first line, and none starts when MemAvailable minus
# what one QEMU has cost so far (64 MiB before the first) would fall below
# BENCH_BM_MIN_FREE_MIB. Sets BM_QEMU_STARTED. QEMU's guests run hello every second (no
# report port for period=20s).
bm_idle_qemu() {
	label=$1 n=$2 floor=$((${BENCH_BM_MIN_FREE_MIB:-256} * 1024)) boot_s=${BENCH_BM_QEMU_BOOT_S:-120}
	kib=$((${BENCH_BM_QEMU_MIB:-16} * 1024))
	dir=$OUT/bm-idle-qemu
	rm -rf "$dir" && mkdir -p "$dir"
	step "up to $n sleeping bm guests, one QEMU each ($label)"
	sync
	m0=$(bm_mem_available)
	pids="" started=0 note=""
	while [ $started -lt "$n" ]; do
		avail=$(bm_mem_available)
		each=65536
		[ $started -gt 0 ] && each=$(((m0 - avail) / started))
		if [ $((avail - each)) -lt $floor ]; then
			note="stopped at $started of $n: MemAvailable $((avail / 1024)) MiB and one QEMU takes $((each / 1024)) MiB: the next would leave less than $((floor / 1024)) MiB"
			break
		fi
		i=$((started + 1))
		"$BM_VM" qemu $kib "" >"$dir/q$i.log" 2>>"$ERRLOG" </dev/null &
		p=$!
		# Wall-clock seconds, and a line every 30: with the CPU taken by the idle QEMUs a
		# round of this loop can take far longer than a second, and run.sh ends a nested
		# VM that stays silent for BENCH_STALL_S.
		t0=$(date +%s) waited=0 said=0
		while ! grep -q "$BM_FIRST" "$dir/q$i.log" 2>/dev/null && kill -0 "$p" 2>/dev/null && [ $waited -lt "$boot_s" ]; do
			sleep 1
			waited=$(($(date +%s) - t0))
			[ $((waited / 30)) -gt $said ] && said=$((waited / 30)) &&
				step "QEMU guest $i of $n not up yet after ${waited}s"
		done
		if ! grep -q "$BM_FIRST" "$dir/q$i.log" 2>/dev/null; then
			# not counted: its memory would be shared among the guests that did start
			kill "$p" 2>/dev/null
			wait "$p" 2>/dev/null
			note="stopped at $started of $n: QEMU guest $i printed no first line in ${waited}s beside $started running"
			# what memory alone would have allowed, at the cost measured so far
			[ $started -gt 0 ] && [ "$each" -gt 0 ] && note="$note; by memory about $(((m0 - floor) / each)) would fit ($((m0 / 1024)) MiB available at the start, $((each / 1024)) MiB each, $((floor / 1024)) MiB kept free)"
			break
		fi
		pids="$pids $p"
		started=$i
		step "QEMU guest $i of $n up after ${waited}s, MemAvailable $((avail / 1024)) MiB"
	done
	[ -n "$note" ] || note="one QEMU each; the image's own app: hello every 1 s"
	idle_row "$label" "$n" "$started" "$m0" "$pids" "$note"
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
	BM_QEMU_STARTED=$started
	[ "$started" -gt 0 ] || fail "no QEMU bm guest started ($label): $note"
}

bm_idle() {
	# names of their own: sh has no locals, and the functions below set n and the like
	bm_idle_n=${BENCH_BM_IDLE_VMS:-100}
	bm_idle_tinyvmm "$bm_idle_n"
	[ "$WITH_QEMU" = 1 ] || return 0
	# QEMU's -snapshot overlay goes to /var/tmp whatever TMPDIR says; the nested VM has none.
	[ -d /var/tmp ] || mkdir -p /var/tmp
	BM_QEMU_STARTED=0
	bm_idle_qemu qemu "$bm_idle_n"
	bm_fitted=$BM_QEMU_STARTED
	[ "$bm_fitted" -gt 0 ] || return 0
	# QEMU asks for transparent huge pages on guest RAM (MADV_HUGEPAGE) and tinyvmm declines
	# them (MADV_NOHUGEPAGE), so with THP "always" or "madvise" a QEMU guest's first touch of
	# an aligned 2 MiB range costs all of it. In the throw-away nested VM, QEMU runs once more
	# with THP off and as many guests, to show the 4 KiB pages it really touches.
	thp=/sys/kernel/mm/transparent_hugepage/enabled
	if [ "$HOST" = nested-tcg ] && [ -w $thp ] && ! grep -q '\[never\]' $thp; then
		was=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $thp)
		echo never >$thp
		bm_idle_qemu qemu-thp-never "$bm_fitted"
		echo "$was" >$thp
	fi
	# Fewer QEMUs fitted: tinyvmm again with as many guests, so the rows share a count (a
	# process's fixed cost is shared by fewer guests).
	[ "$bm_fitted" -lt "$bm_idle_n" ] && bm_idle_tinyvmm "$bm_fitted"
	return 0
}

section_bm() {
	bm_sizes_csv=$OUT/bm_sizes.csv bm_mem_csv=$OUT/bm_minmem.csv bm_boot_csv=$OUT/bm_boot.csv
	bm_exits_csv=$OUT/bm_exits.csv bm_idle_csv=$OUT/bm_idle.csv bm_fib_csv=$OUT/bm_fib.csv
	new_csv "$bm_sizes_csv" "host,file,bytes"
	new_csv "$bm_mem_csv" "host,min_kib,probes"
	new_csv "$bm_boot_csv" "host,vmm,run,status,first_line_ms,wall_ms,user_ms,sys_ms"
	new_csv "$bm_exits_csv" "host,key,count"
	new_csv "$bm_idle_csv" "host,vmm,vms,started,idle_s,memavailable_drop_kib_per_guest,pss_kib_per_guest,rss_kib_per_guest,anon_huge_kib_per_guest,host_cpu_pct_of_one_core,exits_per_guest_per_s,note"
	new_csv "$bm_fib_csv" "host,run,n,guest_report_ms,guest_clock_ms,native_ms,guest_over_native"
	[ -e "$BM_IMG" ] || { fail "missing $BM_IMG (make bench builds it)"; return 0; }
	export TVMM QEMU BM_IMG
	BM_TIMEOUT=$(command -v timeout)
	bm_sizes
	bm_minmem
	vmms=tinyvmm
	[ "$WITH_QEMU" = 1 ] && vmms="tinyvmm qemu"
	[ -d /var/tmp ] || mkdir -p /var/tmp
	r=1
	while [ $r -le "${BENCH_BM_RUNS:-5}" ]; do
		# the VMMs take turns run by run, so a drift in the machine's speed hits both
		for v in $vmms; do bm_boot "$v" $r; done
		r=$((r + 1))
	done
	bm_exits
	bm_fib
	bm_idle
}
