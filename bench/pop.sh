# bench/pop.sh: the pop section of bench/measure.sh (sourced by it): a population of L4 guests in one tinyvmm process, by direct boot and from the GRUB floppy.
#
# Each run: `tinyvmm pop -t l4 -n N --app "hello period=20s" --overcommit` for long enough
# that every guest boots and then sleeps through an idle window of BENCH_POP_IDLE_S seconds
# (its hello lines 20 s apart, as in the thesis's Appendix A). Figures: the time until all N
# ran their app (last app start after the first launch, from the results' host-stamped
# reports), host CPU per boot (all CPU time of the machine during the launch phase / N: on
# kvm_pvm and nested TCG that is mostly emulated guest instructions), host memory per idle
# guest (MemAvailable before launch minus during the idle window, / N: kernel side
# included), host CPU while all sleep (% of one core) and the population thread's own CPU
# (the sampler runs there) over the idle window, and exits to user space per guest per second.
# Knobs: BENCH_POP_DIRECT (guests by direct boot, 1000), BENCH_POP_FLOPPY (guests from the
# floppy, 100: each GRUB boot is ~1 s of emulated firmware here), BENCH_POP_IDLE_S (60).
# Uses measure.sh's helpers (HOST, TVMM, BUILD, OUT, put, new_csv, fail, step).
# shellcheck shell=sh

# cpu_jiffies: busy jiffies of all CPUs (user nice system irq softirq steal; guest is in user)
cpu_jiffies() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
mem_avail_kb() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }
# thread_jiffies PID TID: utime + stime of one thread
thread_jiffies() { awk '{ print $14 + $15 }' "/proc/$1/task/$2/stat" 2>/dev/null || echo 0; }

pop_run() { # PATH N
	path=$1 n=$2 idle=${BENCH_POP_IDLE_S:-60}
	dir=$OUT/pop-$path
	rm -rf "$dir" && mkdir -p "$dir"
	step "$n L4 guests, $path boot"
	if [ "$path" = floppy ]; then
		set -- -i "$BUILD/images/l4.img"
	else
		set -- -i "$BUILD/guests/l4/kickstart" \
			--initrd "$BUILD/guests/l4/x86-kernel,$BUILD/guests/l4/sigma0,$BUILD/guests/l4/roottask"
	fi
	avail0=$(mem_avail_kb)
	busy0=$(cpu_jiffies)
	t0=$(date +%s)
	"$TVMM" pop -t l4 "$@" -n "$n" -m 2 --app "hello period=20s" --overcommit --min-free 128M \
		--stats "$dir/stats.csv" --results "$dir/results.csv" --name "bench$path" \
		</dev/null >"$dir/pop.log" 2>&1 &
	pid=$!
	# the launch phase ends when every guest has started its app (or the launches stopped)
	started=0 waited=0
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt 1800 ]; do
		# hello's first lap comes with its first line: LAPS (column 6) >= 1 means it ran
		started=$("$TVMM" list "bench$path" 2>/dev/null | awk '$4 == "running" && $6 >= 1 { n++ } END { print n + 0 }')
		[ "$started" -ge "$n" ] && break
		sleep 2
		waited=$((waited + 2))
		# a line now and then: run.sh ends a nested VM that stays silent for minutes
		[ $((waited % 60)) = 0 ] && step "$path: $started of $n ran their app after ${waited}s"
	done
	busy1=$(cpu_jiffies)
	t1=$(date +%s)
	sleep 5 # let the last boots settle into their first sleep
	avail1=$(mem_avail_kb) busy2=$(cpu_jiffies) main0=$(thread_jiffies "$pid" "$pid")
	s0=$(date +%s)
	sleep "$idle"
	avail2=$(mem_avail_kb) busy3=$(cpu_jiffies) main1=$(thread_jiffies "$pid" "$pid")
	s1=$(date +%s)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || fail "tinyvmm pop ($path) ended with status $rc: $(tail -n 3 "$dir/pop.log" | tr '\n' ' ')"
	hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
	# all_run_s: the last app start after the first launch, from the results file
	awk -F, -v pre="$HOST,$path,$n" -v hz="$hz" -v busy=$((busy1 - busy0)) \
		-v idle_busy=$((busy3 - busy2)) -v main=$((main1 - main0)) -v secs=$((s1 - s0)) \
		-v avail="$avail0" -v a1="$avail1" -v a2="$avail2" -v wall=$((t1 - t0)) -v stats="$dir/stats.csv" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["app_start_ms"] != "" {
			ran++
			t = $col["launched_ms"] + $col["app_start_ms"]
			if (first == "" || $col["launched_ms"] < first) first = $col["launched_ms"]
			if (t > last) last = t
		}
		END {
			# exits per second while idle: the stats rows of the idle window (the last ones)
			while ((getline l < stats) > 0) {
				n = split(l, f, ",")
				if (f[1] == "timestamp_ms") { for (i = 1; i <= n; i++) sc[f[i]] = i; continue }
				rows[++nr] = f[sc["exits_per_s"]]
			}
			k = int(secs / 2); e = 0
			for (i = nr - k + 1; i <= nr; i++) if (i > 0) { e += rows[i]; m++ }
			mem = (avail - (a1 < a2 ? a1 : a2)) / (ran ? ran : 1)
			printf "%s,%d,%.1f,%d,%.1f,%.0f,%.2f,%.3f,%.4f\n", pre, ran, (last - first) / 1000, wall,
				1000 * busy / hz / (ran ? ran : 1), mem, 100 * idle_busy / hz / secs,
				100 * main / hz / secs, (m ? e / m : 0) / (ran ? ran : 1)
		}' "$dir/results.csv" | put "$pop_csv"
	ran=$(awk -F, 'NR > 1 && $8 != "" { n++ } END { print n + 0 }' "$dir/results.csv")
	[ "$ran" -eq "$n" ] || fail "$path: $ran of $n L4 guests ran their app ($(grep -m1 -i 'admission\|stopped launching' "$dir/pop.log"))"
	rm -rf "$dir"
}

section_pop() {
	pop_csv=$OUT/pop.csv
	new_csv "$pop_csv" "host,path,guests,ran,all_ran_s,launch_wall_s,cpu_ms_per_boot,mem_kib_per_idle_guest,idle_host_cpu_pct_of_one_core,idle_pop_thread_cpu_pct,idle_exits_per_guest_per_s"
	for f in "$BUILD/guests/l4/kickstart" "$BUILD/images/l4.img"; do
		[ -e "$f" ] || { fail "missing $f (make bench builds it)"; return 0; }
	done
	pop_run direct "${BENCH_POP_DIRECT:-1000}"
	pop_run floppy "${BENCH_POP_FLOPPY:-100}"
}
