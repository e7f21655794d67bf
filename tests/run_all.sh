#!/bin/bash
# make test: every test on the host, the ones the host cannot run again in the nested KVM, each counted once.
#
# Usage: tests/run_all.sh [BUILD_DIR]
# The host runs the whole Criterion binary. A test that needs what this host lacks (KVM, a
# KVM that runs Linux user space, root: tests/support/tier.h) skips itself with a tag; those
# tests, and only those, run again inside the nested KVM (tests/nested/run.sh, QEMU
# emulating AMD-V). tests/tally.awk counts every test once and prints the last line:
# passed, failed, crashed and skipped, with the skips' reasons grouped above it.
# TINYVMM_NESTED=0 keeps the nested tier off: deferred tests then count as skipped.
set -u
cd "$(dirname "$0")/.."
B=$(cd "${1:-build}" && pwd)
export TINYVMM_SRC=$PWD
BIN=$B/tests/run_tests
WORK=$(mktemp -d /tmp/tinyvmm-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
REC=$WORK/records

quiet() { grep -v -E '^\[(RUN |PASS|====\] Running)|Test is disabled'; }
records() { awk -f tests/criterion_results.awk | sed "s/^/$1\t/"; }

# Every test the binary holds, in --filter's form (suite/test).
"$BIN" --list 2>/dev/null | awk '/^[A-Za-z0-9_]+: [0-9]+ tests?$/ { s = $1; sub(/:$/, "", s); next }
	/^(├|└)── / { print "all\t" s "/" $2 }' >"$REC"
[ -s "$REC" ] || { echo "tests/run_all.sh: $BIN --list gave no tests" >&2; exit 1; }

echo "== host tier: every test; those this host cannot run are deferred to the nested tier"
TINYVMM_BUILD=$B "$BIN" --jobs 2 --verbose --color=never 2>&1 | tee "$WORK/host.log" | quiet
records host <"$WORK/host.log" >>"$REC"

deferred() { awk -F'\t' '$1 == "host" && $2 == "defer" { print $3 }' "$REC"; }
# The deferred tests that have no result from a nested run yet.
pending() {
	awk -F'\t' '$1 == "host" && $2 == "defer" { d[$3] = 1 }
		$1 == "nested" && $2 != "run" && $2 != "disabled" { done[$3] = 1 }
		END { for (t in d) if (!(t in done)) print t }' "$REC" | sort
}
# --filter patterns, one per line, for the tests named on stdin: a suite whose tests are all
# named is SUITE/*, others SUITE/@(a|b); patterns longer than about 4 KiB make Criterion 2.4's
# extglob matcher abort, so they are cut into several, run one after the other.
filters() {
	awk -F'\t' -v rec="$REC" 'BEGIN {
			while ((getline l < rec) > 0) {
				split(l, f, "\t")
				if (f[1] == "all") { split(f[2], st, "/"); total[st[1]]++ }
			}
		}
		{ split($0, st, "/"); if (!(st[1] in want)) order[++n] = st[1]; want[st[1]]++
		  names[st[1]] = names[st[1]] (names[st[1]] == "" ? "" : "|") st[2] }
		END {
			line = ""
			for (i = 1; i <= n; i++) {
				s = order[i]
				g = want[s] == total[s] ? s "/*" : s "/@(" names[s] ")"
				if (line != "" && length(line) + length(g) > 3000) { print "@(" line ")"; line = "" }
				line = line (line == "" ? "" : "|") g
			}
			if (line != "") print "@(" line ")"
		}'
}
ndef=$(deferred | wc -l)
if [ "$ndef" = 0 ]; then
	echo "== nested tier: not needed, this host ran every test"
elif [ "${TINYVMM_NESTED:-1}" = 0 ]; then
	echo "== nested tier: off (TINYVMM_NESTED=0); $ndef deferred tests stay skipped"
	printf 'off\tthe nested tier is off: TINYVMM_NESTED=0\n' >>"$REC"
else
	echo "== nested tier: $ndef tests this host cannot run, in a QEMU VM that emulates AMD-V"
	echo "   (kvm_amd inside it): tests/nested/run.sh"
	for try in 1 2; do
		pending | filters >"$B/tests/nested-filters"
		"${TINYVMM_NESTED_RUNNER:-tests/nested/run.sh}" "$B" sh -c 'rc=0
			while IFS= read -r f; do
				./tests/run_tests --filter "$f" --jobs 1 --verbose --color=never || rc=1
			done <tests/nested-filters
			exit $rc' 2>&1 | tee "$WORK/nested$try.log" | quiet
		rc=${PIPESTATUS[0]}
		records nested <"$WORK/nested$try.log" >>"$REC"
		# 124: QEMU itself froze (not a test). The tests that finished keep their results,
		# failures included; the rest run once more in a fresh VM.
		[ "$rc" = 124 ] && [ "$try" = 1 ] && [ -n "$(pending)" ] || break
		echo "== the nested VM froze; $(pending | wc -l) tests run again in a fresh one"
	done
	if [ "$rc" != 0 ] && [ -n "$(pending)" ]; then
		why="could not run it (tests/nested/run.sh exit $rc)"
		[ "$rc" = 124 ] && why="froze twice before running it"
		pending | awk -v why="$why" '{ print "lost\t" $0 "\t" why }' >>"$REC"
	fi
fi

echo "== totals: every test once (host tier, nested tier for the deferred)"
awk -f tests/tally.awk "$REC"
