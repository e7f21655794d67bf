#!/bin/bash
# make run: the default job, the thesis's guests side by side in one population with statistics; without /dev/kvm, nested.
#
# One tinyvmm pop with a --spec of three groups, half a second apart: L4 guests booted
# directly (kickstart + kernel, sigma0, root task), bm guests from the FAT16 disk through
# tinyvmm's BIOS, MBR and loader, and -- where the host's KVM runs Linux user space, i.e.
# not on kvm_pvm -- tcl guests (Linux by its 64-bit entry with the busybox core.gz). Every
# guest runs the thesis's hello app five times a second apart, then powers off. tinyvmm
# samples the host every second into stats.csv and writes one row per guest into
# results.csv (boot, app start, every lap, app end, as host times from the guests' reports);
# a table of those rows is printed at the end.
# TINYVMM_RUN_GUESTS (default 4) is the number of guests of each type, tcl's halved.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
N=${TINYVMM_RUN_GUESTS:-4}
case $N in '' | *[!0-9]* | 0*) echo "make run: TINYVMM_RUN_GUESTS must be a positive number" >&2; exit 2 ;; esac
APP="hello count=5 period=1s"
TCL_APPEND="console=ttyS0 quiet panic=-1 reboot=k noxsave clearcpuid=308,151,141 rodata=off base norestore text superuser nodhcp nortc"

# The population's spec for the build directory $1 (as seen where it runs); $2: with tcl (1/0).
write_spec() {
	local L4=$1/guests/l4
	echo "# make run's population (scripts/run-default.sh): one group per guest type"
	echo "-t l4 -i $L4/kickstart --initrd $L4/x86-kernel,$L4/sigma0,$L4/roottask -n $N --app '$APP'"
	echo "-t bm -i $1/images/bm.img -n $N --app '$APP'"
	[ "$2" = 1 ] &&
		echo "-t tcl -i $1/guests/tcl/vmlinux --initrd $1/guests/tcl/core.gz -n $(((N + 1) / 2)) --append '$TCL_APPEND' --app '$APP'"
	return 0
}

# results.csv as a table: name, how it ended, boot and app start (ms after launch), laps.
table() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		NR == 2 { printf "%-8s %-10s %9s %9s %5s %9s\n", "guest", "end", "boot_ms", "app_ms", "laps", "vcpu_ms" }
		{ printf "%-8s %-10s %9.1f %9.1f %5d %9.1f\n", $c["name"], $c["end"], $c["boot_ms"],
			$c["app_start_ms"], $c["laps"], $c["vcpu_cpu_ms"] }' "$1"
}

OUT=$B/run
mkdir -p "$OUT" || exit 2
if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
	tcl=1
	if "$B/tinyvmm" info 2>/dev/null | grep -q '^backend: kvm_pvm'; then
		tcl=0
		echo "make run: kvm_pvm here runs no Linux user space: the tcl guests are left out"
	fi
	write_spec "$B" "$tcl" >"$OUT/spec"
	"$B/tinyvmm" pop --spec "$OUT/spec" --stagger 0.5 --stats "$OUT/stats.csv" \
		--results "$OUT/results.csv"
	rc=$?
else
	echo "make run: this host has no usable /dev/kvm ($("$B/tinyvmm" --version | sed -n 's/^KVM: //p'))."
	echo "make run: running the default job inside a nested KVM instead (QEMU emulating AMD-V; slower)."
	# inside, the build directory is the working directory; the CSVs come back over the
	# console between markers
	write_spec . 1 >"$B/run/spec"
	tests/nested/run.sh "$B" sh -c "./tinyvmm pop --spec run/spec --stagger 0.5 \
		--stats /tmp/stats.csv --results /tmp/results.csv; rc=\$?;
		echo '== results.csv'; cat /tmp/results.csv; echo '== stats.csv'; cat /tmp/stats.csv;
		echo '== end'; exit \$rc" | tee "$OUT/console.log" |
		sed '/^== results.csv$/,/^== end$/d'
	rc=${PIPESTATUS[0]}
	tr -d '\r' <"$OUT/console.log" | sed -n '/^== results.csv$/,/^== stats.csv$/p' | sed '1d;$d' >"$OUT/results.csv"
	tr -d '\r' <"$OUT/console.log" | sed -n '/^== stats.csv$/,/^== end$/p' | sed '1d;$d' >"$OUT/stats.csv"
fi
if [ -s "$OUT/results.csv" ]; then
	echo "== one row per guest (all of them in $OUT/results.csv)"
	table "$OUT/results.csv"
	echo "== statistics: $(($(wc -l <"$OUT/stats.csv") - 1)) rows in $OUT/stats.csv"
fi
[ "$rc" -eq 0 ] && { echo "make run: the population ran (status 0)"; exit 0; }
echo "make run: tinyvmm exited with status $rc" >&2
exit "$rc"
