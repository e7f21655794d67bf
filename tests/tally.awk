# Counts every test of make test once, over both tiers, and prints the totals; exits 1 on any failure.
#
# Input lines (tab-separated), in any order:
#   all NAME                   every test the binary holds (from --list)
#   host|nested EVENT NAME D   tests/criterion_results.awk's records of each tier's runs
#   lost NAME WHY              a deferred test the nested tier could not run: a failure
#   off WHY                    the nested tier is off: deferred tests are skipped, saying why
# A test's result is the nested tier's when the host deferred it, else the host's; a test
# with no result at all (a runner that died) fails.
BEGIN { FS = "\t" }
$1 == "all" { all[$2] = 1; order[++n] = $2; next }
$1 == "off" { off = $2; next }
$1 == "lost" { lost[$2] = $3; next }
$1 == "host" || $1 == "nested" {
	if ($2 == "run") next
	if ($2 == "disabled" && $1 == "nested") next # outside the nested run's --filter
	ev[$1, $3] = $2
	det[$1, $3] = $4
}
function settle(t, ev_, why) {
	result[t] = ev_
	reason[t] = why
}
END {
	for (i = 1; i <= n; i++) {
		t = order[i]
		h = ev[("host"), t]
		if (h == "defer") {
			x = ev[("nested"), t]
			if (x != "" && x != "defer") settle(t, x, det[("nested"), t])
			else if (t in lost) settle(t, "fail", "deferred to the nested tier, which " lost[t])
			else if (off != "") settle(t, "skip", det[("host"), t] " (" off ")")
			else settle(t, "fail", "deferred to the nested tier, which gave no result")
		} else if (h != "") settle(t, h, det[("host"), t])
		else settle(t, "fail", "no result: the test runner never reported it")
		tier[t] = h == "defer" ? "nested" : "host"
	}
	for (i = 1; i <= n; i++) {
		t = order[i]
		r = result[t]
		if (r == "pass") pass++
		else if (r == "fail" || r == "crash") {
			fail++
			if (r == "crash") crash++
			failed[++nf] = sprintf("  %s (%s tier): %s", t, tier[t], reason[t])
		} else {
			skip++
			why = r == "disabled" ? "disabled in the source" : reason[t]
			if (!(why in by)) whys[++nw] = why
			by[why]++
			ex[why] = t
		}
	}
	if (nw) {
		print "== skipped, by reason:"
		for (i = 1; i <= nw; i++)
			printf "  %d x %s (e.g. %s)\n", by[whys[i]], whys[i], ex[whys[i]]
	}
	if (nf) {
		print "== failed:"
		for (i = 1; i <= nf; i++) print failed[i]
	}
	printf "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d | Skipped: %d\n",
		pass + fail, pass, fail, crash, skip
	exit fail ? 1 : 0
}
