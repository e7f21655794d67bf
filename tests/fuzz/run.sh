#!/bin/bash
# make fuzz / make test: runs each libFuzzer harness for SECONDS over its seed corpus and prints executions and coverage.
#
# Usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [HARNESS...]
#   Each harness NAME (build-fuzz/fuzz_NAME) starts from tests/fuzz/corpus/NAME/ (seeds and
#   the regression inputs of crashes found and fixed: crash-*), which it only reads; what it
#   finds new goes to a scratch corpus ($FUZZ_WORK, default a temporary directory).
#   FUZZ_RUNS=N runs N executions instead of SECONDS (the 10-million runs: README, Safety).
#   A crash, a sanitizer report or a timeout fails the run, with the input kept as
#   crash-* / timeout-* / oom-* under the scratch directory (FUZZ_ARTIFACTS to choose).
set -u
cd "$(dirname "$0")/../.."
FZ=$1
SECS=$2
shift 2
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
	for b in "$FZ"/fuzz_*; do [ -x "$b" ] && harnesses+=("${b##*/fuzz_}"); done
fi
WORK=${FUZZ_WORK:-$(mktemp -d /tmp/tinyvmm-fuzz.XXXXXX)}
ART=${FUZZ_ARTIFACTS:-$WORK/artifacts}
mkdir -p "$ART"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
printf '%-12s %12s %10s %7s %7s %8s %6s  %s\n' harness executions exec/s cov ft corpus secs result
for h in "${harnesses[@]}"; do
	bin=$FZ/fuzz_$h
	seeds=tests/fuzz/corpus/$h
	corp=$WORK/corpus/$h
	mkdir -p "$corp" "$seeds"
	limit=(-max_total_time="$SECS")
	[ -n "${FUZZ_RUNS:-}" ] && limit=(-runs="$FUZZ_RUNS")
	# inputs as long as the largest seed (a kernel), at least 4 KiB
	maxlen=$(find "$seeds" -type f -printf '%s\n' | sort -n | tail -1)
	[ "${maxlen:-0}" -lt 4096 ] && maxlen=4096
	log=$WORK/$h.log
	start=$(date +%s.%N)
	# -timeout: one input taking a second is a hang for any of these (a guest must never
	# make the VMM spin); -rss_limit_mb keeps a leak from taking the host
	"$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-$maxlen}" \
		-print_final_stats=1 -artifact_prefix="$ART/$h-" "$corp" "$seeds" >"$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
	result=ok
	if [ $rc -ne 0 ]; then
		result="FAILED (exit $rc): $(grep -m1 -E 'ERROR|runtime error|SUMMARY|deadly|timeout' "$log")"
		fail=1
	fi
	printf '%-12s %12s %10s %7s %7s %8s %6.0f  %s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
		"${ft:-?}" "${corpus:-?}" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$result"
	[ $rc -ne 0 ] && { echo "--- $log:"; grep -v -E '^#[0-9]+' "$log" | tail -40; }
done
[ -z "${FUZZ_WORK:-}" ] && [ $fail -eq 0 ] && rm -rf "$WORK"
[ $fail -eq 0 ] && echo "fuzz: every harness ran clean" || echo "fuzz: failures above; inputs in $ART"
exit $fail
