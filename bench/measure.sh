#!/bin/sh
# bench/measure.sh: takes the bench figures on this machine's /dev/kvm and writes them as CSV (POSIX sh: it also runs under the nested VM's busybox).
#
# Usage: bench/measure.sh --host LABEL --build DIR --out DIR [--runs N] [--mem-runs N]
#                         [--pit-runs N] [--pop-vms N] [--grub-runs N] [--commit ID] [--no-qemu]
#                         [--sections "boot memory pit cost exits grub l4 pop tcl bm"] [--emit]
#   LABEL    hardware | kvm_pvm | nested-tcg: goes into every CSV row, since figures from
#            the nested VM are only comparable with each other
#   --emit   also print each CSV row as it is written ("BENCH-ROW file.csv row"), each step
#            before it starts ("BENCH-STEP ..."), each finished section ("BENCH-DONE name")
#            and each failure ("BENCH-FAIL ..."), for bench/run.sh to collect from a VM
#            whose files vanish with it, and that may freeze part-way (see bench/README.md)
# Exit status: 0 when every figure asked for was measured; 1 otherwise (the reasons are
# printed last).
set -u

HOST="" BUILD="" OUT="" COMMIT="" EMIT=0 RUNS=10 MEM_RUNS=3 PIT_RUNS=5 POP_VMS=16 GRUB_RUNS=10
WITH_QEMU=1
SECTIONS="boot memory pit cost exits grub l4 pop tcl bm"
while [ $# -gt 0 ]; do
	case $1 in
	--host) HOST=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--commit) COMMIT=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--mem-runs) MEM_RUNS=$2; shift 2 ;;
	--pit-runs) PIT_RUNS=$2; shift 2 ;;
	--pop-vms) POP_VMS=$2; shift 2 ;;
	--grub-runs) GRUB_RUNS=$2; shift 2 ;;
	--no-qemu) WITH_QEMU=0; shift ;;
	--sections) SECTIONS=$2; shift 2 ;;
	--emit) EMIT=1; shift ;;
	*) echo "bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [ -z "$HOST" ] || [ -z "$BUILD" ] || [ -z "$OUT" ]; then
	echo "usage: $0 --host LABEL --build DIR --out DIR [options]" >&2
	exit 2
fi

# The nested VM's busybox has only a handful of applet links: make the rest.
if ! command -v awk >/dev/null 2>&1 && command -v busybox >/dev/null 2>&1; then
	mkdir -p /tmp/bench-applets && busybox --install -s /tmp/bench-applets
	PATH=/tmp/bench-applets:$PATH
fi
PATH=$PATH:/usr/bin:/usr/local/bin
export PATH

TVMM=$BUILD/tinyvmm
TIMEIT=$BUILD/bench-tools/timeit
HELLO=$BUILD/tests/guests/hello
IDLE=$BUILD/tests/guests/idle
PIT_GUESTS=$BUILD/bench-tools/guests
PIT_RATES="1000 100"
PIT_SECONDS=3 # the Makefile builds pit_idle_<HZ>hz with 3 * HZ ticks
GUEST_MB=4
SETTLE_MS=1000 # after "ready", before reading smaps: let the VMM finish its start-up
QEMU=$(command -v qemu-system-x86_64 || true)
DEBUG_EXIT="isa-debug-exit,iobase=0xf4,iosize=0x04"

FAILED=""
fail() {
	FAILED="$FAILED
  - $*"
	[ "$EMIT" = 1 ] && echo "BENCH-FAIL $SECTION: $*"
}
SECTION=setup

for f in "$TVMM" "$TIMEIT" "$HELLO" "$IDLE"; do
	[ -e "$f" ] || { echo "bench: missing $f (make bench builds it)" >&2; exit 1; }
done
if [ "$WITH_QEMU" = 1 ] && [ -z "$QEMU" ]; then
	fail "qemu-system-x86_64 not found: no QEMU baseline (install qemu-system-x86, or BENCH_QEMU=0)"
	WITH_QEMU=0
fi
mkdir -p "$OUT" || exit 1
ERRLOG=$OUT/errors.log # what the VMMs said on stderr
: >"$ERRLOG"

# put FILE < lines: appends them to the CSV and, with --emit, prints each as it goes.
put() {
	while IFS= read -r l; do
		echo "$l" >>"$1"
		[ "$EMIT" = 1 ] && echo "BENCH-ROW ${1##*/} $l"
	done
	return 0
}
# new_csv FILE HEADER
new_csv() {
	: >"$1"
	echo "$2" | put "$1"
}
step() { [ "$EMIT" = 1 ] && echo "BENCH-STEP $SECTION: $*"; return 0; }

# fields "k1 k2 ..." < timeit line: the values of those keys, comma-separated.
fields() {
	awk -v keys="$1" '{
		for (i = 1; i <= NF; i++) { p = index($i, "="); v[substr($i, 1, p - 1)] = substr($i, p + 1) }
		n = split(keys, k, " ")
		for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? "," : ""), v[k[i]]
		printf "\n"
	}'
}

# exit_rows PREFIX FILE: tinyvmm -exit-stats in FILE as CSV rows "PREFIX,key,count": the total
# exits to user space, port accesses per device, BIOS service calls.
exit_rows() {
	awk -v pre="$1" '
		/ exits to user space in / {
			for (i = 1; i <= NF; i++) if ($i == "exits" && $(i + 1) == "to") print pre ",exits to user space," $(i - 1)
		}
		/^  port accesses by device/ {
			s = substr($0, index($0, "): ") + 3); n = split(s, a, /, /)
			for (i = 1; i <= n; i++) { name = a[i]; sub(/ [0-9]+$/, "", name); c = a[i]; sub(/.* /, "", c); print pre ",device:" name "," c }
		}
		/^  BIOS service calls / { print pre ",BIOS service calls," $4 }' "$2"
}

# wait_app_starts DIR N MAX_S: waits until the report files DIR/r* hold N app-start reports
# (at most MAX_S seconds); prints how many they hold.
wait_app_starts() {
	waited=0
	while [ "$(cat "$1"/r* 2>/dev/null | grep -c app-start)" -lt "$2" ] && [ $waited -lt "$3" ]; do
		sleep 1
		waited=$((waited + 1))
	done
	cat "$1"/r* 2>/dev/null | grep -c app-start
}

# Kernel thread names end in the VMM's pid ("kvm-pit/123"): drop it so runs compare.
unpid() { sed 's/\([a-z]\)[-/][0-9][0-9]*/\1/g'; }

# not_ok FILE COLUMN VALUE TOOL: how many rows of that tool (all rows if empty) lack VALUE.
not_ok() {
	awk -F, -v c="$2" -v want="$3" -v t="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		(t == "" || $2 == t) && $k != want { n++ }
		END { print n + 0 }' "$1"
}

# timed TOOL GUEST [timeit options]: one timeit run of GUEST under TOOL, its stdout to timeit.
timed() {
	tool=$1 guest=$2
	shift 2
	case $tool in
	tinyvmm*) "$TIMEIT" "$@" -- "$TVMM" run -m $GUEST_MB -kernel "$guest" ;;
	qemu-microvm | qemu-pc)
		"$TIMEIT" "$@" -- "$QEMU" -M "${tool#qemu-}" -enable-kvm -m $GUEST_MB -kernel "$guest" \
			-display none -serial stdio -no-reboot -device "$DEBUG_EXIT" ;;
	esac
}

TOOLS=tinyvmm
[ "$WITH_QEMU" = 1 ] && TOOLS="tinyvmm qemu-microvm qemu-pc"

# --- environment (every time: bench/run.sh keeps the last) ------------------------------
env_csv=$OUT/environment.csv
cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo | tr -d ,)
backend=$("$TVMM" info 2>/dev/null | awk '/^backend:/ {print $2}')
qv=""
[ -n "$QEMU" ] && qv=$("$QEMU" --version | awk 'NR == 1 {print $4}')
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
new_csv "$env_csv" "host,kernel,cpu,cpus,kvm_backend,thp,tinyvmm,commit,qemu"
echo "$HOST,$(uname -r),$cpu,$(grep -c ^processor /proc/cpuinfo),$backend,$thp,$("$TVMM" --version |
	awk 'NR == 1 {print $2}'),$COMMIT,$qv" | put "$env_csv"

# --- boot to exit: hello prints a line and leaves through port 0xf4 (status 1) ----------
# The tools take turns run by run, so a drift in the machine's speed hits all of them alike.
section_boot() {
	boot_csv=$OUT/boot_time.csv
	new_csv "$boot_csv" "host,tool,run,wall_ms,user_ms,sys_ms,status"
	echo "bench [$HOST]: boot to exit, $RUNS runs each of: $TOOLS"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		for t in $TOOLS; do
			step "$t run $i"
			line=$(timed "$t" "$HELLO" -t 300 -p 0 2>>"$ERRLOG")
			echo "$HOST,$t,$i,$(echo "$line" | fields "wall_ms user_ms sys_ms status")" | put "$boot_csv"
		done
		i=$((i + 1))
	done
	for t in $TOOLS; do
		bad=$(not_ok "$boot_csv" status 1 "$t")
		[ "$bad" -eq 0 ] || fail "boot to exit: $bad of $RUNS $t runs did not end with status 1"
	done
	: >"$OUT/boot_ratio.csv"
	boot_ratios "$boot_csv" | put "$OUT/boot_ratio.csv"
}

# boot_ratios BOOT_CSV: per tool, the medians of its runs that ended with status 1 and their
# ratio to qemu-microvm's (the issue's start-to-exit target is tinyvmm <= 0.06 x microvm);
# the ratios stay empty without a microvm figure.
boot_ratios() {
	awk -F, -v host="$HOST" '
		function med(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["status"] == 1 {
			t = $c["tool"]
			if (!(t in n)) order[++nt] = t
			k = ++n[t]; w[t, k] = $c["wall_ms"] + 0; u[t, k] = $c["user_ms"] + $c["sys_ms"]
		}
		END {
			print "host,tool,runs,wall_ms_median,cpu_ms_median,wall_ratio_vs_microvm,cpu_ratio_vs_microvm"
			for (i = 1; i <= nt; i++) {
				t = order[i]
				for (k = 1; k <= n[t]; k++) { a[k] = w[t, k]; b[k] = u[t, k] }
				mw[t] = med(a, n[t]); mc[t] = med(b, n[t])
			}
			for (i = 1; i <= nt; i++) {
				t = order[i]
				rw = ("qemu-microvm" in mw) && mw["qemu-microvm"] > 0 ? sprintf("%.3f", mw[t] / mw["qemu-microvm"]) : ""
				rc = ("qemu-microvm" in mc) && mc["qemu-microvm"] > 0 ? sprintf("%.3f", mc[t] / mc["qemu-microvm"]) : ""
				printf "%s,%s,%d,%.1f,%.1f,%s,%s\n", host, t, n[t], mw[t], mc[t], rw, rc
			}
		}' "$1"
}

# --- host memory with one idle guest (prints "ready", then halts) -----------------------
MEM_KEYS="rss_kb pss_kb private_dirty_kb anon_kb anon_huge_kb guest_rss_kb threads kthreads kthread_names ready_ms"
mem_run() { # TOOL RUN-LABEL
	step "$1 run $2"
	line=$(timed "$1" "$IDLE" -t 300 -r ready -m -s $SETTLE_MS -g $((GUEST_MB * 1024)) 2>>"$ERRLOG")
	echo "$HOST,$1,$2,$(echo "$line" | fields "$MEM_KEYS" | unpid)" | put "$mem_csv"
}
section_memory() {
	mem_csv=$OUT/memory.csv
	new_csv "$mem_csv" "host,tool,run,$(echo "$MEM_KEYS" | tr ' ' ,)"
	echo "bench [$HOST]: host memory with one idle guest, $MEM_RUNS runs each"
	i=1
	while [ "$i" -le "$MEM_RUNS" ]; do
		for t in $TOOLS; do
			mem_run "$t" "$i"
		done
		i=$((i + 1))
	done
	# The nested VM's kernel backs anonymous memory with transparent huge pages ("always"),
	# so the guest's first touch costs a 2 MiB page. In that throw-away VM tinyvmm is
	# measured once more with THP on request only, to show the 4 KiB pages really touched.
	thp_file=/sys/kernel/mm/transparent_hugepage/enabled
	mem_tools=$TOOLS
	if [ "$HOST" = nested-tcg ] && [ -w $thp_file ] && grep -q '\[always\]' $thp_file; then
		echo madvise >$thp_file
		i=1
		while [ "$i" -le "$MEM_RUNS" ]; do
			mem_run tinyvmm-thp-madvise "$i"
			i=$((i + 1))
		done
		echo always >$thp_file
		mem_tools="$TOOLS tinyvmm-thp-madvise"
	fi
	for t in $mem_tools; do
		bad=$(not_ok "$mem_csv" rss_kb "" "$t" | awk -v n="$MEM_RUNS" '{print n - $1}')
		[ "$bad" -eq 0 ] || fail "memory: $bad of $MEM_RUNS $t runs never printed 'ready'"
	done
}

# --- the PIT: tinyvmm's user-space 8254 against KVM_CREATE_PIT2 --------------------------
# The guest prints "ready", starts channel 0, halts between ticks until it has counted
# PIT_SECONDS * HZ of them, then prints "ticks: N" and exits. The tick phase runs from
# "ready" to "ticks:"; CPU time is sampled at both (the in-kernel PIT's kernel thread is not
# part of tinyvmm's rusage, so it is read apart, from its /proc schedstat).
PIT_KEYS="wall_ms ready_ms done_ms user_ms sys_ms cpu_at_ready_ms cpu_at_done_ms kthread_cpu_at_ready_ms kthread_cpu_at_done_ms threads kthreads kthread_names status"
pit_run() { # PIT GUEST
	"$TIMEIT" -t 300 -p 100 -r ready -d "ticks:" -- "$TVMM" run -m $GUEST_MB -pit "$1" -kernel "$2" 2>>"$ERRLOG"
}
section_pit() {
	pit_csv=$OUT/pit.csv
	new_csv "$pit_csv" "host,pit,hz,ticks,run,$(echo "$PIT_KEYS" | tr ' ' ,)"
	echo "bench [$HOST]: PIT user vs kvm at $PIT_RATES Hz, $PIT_RUNS runs each"
	for hz in $PIT_RATES; do
		g=$PIT_GUESTS/pit_idle_${hz}hz
		[ -e "$g" ] || { fail "PIT: missing $g"; continue; }
		i=1
		while [ "$i" -le "$PIT_RUNS" ]; do
			for pit in user kvm; do
				step "-pit $pit $hz Hz run $i"
				line=$(pit_run $pit "$g")
				echo "$HOST,$pit,$hz,$((hz * PIT_SECONDS)),$i,$(echo "$line" | fields "$PIT_KEYS" | unpid)" |
					put "$pit_csv"
			done
			i=$((i + 1))
		done
	done
	bad=$(not_ok "$pit_csv" status 1 "")
	[ "$bad" -eq 0 ] || fail "PIT: $bad runs did not end with status 1"
}

# --- what the in-kernel PIT's thread costs the kernel: POP_VMS idle guests at once --------
# Both ways start the same VMs, so the differences in kernel stacks, slab and used memory
# between them are the in-kernel PIT's (its kthread worker, stack and state), per VM.
meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }
count_kthreads() { # -> "all kvm-pit"
	all=0 npit=0
	for c in /proc/[0-9]*/comm; do
		read -r name <"$c" 2>/dev/null || continue
		case $name in
		kvm-pit/*) all=$((all + 1)) npit=$((npit + 1)) ;;
		kvm-nx-lpage-recovery*) all=$((all + 1)) ;;
		esac
	done
	echo "$all $npit"
}
section_cost() {
	cost_csv=$OUT/pit_kernel_cost.csv
	new_csv "$cost_csv" "host,pit,vms,ready,kthreads,kvm_pit_threads,kernel_stack_kb,slab_kb,page_tables_kb,mem_used_kb"
	echo "bench [$HOST]: kernel cost of -pit user vs kvm with $POP_VMS idle guests at once"
	# The first round only warms up (caches, slabs growing for the first time); not kept.
	for pit in warmup user kvm; do
		step "$POP_VMS VMs, $pit"
		mode=$pit
		[ "$pit" = warmup ] && mode=user
		sleep 1
		ks0=$(meminfo KernelStack) sl0=$(meminfo Slab) pt0=$(meminfo PageTables) ma0=$(meminfo MemAvailable)
		dir=$(mktemp -d) pids=""
		i=1
		while [ "$i" -le "$POP_VMS" ]; do
			"$TVMM" run -m $GUEST_MB -pit "$mode" -kernel "$IDLE" >"$dir/$i" 2>>"$ERRLOG" </dev/null &
			pids="$pids $!"
			i=$((i + 1))
		done
		waited=0 ready=0
		while [ "$waited" -lt 600 ]; do
			ready=$(grep -l ready "$dir"/* 2>/dev/null | wc -l)
			[ "$ready" -ge "$POP_VMS" ] && break
			sleep 0.5
			waited=$((waited + 1))
		done
		sleep 1
		ks1=$(meminfo KernelStack) sl1=$(meminfo Slab) pt1=$(meminfo PageTables) ma1=$(meminfo MemAvailable)
		kt=$(count_kthreads)
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		wait
		rm -rf "$dir"
		[ "$pit" = warmup ] && continue
		echo "$HOST,$pit,$POP_VMS,$ready,${kt% *},${kt#* },$((ks1 - ks0)),$((sl1 - sl0)),$((pt1 - pt0)),$((ma0 - ma1))" |
			put "$cost_csv"
		[ "$ready" -ge "$POP_VMS" ] || fail "PIT kernel cost: only $ready of $POP_VMS -pit $pit guests became ready"
	done
}

# --- exits and interrupts, counted by KVM's trace events (root and tracefs only) -------
# One extra run per case with hist triggers keyed by thread id, kept apart from the timed
# runs above; only the threads of that tinyvmm and its KVM kernel threads are counted.
HISTS="kvm_exit:exit_reason kvm_userspace_exit:reason kvm_set_irq:gsi kvm_inj_virq:vector"
hist_spec() { echo "hist:keys=common_pid,$1:size=4096"; }
hist_off() { # [HISTS]
	for h in ${1:-$HISTS}; do
		echo "!$(hist_spec "${h#*:}")" >"$T/events/kvm/${h%%:*}/trigger" 2>/dev/null
	done
}
hist_on() { # HISTS: fresh (empty) histograms
	hist_off "$1"
	for h in $1; do
		hist_spec "${h#*:}" >"$T/events/kvm/${h%%:*}/trigger"
	done
}
# Sets T to a tracefs with KVM's events; false when there is none we may write (not root).
find_tracefs() {
	T=/sys/kernel/tracing
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	[ -d $T/events/kvm ] || T=/sys/kernel/debug/tracing
	[ -w $T/events/kvm/kvm_exit/trigger ]
}
section_exits() {
	exits_csv=$OUT/pit_exits.csv
	new_csv "$exits_csv" "host,pit,hz,event,key,count"
	if ! find_tracefs; then
		echo "bench [$HOST]: no writable tracefs with KVM events (needs root): exits not counted"
		echo "$HOST,,,none,tracefs unavailable," | put "$exits_csv"
		return 0
	fi
	echo "bench [$HOST]: counting exits with KVM trace events, one run per case"
	for hz in $PIT_RATES; do
		g=$PIT_GUESTS/pit_idle_${hz}hz
		[ -e "$g" ] || continue
		for pit in user kvm; do
			step "traced -pit $pit $hz Hz"
			hist_on "$HISTS"
			line=$(pit_run $pit "$g")
			ids=$(echo "$line" | fields "tids kthread_pids" | tr , ' ')
			for h in $HISTS; do
				ev=${h%%:*} key=${h#*:}
				awk -v ids="$ids" -v ev="$ev" -v key="$key" -v pre="$HOST,$pit,$hz" '
					BEGIN { n = split(ids, a, " "); for (i = 1; i <= n; i++) ours[a[i]] = 1 }
					index($0, "{ common_pid:") == 1 {
						gsub(/[{}:,]/, " ")
						if (($2 in ours) && $3 == key) c[$4] += $6
					}
					END { for (k in c) print pre "," ev "," k "," c[k] }
				' "$T/events/kvm/$ev/hist" | put "$exits_csv"
			done
		done
	done
	hist_off
}

# shellcheck source=bench/grub.sh
. "$(dirname "$0")/grub.sh"
# shellcheck source=bench/l4.sh
. "$(dirname "$0")/l4.sh"
# shellcheck source=bench/pop.sh
. "$(dirname "$0")/pop.sh"
# shellcheck source=bench/tcl.sh
. "$(dirname "$0")/tcl.sh"
# shellcheck source=bench/bm.sh
. "$(dirname "$0")/bm.sh"

for SECTION in $SECTIONS; do
	case $SECTION in
	boot | memory | pit | cost | exits | grub | l4 | pop | tcl | bm) "section_$SECTION" ;;
	*) fail "unknown section '$SECTION'"; continue ;;
	esac
	[ "$EMIT" = 1 ] && echo "BENCH-DONE $SECTION"
done

if [ -n "$FAILED" ]; then
	echo "bench [$HOST]: could not measure everything:$FAILED" >&2
	if [ -s "$ERRLOG" ]; then
		echo "bench [$HOST]: the last lines the VMMs wrote to stderr:" >&2
		tail -n 20 "$ERRLOG" | sed 's/^/  | /' >&2
	fi
	exit 1
fi
exit 0
