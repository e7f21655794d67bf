#!/bin/bash
# make sanitize / make tsan: the test suite built with a sanitizer, run in both tiers, and its reports counted (the target is 0).
#
# Usage: tests/sanitize/run.sh asan|tsan BUILD_DIR [FILTER]
#   Without FILTER: tests/run_all.sh, every test on the host, the deferred ones in the nested
#   KVM, as make test does. With a Criterion FILTER (make tsan): those tests on the host,
#   then the ones the host deferred again in the nested KVM.
#   Reports: files under a scratch directory on the host, "SANITIZER REPORT" blocks in the
#   nested VM's output; each is printed, and any at all fails the run.
set -u
cd "$(dirname "$0")/../.."
kind=$1
B=$(cd "$2" && pwd) || exit 2
filter=${3:-}
echo "$kind" >"$B/san-kind"
install -m 755 tests/sanitize/env.sh "$B/san-env.sh"
cp tests/sanitize/lsan.supp tests/sanitize/tsan.supp "$B/"
REP=$(mktemp -d /tmp/tinyvmm-san.XXXXXX)
LOG=$REP/run.log
export SAN_REPORTS=$REP/host
eval "$(sh "$B/san-env.sh" --print)"
export TINYVMM_NESTED_RUNNER=$PWD/tests/sanitize/nested.sh
echo "== make $([ "$kind" = asan ] && echo sanitize || echo tsan): $B, reports under $REP"
if [ -x "$B/tests/tsan_stress" ] && [ "$kind" = tsan ]; then
	echo "== host: tests/sanitize/tsan_stress.c (timer service, devices, exit counters; no KVM)"
	"$B/tests/tsan_stress" 2>&1 | tee -a "$LOG" || rc_stress=1
fi
if [ -z "$filter" ]; then
	tests/run_all.sh "$B" 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
else
	(
		cd "$B" && TINYVMM_BUILD=$B TINYVMM_SRC=$OLDPWD ./tests/run_tests --filter "$filter" \
			--jobs 2 --verbose --color=never 2>&1
	) | tee "$LOG"
	rc=${PIPESTATUS[0]}
	deferred=$(grep -o '\[SKIP\] [A-Za-z0-9_]*::[A-Za-z0-9_]*: \[nested tier\]' "$LOG" |
		sed 's/\[SKIP\] \([^:]*\)::\([^:]*\):.*/\1\/\2/' | paste -sd'|')
	if [ -n "$deferred" ] && [ "${TINYVMM_NESTED:-1}" != 0 ]; then
		echo "== nested tier: the tests the host deferred"
		tests/sanitize/nested.sh "$B" ./tests/run_tests --filter "@($deferred)" --jobs 1 \
			--verbose --color=never 2>&1 | tee -a "$LOG"
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	fi
fi
host=$(find "$REP/host" -type f 2>/dev/null | wc -l)
nested=$(grep -c '^SANITIZER REPORT' "$LOG")
for f in "$REP"/host/*; do
	[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
done
echo "== $kind reports: $host on the host, $nested in the nested VM"
[ "$host" = 0 ] && [ "$nested" = 0 ] && [ "$rc" = 0 ] && [ -z "${rc_stress:-}" ] && {
	rm -rf "$REP"
	exit 0
}
exit 1
