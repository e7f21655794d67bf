#!/bin/bash
# make bench: boot time and host memory of tinyvmm against QEMU on the same tiny guest; CSV in build/bench/.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
RUNS=${BENCH_RUNS:-10}
OUT=$B/bench
mkdir -p "$OUT"
GUEST=$B/tests/guests/hello
IDLE=$B/tests/guests/idle
TVMM=$B/tinyvmm
QEMU=$(command -v qemu-system-x86_64 || true)

have_kvm() { [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; }

now_ns() { date +%s%N; }

# time_runs NAME CMD...: RUNS timed runs; one CSV row each: tool,run,ms,exit
time_runs() {
	local name=$1
	shift
	for i in $(seq 1 "$RUNS"); do
		local t0 t1 rc
		t0=$(now_ns)
		timeout 60 "$@" >/dev/null 2>&1 </dev/null
		rc=$?
		t1=$(now_ns)
		echo "$name,$i,$(((t1 - t0) / 1000)),$rc" | awk -F, '{printf "%s,%s,%.3f,%s\n",$1,$2,$3/1000,$4}'
	done
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n",(a[NR/2]+a[NR/2+1])/2}'; }

boot_csv=$OUT/boot_time.csv
mem_csv=$OUT/memory.csv
echo "tool,run,ms,exit" >"$boot_csv"
echo "tool,rss_kb,pss_kb,private_dirty_kb" >"$mem_csv"

echo "tinyvmm bench: $($TVMM --version | tr '\n' ' ')"
if ! have_kvm; then
	echo "tinyvmm bench: no usable /dev/kvm on this host: nothing to measure." >&2
	echo "tinyvmm,n/a,n/a,no-kvm" >>"$boot_csv"
	echo "tinyvmm,n/a,n/a,n/a" >>"$mem_csv"
	exit 0
fi

# --- boot to exit: a multiboot guest that prints a line and writes port 0xf4 ---
time_runs tinyvmm "$TVMM" run -m 4 -kernel "$GUEST" -serial none >>"$boot_csv"
if [ -n "$QEMU" ]; then
	QARGS=(-enable-kvm -m 4 -kernel "$GUEST" -display none -serial none -no-reboot
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	time_runs qemu-microvm "$QEMU" -M microvm "${QARGS[@]}" >>"$boot_csv"
	time_runs qemu-pc "$QEMU" -M pc "${QARGS[@]}" >>"$boot_csv"
fi

echo
echo "boot to exit, median of $RUNS runs (ms):"
for tool in tinyvmm qemu-microvm qemu-pc; do
	rows=$(grep "^$tool," "$boot_csv")
	[ -n "$rows" ] || continue
	printf '  %-14s %s  (exit statuses: %s)\n' "$tool" "$(echo "$rows" | cut -d, -f3 | median)" \
		"$(echo "$rows" | cut -d, -f4 | sort -u | tr '\n' ' ')"
done

# --- host memory of a running guest: start it, wait for its line, read smaps_rollup ---
mem_of() {
	local name=$1
	shift
	local log
	log=$(mktemp)
	"$@" >"$log" 2>&1 </dev/null &
	local pid=$!
	for _ in $(seq 1 200); do
		grep -q ready "$log" && break
		sleep 0.05
	done
	sleep 0.2
	if [ -r /proc/$pid/smaps_rollup ]; then
		awk -v n="$name" '/^Rss:/{r=$2} /^Pss:/{p=$2} /^Private_Dirty:/{d=$2}
			END {printf "%s,%s,%s,%s\n", n, r, p, d}' /proc/$pid/smaps_rollup
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$log"
}

if [ -f "$IDLE" ]; then
	mem_of tinyvmm "$TVMM" run -m 4 -kernel "$IDLE" >>"$mem_csv"
	if [ -n "$QEMU" ]; then
		mem_of qemu-microvm "$QEMU" -M microvm -enable-kvm -m 4 -kernel "$IDLE" -display none \
			-serial stdio >>"$mem_csv"
		mem_of qemu-pc "$QEMU" -M pc -enable-kvm -m 4 -kernel "$IDLE" -display none \
			-serial stdio >>"$mem_csv"
	fi
	echo
	echo "host memory with one idle guest (KiB):"
	column -t -s, "$mem_csv" | sed 's/^/  /'
fi
echo
echo "CSV: $boot_csv $mem_csv"
