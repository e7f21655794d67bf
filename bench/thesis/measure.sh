#!/bin/bash
# bench/thesis/measure.sh: runs the thesis experiments where the KVM is (this machine, or inside the nested VM) and writes their CSVs.
#
# Usage: bench/thesis/measure.sh --host KIND --build DIR --out DIR [--scale quick|full]
#                                [--experiments "sizes footprint patterns scaling boot mixed"] [--emit]
#   KIND     hardware | kvm_pvm | nested-tcg: written into every row
#   --emit   also print every row ("THESIS-ROW file.csv row"), each finished experiment
#            ("THESIS-DONE name") and progress ("THESIS-STEP", "THESIS-LIVE") on stdout,
#            for run.sh to collect from a VM whose files vanish with it
# An experiment that fails leaves its reason in failures.csv and the next one still runs.
# Exit status: 0 when every experiment ran; 1 when some figure is missing (failures.csv).
set -u
HERE=${0%/*} # no dirname yet: the nested VM gets its applets below
HOST="" BUILD="" OUT="" SCALE=full EMIT=0
EXPERIMENTS="sizes footprint patterns scaling boot mixed"
while [ $# -gt 0 ]; do
	case $1 in
	--host) HOST=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--scale) SCALE=$2; shift 2 ;;
	--experiments) EXPERIMENTS=$2; shift 2 ;;
	--emit) EMIT=1; shift ;;
	*) echo "thesis: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$HOST" ] && [ -n "$BUILD" ] && [ -n "$OUT" ] || { echo "usage: $0 --host KIND --build DIR --out DIR [options]" >&2; exit 2; }
case $SCALE in quick | full) ;; *) echo "thesis: THESIS_SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;; esac

# The nested VM's busybox has only a few applet links, and QEMU's -snapshot needs /var/tmp.
if ! command -v awk >/dev/null 2>&1 && command -v busybox >/dev/null 2>&1; then
	mkdir -p /tmp/thesis-applets && busybox --install -s /tmp/thesis-applets
	PATH=/tmp/thesis-applets:$PATH
fi
export PATH=$PATH:/usr/bin:/usr/local/bin
mkdir -p /var/tmp 2>/dev/null
# bash's process substitution needs /dev/fd, which a bare devtmpfs lacks
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd 2>/dev/null

TVMM=$BUILD/tinyvmm
QEMU=$(command -v qemu-system-x86_64 || true)
[ "${THESIS_QEMU:-1}" = 0 ] && QEMU=""
[ -x "$TVMM" ] || { echo "thesis: missing $TVMM (make thesis builds it)" >&2; exit 1; }
mkdir -p "$OUT" || exit 1
WORK=$(mktemp -d /tmp/thesis-work.XXXXXX) || exit 1
trap 'rm -rf "$WORK"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null

for f in lib types scale exp_sizes exp_footprint exp_patterns exp_scaling exp_boot exp_mixed; do
	# shellcheck source=/dev/null
	. "$HERE/$f.sh"
done

EXP=setup
csv_new failures.csv "host,experiment,reason"
csv_new commands.csv "experiment,vmm,type,command"
csv_new notes.csv "host,experiment,note"
csv_new timing.csv "host,experiment,seconds"
csv_new environment.csv "host,scale,kernel,cpu,cpus,mem_total_kb,kvm_backend,tinyvmm,qemu,load_at_start"
qv=""
[ -n "$QEMU" ] && qv=$("$QEMU" --version | awk 'NR == 1 { print $4 }')
[ -z "$QEMU" ] && [ "${THESIS_QEMU:-1}" != 0 ] && fail "qemu-system-x86_64 not found: no QEMU baseline"
csv_row environment.csv "$HOST,$SCALE,$(uname -r),$(q "$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"),$(grep -c ^processor /proc/cpuinfo),$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo),$("$TVMM" info 2>/dev/null | awk '/^backend:/ { print $2 }'),$("$TVMM" --version | awk 'NR == 1 { print $2 }'),$qv,$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ' ')"

status=0
for EXP in $EXPERIMENTS; do
	case $EXP in
	sizes | footprint | patterns | scaling | boot | mixed) ;;
	*) fail "unknown experiment '$EXP'"; status=1; continue ;;
	esac
	t0=$(now_ms)
	echo "thesis [$HOST]: experiment $EXP ($SCALE scale)"
	# a subshell: an experiment that dies leaves its processes and variables behind it
	("exp_$EXP")
	rc=$?
	[ "$rc" = 0 ] || fail "the experiment's script ended with status $rc"
	csv_row timing.csv "$HOST,$EXP,$((($(now_ms) - t0) / 1000))"
	[ "$EMIT" = 1 ] && echo "THESIS-DONE $EXP"
done
grep -q "^$HOST," "$OUT/failures.csv" && status=1
exit $status
