# bench/thesis/lib.sh: what every experiment shares: CSV rows, failures, progress, clocks, /proc readers, the 1 Hz sampler, QEMU and tinyvmm fleets (sourced).
#
# Needs: OUT (where CSVs go), EMIT (1: also print every row on stdout, for run.sh to collect
# from a nested VM whose files vanish with it), HOST, BUILD, TVMM, QEMU.
# shellcheck shell=bash

# --- rows, failures, progress -------------------------------------------------------------
csv_new() { # FILE HEADER: starts FILE (once per run) with its header
	[ -e "$OUT/$1" ] && return 0
	echo "$2" >"$OUT/$1"
	[ "$EMIT" = 1 ] && echo "THESIS-ROW $1 $2"
	return 0
}
csv_row() { # FILE LINE
	echo "$2" >>"$OUT/$1"
	[ "$EMIT" = 1 ] && echo "THESIS-ROW $1 $2"
	return 0
}
# A CSV field: quoted, inner quotes doubled, so commands and messages keep their commas.
q() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
fail() { # REASON: this experiment missed a figure; the report shows the reason in its place
	echo "thesis [$EXP]: FAILED: $1" >&2
	csv_row failures.csv "$HOST,$EXP,$(q "$1")"
}
# A remark the report shows under the experiment's section (what the scale left out, why).
note() { csv_row notes.csv "$HOST,$EXP,$(q "$1")"; }
# Progress goes to stderr: functions that answer on stdout ($(tv_wait ...)) print it too.
step() { echo "THESIS-STEP $EXP: $*" >&2; }
# A live line while a population runs: run.sh redraws it in place on a terminal.
live() { echo "THESIS-LIVE $EXP: $*" >&2; }
# Records the exact command line of a measurement, for the report's "how it was measured".
cmd_note() { # VMM TYPE WORDS...
	local vmm=$1 type=$2 w s=""
	shift 2
	for w in "$@"; do
		case $w in *[\ \"\'\;\&\|\<\>\(\)\$]*|'') s="$s '${w//\'/\'\\\'\'}'" ;; *) s="$s $w" ;; esac
	done
	s=${s# }
	s=${s//$BUILD/build}
	grep -qxF "$EXP,$vmm,$type,$(q "$s")" "$OUT/commands.csv" 2>/dev/null ||
		csv_row commands.csv "$EXP,$vmm,$type,$(q "$s")"
}

# --- clocks and /proc ------------------------------------------------------------------------
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
memavail_kb() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }
# busy and all jiffies of all CPUs: "busy total"
cpu_jiffies() { awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat; }
pss_kb() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
pid_cpu_ms() { # PID: utime + stime in ms
	awk -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# --- the 1 Hz sampler: perf.pl's view of the host, the same for both VMMs ---------------------
# Writes "t_s,cpu_total,cpu_user,cpu_sys,mem_used_kb,memavail_kb" (CPU % of all cores, as
# perf.pl's cpustats) to FILE every second until sampler_stop.
sampler_start() { # FILE
	local file=$1
	(
		read -r _ u n s i w irq sirq st _ </proc/stat
		t0=${EPOCHREALTIME/./}
		echo "t_s,cpu_total,cpu_user,cpu_sys,mem_used_kb,memavail_kb" >"$file"
		while sleep 1; do
			read -r _ u2 n2 s2 i2 w2 irq2 sirq2 st2 _ </proc/stat
			t=${EPOCHREALTIME/./}
			awk -v t=$(((t - t0) / 1000)) -v du=$((u2 + n2 - u - n)) -v ds=$((s2 + irq2 + sirq2 - s - irq - sirq)) \
				-v di=$((i2 + w2 - i - w)) -v dst=$((st2 - st)) '
				$1 == "MemTotal:" { tot = $2 } $1 == "MemFree:" { fr = $2 } $1 == "MemAvailable:" { av = $2 }
				END { all = du + ds + di + dst; if (all <= 0) all = 1
					printf "%.3f,%.1f,%.1f,%.1f,%d,%d\n", t / 1000, 100 * (du + ds + dst) / all, 100 * du / all, 100 * ds / all, tot - fr, av }' \
				/proc/meminfo >>"$file"
			u=$u2 n=$n2 s=$s2 i=$i2 w=$w2 irq=$irq2 sirq=$sirq2 st=$st2
		done
	) &
	SAMPLER=$!
}
sampler_stop() { [ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; SAMPLER=""; }

# --- QEMU, one process per VM as the thesis's bootscript.pl ran it -------------------------------
QEMU_PIDS=""
# Prefixes each line of standard input with the host clock (epoch seconds, µs): what the
# thesis read off its graphs, the guests' lines as they arrive.
stamp_lines() { while IFS= read -r l; do echo "$EPOCHREALTIME ${l%$'\r'}"; done >"$1"; }
# qemu_cmd MACHINE TYPE MEM APP NAME: the full command line, one word a line
qemu_cmd() {
	printf '%s\n' "$QEMU" -M "$1" -enable-kvm -m "$3" -smp 1 -display none -monitor none -net none \
		-no-reboot -name "$5,process=$5" -uuid "$(cat /proc/sys/kernel/random/uuid)"
	type_qemu_args "$2" "$4"
}
# qemu_start MACHINE TYPE MEM APP NAME LOG: starts one VM in the background, its serial
# lines host-stamped into LOG; its PID joins QEMU_PIDS (LAST_PID)
qemu_start() {
	local -a cmd
	mapfile -t cmd < <(qemu_cmd "$1" "$2" "$3" "$4" "$5")
	# QEMU_PLAIN_SERIAL=1: the serial lines go straight to LOG, unstamped, so no helper
	# process per VM muddies a memory figure
	if [ "${QEMU_PLAIN_SERIAL:-0}" = 1 ]; then
		cmd_note "qemu-$1" "$2" "${cmd[@]}" -serial "file:$6"
		"${cmd[@]}" -serial "file:$6" </dev/null >/dev/null 2>>"$6.err" &
	else
		cmd_note "qemu-$1" "$2" "${cmd[@]}" -serial stdio
		"${cmd[@]}" -serial stdio </dev/null 2>>"$6.err" > >(stamp_lines "$6") &
	fi
	LAST_PID=$!
	QEMU_PIDS="$QEMU_PIDS $LAST_PID"
}
qemu_stop_all() {
	local p
	# shellcheck disable=SC2086
	[ -n "$QEMU_PIDS" ] && kill $QEMU_PIDS 2>/dev/null
	for p in $QEMU_PIDS; do wait "$p" 2>/dev/null; done
	QEMU_PIDS=""
	sleep 0.5 # the stampers finish their files
}
# The number of LOGs holding MARK (fixed string).
count_marked() { # MARK LOG...
	local m=$1 n=0 f
	shift
	for f in "$@"; do grep -qF -- "$m" "$f" 2>/dev/null && n=$((n + 1)); done
	echo $n
}
# Starts N QEMU VMs at once (LOGs DIR/NAME.log), while MemAvailable stays above the floor;
# sets STARTED and, when it stopped early, WHY.
qemu_fleet() { # MACHINE TYPE MEM APP N DIR [STAGGER_S]
	local i name
	STARTED=0 WHY=""
	for ((i = 1; i <= $5; i++)); do
		if [ "$(memavail_kb)" -lt $((QEMU_MIN_FREE_MB * 1024)) ]; then
			WHY="MemAvailable fell below ${QEMU_MIN_FREE_MB} MiB after $STARTED QEMU processes"
			break
		fi
		name=$2_$i
		qemu_start "$1" "$2" "$3" "$4" "$name" "$6/$name.log"
		STARTED=$i
		[ -n "${7:-}" ] && [ "$i" -lt "$5" ] && sleep "$7"
	done
	return 0
}
# Waits until COUNT logs in DIR hold MARK, or TIMEOUT_S passed; live line meanwhile.
wait_marked() { # MARK COUNT DIR TIMEOUT_S WHAT
	local t0 n=0 last=0
	t0=$(now_ms)
	while :; do
		n=$(count_marked "$1" "$3"/*.log)
		[ "$n" -ge "$2" ] && break
		[ $(($(now_ms) - t0)) -ge $(($4 * 1000)) ] && break
		if [ $(($(now_ms) - last)) -ge 5000 ]; then
			live "$5: $n of $2 after $((($(now_ms) - t0) / 1000)) s, MemAvailable $(($(memavail_kb) / 1024)) MiB"
			last=$(now_ms)
		fi
		sleep 0.5
	done
	echo "$n"
}

# --- tinyvmm pop ---------------------------------------------------------------------------------
# tv_pop NAME DIR ARGS...: a population in the background (TV_PID), with stats every second,
# results and serial logs in DIR; the command line is noted.
tv_pop() {
	local name=$1 dir=$2
	shift 2
	mkdir -p "$dir/logs"
	cmd_note tinyvmm "${TYPE:-mixed}" "$TVMM" pop "$@" --name "$name" --interval 1 \
		--stats "$dir/stats.csv" --results "$dir/results.csv" --logs "$dir/logs"
	"$TVMM" pop "$@" --name "$name" --interval 1 --stats "$dir/stats.csv" \
		--results "$dir/results.csv" --logs "$dir/logs" </dev/null >"$dir/pop.log" 2>&1 &
	TV_PID=$!
}
# Guests of population NAME that are running and have passed LAPS laps (tinyvmm list).
tv_count() { # NAME MIN_LAPS
	"$TVMM" list "$1" 2>/dev/null | awk -v l="$2" '$4 == "running" && $6 >= l { n++ } END { print n + 0 }'
}
# Waits until COUNT guests of NAME ran MIN_LAPS laps (or the population ended, or TIMEOUT_S).
tv_wait() { # NAME COUNT MIN_LAPS TIMEOUT_S WHAT
	local t0 n=0 last=0
	t0=$(now_ms)
	while kill -0 "$TV_PID" 2>/dev/null; do
		n=$(tv_count "$1" "$3")
		[ "$n" -ge "$2" ] && break
		[ $(($(now_ms) - t0)) -ge $(($4 * 1000)) ] && break
		if [ $(($(now_ms) - last)) -ge 5000 ]; then
			live "$5: $n of $2 after $((($(now_ms) - t0) / 1000)) s, MemAvailable $(($(memavail_kb) / 1024)) MiB"
			last=$(now_ms)
		fi
		sleep 1
	done
	echo "$n"
}
tv_stop() { # stops the population (SIGTERM: both files complete) and waits for it
	kill -TERM "$TV_PID" 2>/dev/null
	wait "$TV_PID"
	local rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 143 ] || fail "tinyvmm pop ended with status $rc: $(tail -n 2 "$1/pop.log" | tr '\n' ' ')"
}

# --- reading CSV with quoted fields (tinyvmm's results) in any awk, busybox's included ----------
# Prepend to an awk program: csv_split(LINE, ARRAY) returns the field count; col[NAME] is set
# from the first line by csv_header(LINE).
CSV_AWK='
function csv_split(line, f,    n, i, c, cur, inq) {
	n = 0; cur = ""; inq = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (inq) {
			if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ } else inq = 0 }
			else cur = cur c
		} else if (c == "\"") inq = 1
		else if (c == ",") { f[++n] = cur; cur = "" }
		else cur = cur c
	}
	f[++n] = cur
	return n
}
function csv_header(line,    h, n, i) { n = csv_split(line, h); for (i = 1; i <= n; i++) col[h[i]] = i }
'
# Shifts a sampler file's times so 0 is ORIGIN_MS (epoch), prefixing each row with PREFIX.
sampler_rows() { # FILE SAMPLER_START_MS ORIGIN_MS PREFIX
	awk -F, -v off="$((($3 - $2)))" -v pre="$4" 'NR > 1 { printf "%s,%.3f,%s,%s,%s,%s\n", pre, $1 - off / 1000, $2, $3, $4, $5 }' "$1"
}

# A --spec line for N guests of TYPE running APP ('shell quotes' around every word).
spec_line() { # TYPE N APP
	local w s=""
	while IFS= read -r w; do s="$s '${w//\'/\'\\\'\'}'"; done < <(type_pop_args "$1")
	echo "${s# } -n $2 -m $(type_mem "$1") --app '$3'"
}

# --- does a guest run at all? ------------------------------------------------------------------
FITS_APP="app=pattern pattern=A n=20 sleep=0 laps=1"
FITS_MARK="lap 1 fib(20) = 10946"
# Does TYPE run pattern A under VMM (tinyvmm | qemu-pc | qemu-microvm) in KIB of RAM? The
# app's lap line is the proof; the VM is ended as soon as it shows (microvm cannot power off).
vm_fits() { # VMM TYPE KIB
	local vmm=$1 type=$2 kib=$3 log=$WORK/fits.log pid t0 limit=$FITS_LIMIT_S
	local -a cmd
	# Linux in too little RAM tends to hang rather than panic: a failing probe costs the limit
	[ "$type" = tcl ] && limit=$FITS_LIMIT_TCL_S
	if [ "$vmm" = tinyvmm ]; then
		mapfile -t cmd < <(type_run_args "$type")
		cmd=("$TVMM" run -m "${kib}K" "${cmd[@]}" -app "$FITS_APP" -screen none -no-reboot)
	else
		mapfile -t cmd < <(qemu_cmd "${vmm#qemu-}" "$type" "${kib}K" "$FITS_APP" "${type}_1")
		cmd+=(-serial stdio)
	fi
	cmd_note "$vmm" "$type" "${cmd[@]}"
	"${cmd[@]}" </dev/null >"$log" 2>&1 &
	pid=$!
	t0=$(now_ms)
	while kill -0 "$pid" 2>/dev/null && ! grep -qF "$FITS_MARK" "$log" &&
		[ $(($(now_ms) - t0)) -lt $((limit * 1000)) ]; do
		sleep 0.2
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -qF "$FITS_MARK" "$log"
}

# Whether QEMU's MACHINE runs TYPE here (pattern A at the type's RAM; for a type QEMU cannot
# give an app, the first line of the image's own), asked once per run; QEMU_WHY says what it
# printed when it does not.
qemu_machine_ok() { # MACHINE TYPE
	local mark=$WORK/qemu-ok-$1-$2 fits_mark=$FITS_MARK
	type_qemu_app "$2" || fits_mark="Starting infinite loop"
	if [ ! -e "$mark" ]; then
		if FITS_MARK=$fits_mark vm_fits "qemu-$1" "$2" $(($(type_mem "$2") * 1024)); then echo ok >"$mark"
		else echo "QEMU -M $1 does not run the $2 guest here: $(tail -c 160 "$WORK/fits.log" | tr '\n\r' '  ')" >"$mark"; fi
	fi
	QEMU_WHY=$(cat "$mark")
	[ "$QEMU_WHY" = ok ]
}
