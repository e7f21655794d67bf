#!/bin/bash
# make test: every tier in one Criterion binary on the host; where the host has no /dev/kvm,
# the boot tier again inside a nested KVM (tests/nested/run.sh), then both runs' totals.
set -u
cd "$(dirname "$0")/.."
B=$(cd "${1:-build}" && pwd)
BIN=$B/tests/run_tests
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

quiet() { grep -v -E '^\[(RUN |PASS|====\] Running)|Test is disabled'; }
synth() { grep -a -o 'Synthesis: Tested: [0-9]* | Passing: [0-9]* | Failing: [0-9]* | Crashing: [0-9]*' | tail -1; }

echo "== host: unit tests, and boot tests where /dev/kvm is usable"
TINYVMM_BUILD=$B "$BIN" --jobs 2 --verbose --color=never 2>&1 | quiet | tee "$LOG"
host_rc=${PIPESTATUS[0]}
host=$(synth <"$LOG")

nested=""
nested_rc=0
if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
	:
elif [ "${TINYVMM_NESTED:-1}" = 0 ]; then
	echo "== nested KVM disabled (TINYVMM_NESTED=0): the boot tests above stay skipped"
else
	echo "== nested KVM: this host has no usable /dev/kvm, so the boot tests run in a QEMU VM"
	echo "   that emulates AMD-V (kvm_amd inside it); tests/nested/run.sh"
	for try in 1 2; do
		tests/nested/run.sh "$B" ./tests/run_tests --filter 'boot_*/*' --jobs 1 --verbose \
			--color=never 2>&1 | quiet | tee "$LOG"
		nested_rc=${PIPESTATUS[0]}
		# 124: QEMU itself froze (not a test): one fresh VM runs the boot tier again
		[ "$nested_rc" = 124 ] && [ "$try" = 1 ] || break
		echo "== the nested VM froze; running the boot tier again in a fresh one"
	done
	nested=$(synth <"$LOG")
	[ -n "$nested" ] || { echo "nested KVM run produced no Criterion summary" >&2; nested_rc=1; }
fi

total() { # sums the fields of the synthesis lines given
	awk -F'[:|]' '{for (i = 2; i <= NF; i += 2) s[i] += $(i + 1)}
		END {printf "Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d\n",
			s[2], s[4], s[6], s[8]}'
}
echo "== totals (host${nested:+ + nested KVM})"
[ -n "$host" ] || { echo "host run produced no Criterion summary" >&2; host_rc=1; }
echo "[====] $(printf '%s\n' "$host" "$nested" | sed '/^$/d' | total)"
[ "$host_rc" = 0 ] && [ "$nested_rc" = 0 ]
