#!/bin/bash
# make bench: boot-to-exit time, host memory, the PIT choice, GRUB boots and the thesis's guests, tinyvmm against QEMU; CSV in BUILD/bench/, summary last.
#
# Usage: bench/run.sh [BUILD_DIR]   (default build; make bench builds what it needs first)
# With a usable /dev/kvm the figures are taken here (host type hardware or kvm_pvm). Without
# one they are taken inside the nested KVM of tests/nested/run.sh (host type nested-tcg),
# with this machine's QEMU, its libraries and firmware copied in for the baseline; the CSVs
# come back over the VM's console.
# Knobs: BENCH_RUNS (boot runs per tool, default 10), BENCH_MEM_RUNS (3), BENCH_PIT_RUNS (5),
# BENCH_POP_VMS (idle VMs at once for the PIT's kernel cost, 16), BENCH_GRUB_RUNS (GRUB boots
# per tool and medium, 10), BENCH_QEMU=0 (no QEMU baseline), BENCH_NESTED=0 (never use the
# nested VM), BENCH_SECTIONS (a subset of "boot memory pit cost exits grub l4 pop tcl bm"; the CSVs of
# the others are removed all the same). The l4, pop, tcl and bm sections' own knobs are at the
# top of bench/l4.sh, pop.sh, tcl.sh and bm.sh.
# Exit status: 0 when everything asked for was measured, non-zero otherwise (it says why).
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)
B=$(cd "${1:-build}" && pwd) || exit 2
OUT=$B/bench
TVMM=$B/tinyvmm

die() {
	echo "bench: $*" >&2
	exit 1
}

for f in "$TVMM" "$B/bench-tools/timeit" "$B/tests/guests/hello" "$B/tests/guests/idle"; do
	[ -e "$f" ] || die "missing $f: run 'make bench', which builds it"
done

ALL_SECTIONS="boot memory pit cost exits grub l4 pop tcl bm"
sections=${BENCH_SECTIONS:-$ALL_SECTIONS}
for s in $sections; do
	[[ " $ALL_SECTIONS " == *" $s "* ]] || die "BENCH_SECTIONS: unknown section '$s' (known: $ALL_SECTIONS)"
done
[ -n "${sections// /}" ] || die "BENCH_SECTIONS is empty"
requested=" $sections "

args=(--runs "${BENCH_RUNS:-10}" --mem-runs "${BENCH_MEM_RUNS:-3}" --pit-runs "${BENCH_PIT_RUNS:-5}"
	--pop-vms "${BENCH_POP_VMS:-16}" --grub-runs "${BENCH_GRUB_RUNS:-10}")
[ "${BENCH_QEMU:-1}" = 0 ] && args+=(--no-qemu)
commit=$(git rev-parse --short HEAD 2>/dev/null) &&
	{ git diff --quiet HEAD 2>/dev/null || commit=$commit-dirty; } && args+=(--commit "$commit")
for n in "${BENCH_RUNS:-10}" "${BENCH_MEM_RUNS:-3}" "${BENCH_PIT_RUNS:-5}" "${BENCH_POP_VMS:-16}" \
	"${BENCH_GRUB_RUNS:-10}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS, BENCH_MEM_RUNS, BENCH_PIT_RUNS, BENCH_POP_VMS and BENCH_GRUB_RUNS must be positive integers"
done

mkdir -p "$OUT" || die "cannot create $OUT"
rm -f "$OUT"/*.csv "$OUT"/console*.log "$OUT"/failures.txt

have_kvm() { [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; }

# The L4 and bm guests' instruction counts come from QEMU TCG traces on this machine, KVM or
# not: bench/l4_insns.sh and bench/bm_insns.sh, each when its section was asked for.
insns_status=0
count_insns() {
	local g
	for g in l4 bm; do
		[[ $requested == *" $g "* ]] || continue
		echo "bench: counting the $g guest's instructions under QEMU TCG (bench/${g}_insns.sh)"
		bench/"${g}"_insns.sh "$B" "$OUT/${g}_insns.csv" >/dev/null || {
			echo "bench: bench/${g}_insns.sh failed" >&2
			insns_status=1
		}
	done
}

if have_kvm; then
	case $("$TVMM" info 2>/dev/null | awk '/^backend:/ {print $2}') in
	kvm_pvm) host=kvm_pvm ;;
	kvm_amd | kvm_intel) host=hardware ;;
	*) host=unknown ;;
	esac
	bench/measure.sh --host "$host" --build "$B" --out "$OUT" --sections "$sections" "${args[@]}"
	rc=$?
	count_insns
	[ "$rc" = 0 ] && rc=$insns_status
	echo
	bench/summary.sh "$OUT"
	echo
	echo "CSV: $(ls "$OUT"/*.csv 2>/dev/null | tr '\n' ' ')"
	[ "$rc" = 0 ] || echo "bench: measure.sh failed (status $rc): see the reasons above" >&2
	exit "$rc"
fi

[ "${BENCH_NESTED:-1}" = 0 ] && die "no usable /dev/kvm here and BENCH_NESTED=0: nothing measured"

# --- no /dev/kvm: measure inside the nested KVM ------------------------------------------
echo "bench: no usable /dev/kvm here: measuring inside a QEMU TCG VM that emulates AMD-V"
echo "       (tests/nested/run.sh). Figures from there are RELATIVE: host type nested-tcg."

# QEMU for the baseline, and the files -M microvm and -M pc load with -kernel: it looks
# for them beside its binary (../share/qemu, ../share/seabios, ../lib/ipxe/qemu).
extra=("$TOP/bench")
if [ "${BENCH_QEMU:-1}" != 0 ]; then
	qemu=$(command -v qemu-system-x86_64) ||
		die "qemu-system-x86_64 is not installed (scripts/bench-packages.txt), or set BENCH_QEMU=0"
	qemu=$(readlink -f "$qemu")
	pfx=$(dirname "$(dirname "$qemu")")
	extra+=("$qemu" "$pfx/share/seabios")
	for f in qboot.rom bios-microvm.bin kvmvapic.bin linuxboot.bin linuxboot_dma.bin \
		multiboot.bin multiboot_dma.bin pvh.bin; do
		extra+=("$pfx/share/qemu/$f")
	done
	extra+=("$pfx/lib/ipxe/qemu/efi-e1000.rom" "$pfx/lib/ipxe/qemu/pxe-e1000.rom")
	for f in "${extra[@]}"; do
		[ -e "$f" ] || die "QEMU file $f is missing: is qemu-system-x86 (with seabios, ipxe-qemu) installed?"
	done
fi

# The nested VM sometimes freezes outright (QEMU's TCG stops running it: no CPU time, no
# output; seen once in ~300 timed runs, never in the same place). measure.sh streams every
# row, step and finished section over the console, so a watchdog ends a VM that has been
# silent for BENCH_STALL_S seconds and a fresh one takes the unfinished sections over.
STALL_S=${BENCH_STALL_S:-300}
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1"); do
		echo "$c"
		descendants "$c"
	done
}
# Ends the nested run and everything under it: `timeout` puts QEMU in a process group of
# its own, so the session's group alone would leave the VM running.
end_tree() {
	local pids
	pids=$(descendants "$1")
	kill -- -"$1" 2>/dev/null
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
}
# The l4, pop, tcl and bm sections' knobs (numbers only) go into the VM with the command.
knobs=$(env | grep -E '^BENCH_(L4|POP|TCL|BM)_[A-Z_]+=[0-9]+$' | tr '\n' ' ')
TRIES=${BENCH_NESTED_TRIES:-5}
attempt=0 rc=0
rm -f "$OUT"/console.*.log
while [ -n "$sections" ] && [ "$attempt" -lt "$TRIES" ]; do
	attempt=$((attempt + 1))
	log=$OUT/console.$attempt.log
	: >"$log"
	echo "bench: nested VM run $attempt of at most $TRIES, sections: $sections"
	# Its own session, so the watchdog can end exactly this process group; stdbuf keeps
	# the console filter in tests/nested/run.sh line-buffered, so progress shows live.
	NESTED_EXTRA="${extra[*]}" TINYVMM_NESTED_TIMEOUT=${TINYVMM_NESTED_TIMEOUT:-3000} \
		setsid stdbuf -oL -eL tests/nested/run.sh "$B" env $knobs sh "$TOP/bench/measure.sh" \
		--host nested-tcg --build /payload/build --out /tmp/bench --emit \
		--sections "$sections" "${args[@]}" >"$log" 2>&1 </dev/null &
	pid=$!
	shown=0 size=0 quiet=0 stalled=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		n=$(wc -l <"$log")
		if [ "$n" -gt "$shown" ]; then
			sed -n "$((shown + 1)),${n}p" "$log" | grep -v -E '^BENCH-(ROW|STEP|DONE) '
			shown=$n
		fi
		new=$(stat -c %s "$log")
		if [ "$new" -ne "$size" ]; then
			size=$new quiet=0
		else
			quiet=$((quiet + 5))
		fi
		if [ "$quiet" -ge "$STALL_S" ]; then
			last=$(grep -a '^BENCH-STEP ' "$log" | tail -1 | cut -d' ' -f2-)
			echo "bench: the nested VM has been silent for ${STALL_S}s (last step: ${last:-none}): ending it"
			end_tree "$pid"
			stalled=1
			break
		fi
	done
	wait "$pid"
	rc=$?
	sed -n "$((shown + 1)),\$p" "$log" | grep -v -E '^BENCH-(ROW|STEP|DONE) '
	# Keep the rows of the sections this run finished; the others go to the next run.
	done_now=$(awk '$1 == "BENCH-DONE" {print $2}' "$log" | tr '\n' ' ')
	awk -v out="$OUT" -v done_now=" $done_now" '
		BEGIN {
			file["boot"] = "boot_time.csv boot_ratio.csv"; file["memory"] = "memory.csv"; file["pit"] = "pit.csv"
			file["cost"] = "pit_kernel_cost.csv"; file["exits"] = "pit_exits.csv"
			file["grub"] = "grub_time.csv grub_exits.csv"
			file["l4"] = "l4_minmem.csv l4_boot.csv l4_exits.csv l4_idle.csv l4_ipc.csv l4_fib.csv"
			file["pop"] = "pop.csv"
			file["tcl"] = "tcl_sizes.csv tcl_boot.csv tcl_exits.csv tcl_phases.csv tcl_minmem.csv tcl_idle.csv"
			file["bm"] = "bm_sizes.csv bm_minmem.csv bm_boot.csv bm_exits.csv bm_idle.csv bm_fib.csv"
			for (s in file) {
				if (!index(done_now " ", " " s " ")) continue
				n = split(file[s], names, " ")
				for (i = 1; i <= n; i++) keep[names[i]] = 1
			}
		}
		$1 == "BENCH-ROW" && $2 ~ /^[a-z0-9_]+\.csv$/ && ($2 in keep || $2 == "environment.csv") {
			f = out "/" $2
			if (!(f in started)) { started[f] = 1; printf "" > f }
			print substr($0, length($1) + length($2) + 3) >> f
		}
		$1 == "BENCH-FAIL" { split($2, w, ":"); if (index(done_now " ", " " w[1] " ")) print > (out "/failures.txt") }
	' "$log"
	left=""
	for s in $sections; do
		case " $done_now " in *" $s "*) ;; *) left="$left $s" ;; esac
	done
	sections=${left# }
	[ "$stalled" = 1 ] || [ -z "$sections" ] || break # the VM ended by itself: no retry
done

count_insns
echo
if ! ls "$OUT"/*.csv >/dev/null 2>&1; then
	echo "bench: the nested VM returned no figures (status $rc); its console is in $OUT/console.*.log" >&2
	[ "$rc" = 0 ] && rc=1
	exit "$rc"
fi
bench/summary.sh "$OUT"
echo
echo "CSV: $(ls "$OUT"/*.csv | tr '\n' ' ')"
echo "     (nested VM consoles: $(ls "$OUT"/console.*.log | tr '\n' ' '))"
status=0
if [ -n "$sections" ]; then
	echo "bench: not measured (the nested VM failed or froze $attempt times): $sections" >&2
	status=1
fi
if [ -s "$OUT/failures.txt" ]; then
	echo "bench: some measurements failed:" >&2
	sed 's/^BENCH-FAIL /  - /' "$OUT/failures.txt" >&2
	status=1
fi
[ "$insns_status" = 0 ] || status=1
exit "$status"
