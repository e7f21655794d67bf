#!/bin/sh
# bench/hostile.sh's runner, where the KVM is (this host, or the nested VM's busybox sh): one population, stopped once its quiet guests have ended, its files printed.
#
# Usage: hostile-run.sh TINYVMM SPEC NAME QUIET DURATION RENICE EXPECT
#   Prints "=== results", "=== stats" and "=== fib GUEST COUNT" blocks for bench/hostile.sh,
#   COUNT being the guest's log lines "lap K EXPECT in" (EXPECT: "fib(22) = 28657").
T=$1 SPEC=$2 NAME=$3 QUIET=$4 DURATION=$5 RENICE=$6 EXPECT=$7
command -v awk >/dev/null 2>&1 && AWK=awk || AWK="busybox awk"
command -v sleep >/dev/null 2>&1 && SLEEP=sleep || SLEEP="busybox sleep"
D=${TMPDIR:-/tmp}/hostile-$NAME
mkdir -p "$D/logs"
export TINYVMM_CONTROL_DIR=$D
"$T" pop --spec "$SPEC" --name "$NAME" --results "$D/r.csv" --stats "$D/s.csv" --interval 1 \
	--logs "$D/logs" --log-cap 64K --duration "$DURATION" >"$D/out" 2>"$D/err" &
pid=$!
if [ "$RENICE" = 1 ]; then
	$SLEEP 2
	for t in /proc/$pid/task/*; do
		n=$(cat "$t/comm" 2>/dev/null | $AWK -F'[_/]' '/^l4_/ { print $2 }')
		[ -n "$n" ] && [ "$n" -gt "$QUIET" ] && busybox renice -n 19 -p "${t##*/}" >/dev/null 2>&1
	done
fi
while kill -0 "$pid" 2>/dev/null; do
	$SLEEP 1
	done=$($AWK -F, -v q="$QUIET" 'NR > 1 { split($2, a, "_"); if (a[2] + 0 <= q) n++ } END { print n + 0 }' "$D/r.csv" 2>/dev/null)
	[ "${done:-0}" -ge "$QUIET" ] && "$T" stop "$NAME" >/dev/null 2>&1
done
wait "$pid"
echo "=== status $?"
echo "=== results"
cat "$D/r.csv"
echo "=== stats"
cat "$D/s.csv"
for f in "$D"/logs/*.log; do
	echo "=== fib $(basename "$f" .log) $(grep -c "lap [0-9]* $EXPECT in" "$f")"
done
echo "=== err"
cat "$D/err"
echo "=== end"
