#!/bin/sh
# make run: the default job, a small L4 population with statistics; without /dev/kvm, nested.
#
# Eight L4 guests boot directly (kickstart + kernel, sigma0, root task), half a second apart,
# and run the thesis's hello app five times a second apart, then power off. tinyvmm samples
# the host every second into stats.csv and writes one row per guest into results.csv (boot
# time, app start, every lap, app end, with host times from the guests' reports).
# TINYVMM_RUN_GUESTS changes the population's size.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
N=${TINYVMM_RUN_GUESTS:-8}
APP="hello count=5 period=1s"

# The arguments of `tinyvmm pop`, for the build directory at $1 and the CSVs in $2.
pop_args() {
	L4=$1/guests/l4
	echo "pop -t l4 -i $L4/kickstart --initrd $L4/x86-kernel,$L4/sigma0,$L4/roottask" \
		"-n $N --stagger 0.5 --stats $2/stats.csv --results $2/results.csv"
}

if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
	OUT=$B/run
	mkdir -p "$OUT" || exit 2
	# shellcheck disable=SC2046 # the arguments hold no blanks but the app's, passed apart
	"$B/tinyvmm" $(pop_args "$B" "$OUT") --app "$APP"
	rc=$?
	echo "== results ($OUT/results.csv)"
	cat "$OUT/results.csv"
	echo "== statistics: $(($(wc -l <"$OUT/stats.csv") - 1)) rows in $OUT/stats.csv"
else
	echo "make run: this host has no usable /dev/kvm ($("$B/tinyvmm" --version | sed -n 's/^KVM: //p'))."
	echo "make run: running the default job inside a nested KVM instead (QEMU emulating AMD-V; slower)."
	# inside, the build directory is the working directory and the CSVs stay in its /tmp:
	# they are printed before it powers off
	tests/nested/run.sh "$B" sh -c "./tinyvmm $(pop_args . /tmp) --app '$APP'; rc=\$?;
		echo '== results'; cat /tmp/results.csv; echo '== statistics'; cat /tmp/stats.csv;
		exit \$rc"
	rc=$?
fi
[ "$rc" -eq 0 ] && { echo "make run: the population ran (status 0)"; exit 0; }
echo "make run: tinyvmm exited with status $rc" >&2
exit "$rc"
