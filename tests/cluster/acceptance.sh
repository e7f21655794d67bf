#!/bin/sh
# The cluster acceptance run: one L4 population of 2 x N guests over a 2-task Slurm job, merged, with its figures.
#
# Usage: tests/cluster/acceptance.sh [BUILD_DIR [N]]       (root and KVM; N default 500)
#        tests/nested/run.sh build sh tests/cluster/acceptance.sh .   (a host without KVM)
#
# A one-node Slurm (localslurm.sh) whose node runs both tasks at once (JOBS=2: the one machine
# stands in for two nodes, --exclusive notwithstanding); `tinyvmm cluster submit` of a spec of
# 2N L4 guests by direct boot (`hello period=20s`) with --hosts 2; while both populations run,
# every guest having started its app, `tinyvmm stat --once` of each and the machine's memory;
# at --duration the populations stop their guests; `tinyvmm cluster merge`; then the figures:
# guests per task, rows and names in the merged results, boot times, the time until all ran
# their app, host memory per guest. POSIX sh and awk, so the nested VM's busybox runs it.
# Knobs: ACCEPT_DURATION (s after each task's first launch, 240), ACCEPT_KEEP=1 keeps the
# work directory. Exit status: 0 when every check held, 1 otherwise, 3 without Slurm.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
B=$(cd "${1:-build}" && pwd) || exit 2
N=${2:-500}
DUR=${ACCEPT_DURATION:-240}
TV=$B/tinyvmm
G=$B/guests/l4
PATH=$PATH:/usr/sbin:/usr/bin
export PATH
[ -x "$TV" ] && [ -f "$G/roottask" ] || { echo "accept: build $TV and the L4 guest first (make build/tinyvmm guests)"; exit 2; }

W=$(mktemp -d /tmp/tinyvmm-accept.XXXXXX) || exit 1
S=$W/slurm
mkdir -p "$S" "$W/ctl"
chmod 0700 "$W/ctl"
fail=0
check() { # CONDITION-STATUS MESSAGE: counts a failed check and says so
	if [ "$1" -eq 0 ]; then echo "accept: ok: $2"; else echo "accept: FAILED: $2"; fail=1; fi
}
finish() {
	"$HERE/localslurm.sh" stop "$S"
	[ "${ACCEPT_KEEP:-0}" = 1 ] && echo "accept: files kept in $W" || rm -rf "$W"
}
"$HERE/localslurm.sh" start "$S" 2
rc=$?
[ $rc -eq 0 ] || { rm -rf "$W"; exit $((rc == 3 ? 3 : 1)); }
trap finish EXIT
export SLURM_CONF=$S/slurm.conf TINYVMM_CONTROL_DIR=$W/ctl
mem_avail_kb() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }

printf -- "-t l4 -i %s --initrd '%s,%s,%s' -n %u -m 2 --app 'hello period=20s'\n" \
	"$G/kickstart" "$G/x86-kernel" "$G/sigma0" "$G/roottask" $((2 * N)) >"$W/l4.spec"
avail0=$(mem_avail_kb)
cd "$W" || exit 1
# admission: --overcommit counts only the RAM guests touched (an idle L4 guest touches about
# a quarter of its 2 MiB), as bench/pop.sh does for its 1,000
job=$("$TV" cluster submit "$W/l4.spec" --hosts 2 -o "$W/job" -- --overcommit --min-free 128M \
	--duration "$DUR" --interval 1) || { echo "accept: submit failed"; exit 1; }
t0=$(date +%s)
echo "accept: job $job: 2 tasks of $N guests; waiting until every guest ran its app"
pops="tinyvmm-job-$job-0 tinyvmm-job-$job-1"

# every guest of both tasks running with its first hello line (a lap) done
ran() { "$TV" list "$1" 2>/dev/null | awk '$4 == "running" && $6 >= 1 { n++ } END { print n + 0 }'; }
all=0
while [ $(($(date +%s) - t0)) -lt "$DUR" ]; do
	r0=$(ran "tinyvmm-job-$job-0")
	r1=$(ran "tinyvmm-job-$job-1")
	[ "$r0" -ge "$N" ] && [ "$r1" -ge "$N" ] && { all=1; break; }
	echo "accept: $(($(date +%s) - t0)) s: $r0 + $r1 guests ran their app"
	sleep 10
done
t_all=$(($(date +%s) - t0))
check $((1 - all)) "all $((2 * N)) guests ran their app within ${t_all} s of sbatch (both tasks at once)"
sleep 3 # the last ones into their first sleep
avail1=$(mem_avail_kb)
echo "accept: --- while every guest sleeps ---------------------------------------------"
squeue
"$TV" list
for p in $pops; do
	echo "accept: tinyvmm stat $p --once"
	"$TV" stat "$p" --once
done
for pid in $("$TV" list | awk 'NR > 1 { print $2 }'); do
	echo "accept: tinyvmm pid $pid: $(grep -E '^(VmRSS|Threads)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
done
echo "accept: MemAvailable $avail0 kB before, $avail1 kB with all running:" \
	"$(((avail0 - avail1) / (2 * N))) kB per guest, kernel side included"

# the populations end at --duration, stopping their guests
while squeue -h | grep -q . && [ $(($(date +%s) - t0)) -lt $((DUR + 120)) ]; do sleep 5; done
squeue -h | grep -q . && check 1 "the job left the queue within $((DUR + 120)) s"
"$TV" cluster status "$W/job"
"$TV" cluster merge "$W/job"
check $? "cluster merge"
cat "$W"/job/task-*.out

echo "accept: --- figures -------------------------------------------------------------"
host=$(hostname -s 2>/dev/null || hostname)
for k in 0 1; do
	rows=$(($(wc -l <"$W/job/results-task$k-$host.csv") - 1))
	check $((rows != N)) "task $k: $rows result rows (want $N)"
done
# merged results: rows, distinct names and UUIDs, l4_1..l4_2N each once, how guests ended
awk -F, -v want=$((2 * N)) '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ rows++; name[$c["name"]]++; uuid[$c["uuid"]]++; ends[$c["end"]]++
	  if ($c["boot_ms"] != "") booted++ }
	END {
		for (n in name) names++
		for (u in uuid) uuids++
		for (k = 1; k <= want; k++) if (name["l4_" k] != 1) missing++
		printf "accept: merged results: %d rows, %d names, %d UUIDs, %d booted, ends:", rows, names, uuids, booted
		for (e in ends) printf " %s %d", e, ends[e]
		printf "\n"
		exit !(rows == want && names == want && uuids == want && !missing && booted == want)
	}' "$W/job/results.csv"
check $? "merged results: every guest l4_1 to l4_$((2 * N)) once, each with a boot time"
# boot and app-start times (ms after each guest's launch), and the last app start after the
# first launch of the job
for col in boot_ms app_start_ms; do
	awk -F, -v col=$col 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$c != "" { print $c }' "$W/job/results.csv" | sort -n | awk -v col=$col '
		{ v[NR] = $1; s += $1 }
		END { if (NR) printf "accept: %s over %d guests: min %.1f median %.1f p95 %.1f max %.1f mean %.1f\n",
			col, NR, v[1], v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)], v[NR], s / NR }'
done
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["app_start_ms"] != "" { t = $c["launched_ms"] + $c["app_start_ms"]
		if (first == "" || $c["launched_ms"] < first) first = $c["launched_ms"]
		if (t > last) last = t }
	END { printf "accept: all ran their app %.1f s after the first launch\n", (last - first) / 1000 }' \
	"$W/job/results.csv"
# each task's tinyvmm at its largest (stats rows), and the merged stats rows per task
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ t = $c["task"]; n[t]++; if ($c["rss_kb"] > rss[t]) rss[t] = $c["rss_kb"]
	  if ($c["pss_kb"] > pss[t]) pss[t] = $c["pss_kb"]
	  if ($c["vms_running"] > vms[t]) vms[t] = $c["vms_running"] }
	END { for (t in n) printf "accept: task %s: %d stats rows, at most %d VMs running, tinyvmm RSS %d kB, PSS %d kB\n",
		t, n[t], vms[t], rss[t], pss[t] }' "$W/job/stats.csv"
[ $fail -eq 0 ] && echo "accept: PASS" || echo "accept: FAIL"
exit $fail
