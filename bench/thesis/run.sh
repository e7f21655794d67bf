#!/bin/bash
# make thesis: the thesis's chapters 4 and 5 regenerated: runs the experiments (here or in the nested KVM), then draws the figures and writes the report.
#
# Usage: bench/thesis/run.sh [BUILD_DIR]    (make thesis builds what it needs first)
# Environment: THESIS_SCALE=quick|full (default full), THESIS_OUT (default BUILD/thesis),
# THESIS_EXPERIMENTS (a subset of "sizes footprint patterns scaling boot mixed"),
# THESIS_QEMU=0 (no QEMU baseline), THESIS_NESTED=0 (never use the nested VM), and the
# scale's knobs (bench/thesis/scale.sh). Without a usable /dev/kvm the experiments run in
# the nested KVM of tests/nested/run.sh (host kind nested-tcg), with QEMU, bash and the
# firmware copied in; the rows come back over its console.
# The result replaces THESIS_OUT in one rename: a reader sees the old report or the new one.
# Exit status: 0 when every experiment measured everything; 1 when some figure is missing
# (the report says which and why); 2 for bad usage.
set -u
cd "$(dirname "$0")/../.." || exit 2
TOP=$(pwd)
B=$(cd "${1:-build}" && pwd) || { echo "thesis: no build directory '${1:-build}'" >&2; exit 2; }
SCALE=${THESIS_SCALE:-full}
case $SCALE in quick | full) ;; *) echo "thesis: THESIS_SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;; esac
OUT=${THESIS_OUT:-$B/thesis}
EXPS=${THESIS_EXPERIMENTS:-sizes footprint patterns scaling boot mixed}
T=$TOP/bench/thesis

die() { echo "thesis: $*" >&2; exit 1; }
command -v gnuplot >/dev/null || die "gnuplot is missing (scripts/thesis-packages.txt: gnuplot-nox); make thesis installs it"
[ -x "$B/tinyvmm" ] || die "missing $B/tinyvmm: run 'make thesis', which builds it"

# The new report is built beside the old one and swapped in at the end.
NEW=$(mktemp -d "$(dirname "$OUT")/.thesis-new.XXXXXX") || die "cannot create a directory beside $OUT"
trap 'rm -rf "$NEW"' EXIT
DATA=$NEW
start=$(date +%s)
have_kvm() { [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; }

# Console lines from measure.sh: rows to files, progress to the terminal (a live line is
# redrawn in place on a terminal, printed every 30 s otherwise).
LIVE_AT=0
show() {
	local l
	while IFS= read -r l; do
		case $l in
		THESIS-ROW\ *) ;;
		THESIS-LIVE\ *)
			if [ -t 1 ]; then printf '\r\033[K  %s' "${l#THESIS-LIVE }"
			elif [ $(($(date +%s) - LIVE_AT)) -ge 30 ]; then echo "  ${l#THESIS-LIVE }"; LIVE_AT=$(date +%s); fi ;;
		THESIS-STEP\ *) [ -t 1 ] && printf '\r\033[K'; echo "  ${l#THESIS-STEP }" ;;
		THESIS-DONE\ *) [ -t 1 ] && printf '\r\033[K'; echo "thesis: experiment ${l#THESIS-DONE } done ($(($(date +%s) - start)) s so far)" ;;
		thesis\ \[*\]:\ experiment\ *) [ -t 1 ] && printf '\r\033[K'; echo "${l}" ;;
		*) [ -t 1 ] && printf '\r\033[K'; echo "    | $l" ;;
		esac
	done
}

if have_kvm && [ "${THESIS_FORCE_NESTED:-0}" != 1 ]; then
	case $("$B/tinyvmm" info 2>/dev/null | awk '/^backend:/ {print $2}') in
	kvm_pvm) host=kvm_pvm ;;
	kvm_amd | kvm_intel) host=hardware ;;
	*) host=unknown ;;
	esac
	echo "thesis: $SCALE scale on this machine's KVM ($host): $EXPS"
	"$T/measure.sh" --host "$host" --build "$B" --out "$DATA" --scale "$SCALE" --experiments "$EXPS" --emit 2>&1 | show
else
	[ "${THESIS_NESTED:-1}" = 0 ] && die "no usable /dev/kvm here and THESIS_NESTED=0: nothing measured"
	host=nested-tcg
	echo "thesis: no usable /dev/kvm here: the experiments run inside a QEMU TCG VM that emulates"
	echo "        AMD-V (tests/nested/run.sh); figures from there are RELATIVE (host kind nested-tcg)"
	bash_bin=$(readlink -f /bin/bash) # /usr/bin/bash: the VM's own /bin is busybox's
	extra=("$T" "$bash_bin")
	if [ "${THESIS_QEMU:-1}" != 0 ]; then
		qemu=$(readlink -f "$(command -v qemu-system-x86_64)") || die "qemu-system-x86_64 is not installed (scripts/bench-packages.txt), or set THESIS_QEMU=0"
		pfx=$(dirname "$(dirname "$qemu")")
		extra+=("$qemu" "$pfx/share/seabios")
		for f in qboot.rom bios-microvm.bin kvmvapic.bin linuxboot.bin linuxboot_dma.bin multiboot.bin \
			multiboot_dma.bin pvh.bin; do extra+=("$pfx/share/qemu/$f"); done
		extra+=("$pfx/lib/ipxe/qemu/efi-e1000.rom" "$pfx/lib/ipxe/qemu/pxe-e1000.rom")
		for f in "${extra[@]}"; do [ -e "$f" ] || die "QEMU file $f is missing: is qemu-system-x86 (with seabios, ipxe-qemu) installed?"; done
	fi
	# The scale's knobs (numbers and word lists) go into the VM with the command.
	knobs=()
	while IFS= read -r kv; do knobs+=("$kv"); done < <(env | grep -E '^(SIZES|FITS|FOOT|PAT|SCAL|BOOT|MIX|QEMU_MIN)_[A-Z_0-9]+=[-a-z0-9 ]+$')
	[ "${THESIS_QEMU:-1}" = 0 ] && knobs+=(THESIS_QEMU=0)
	# Room for the thesis's populations: QEMU takes ~50 MB per VM here.
	mem=${THESIS_NESTED_MEM:-$([ "$SCALE" = quick ] && echo 2048 || echo 8192)}
	left=$EXPS attempt=0
	: >"$NEW/console.log"
	while [ -n "$left" ] && [ $attempt -lt "${THESIS_NESTED_TRIES:-2}" ]; do
		attempt=$((attempt + 1))
		log=$NEW/console.$attempt.log
		echo "thesis: nested VM run $attempt ($mem MiB), experiments: $left"
		NESTED_EXTRA="${extra[*]}" TINYVMM_NESTED_MEM=$mem TINYVMM_NESTED_TIMEOUT=${THESIS_NESTED_TIMEOUT:-9000} \
			stdbuf -oL -eL tests/nested/run.sh "$B" env "${knobs[@]}" "$bash_bin" "$T/measure.sh" --host nested-tcg \
			--build /payload/build --out /tmp/thesis --scale "$SCALE" --experiments "$left" --emit </dev/null 2>&1 |
			tee "$log" | show
		rc=${PIPESTATUS[0]}
		done_now=$(awk '$1 == "THESIS-DONE" { print $2 }' "$log" | tr '\n' ' ')
		# rows of the experiments this run finished, plus the run-wide files
		awk -v out="$DATA" -v done_now=" $done_now " '
			# which experiment writes each file; the run-wide ones are always kept
			function owner(f) {
				if (f ~ /^(sizes|minmem)\.csv$/) return "sizes"
				if (f ~ /^pattern_/) return "patterns"
				if (f ~ /^boot/) return "boot"
				if (f ~ /^mixed_/) return "mixed"
				if (f == "footprint.csv" || f == "scaling.csv") return substr(f, 1, index(f, ".") - 1)
				return ""
			}
			$1 == "THESIS-ROW" && $2 ~ /^[a-z0-9_]+\.csv$/ {
				o = owner($2)
				if (o != "" && !index(done_now, " " o " ")) next
				f = out "/" $2; line = substr($0, length($1) + length($2) + 3)
				if (!(f in seen)) { seen[f] = 1; if ((getline x < f) > 0) skiphdr[f] = 1; close(f) }
				if (skiphdr[f] && !(f in hdr)) { hdr[f] = 1; next }
				hdr[f] = 1
				print line >> f
			}' "$log"
		n=""
		for e in $left; do case " $done_now " in *" $e "*) ;; *) n="$n $e" ;; esac; done
		left=${n# }
		cat "$log" >>"$NEW/console.log" && rm -f "$log"
		[ "$rc" = 124 ] || break # only a frozen VM is tried again
	done
	[ -s "$DATA/failures.csv" ] || echo "host,experiment,reason" >"$DATA/failures.csv"
	for e in $left; do
		echo "$host,$e,\"the nested VM ended before this experiment finished (tests/nested/run.sh status $rc; see console.log)\"" >>"$DATA/failures.csv"
	done
fi

echo "thesis: drawing the figures and writing the report"
"$T/plot.sh" "$DATA" || echo "thesis: some figures could not be drawn (see the report)" >&2
"$T/report.sh" "$DATA" "$SCALE" "$(($(date +%s) - start))" >"$NEW/report.md" || die "report.sh failed"
"$T/html.sh" "$NEW/report.md" >"$NEW/report.html" || die "html.sh failed"

# Swap it in: OUT is a symbolic link to the finished run, replaced by one rename(2).
# one runs directory per OUT: two reports side by side (THESIS_OUT) must not prune each other
runs=$(dirname "$OUT")/.$(basename "$OUT")-runs
mkdir -p "$runs" || die "cannot create $runs"
final=$runs/$(date +%Y%m%d-%H%M%S)-$$
mv "$NEW" "$final" || die "cannot move the new report into $runs"
trap - EXIT
[ -d "$OUT" ] && [ ! -L "$OUT" ] && rm -rf "$OUT"
ln -sfn "$final" "$OUT.tmp-$$" && mv -T "$OUT.tmp-$$" "$OUT" || die "cannot point $OUT at $final"
for old in "$runs"/*; do [ "$old" = "$final" ] || rm -rf "$old"; done
echo "thesis: $(($(date +%s) - start)) s; report: $OUT/report.md and $OUT/report.html"
fails=$(awk 'END { print NR - 1 }' "$OUT/failures.csv" 2>/dev/null || echo 0)
if [ "${fails:-0}" -gt 0 ]; then
	echo "thesis: $fails figures could not be measured; the report says why:" >&2
	tail -n +2 "$OUT/failures.csv" | sed 's/^/  - /' >&2
	exit 1
fi
exit 0
