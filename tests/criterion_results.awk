# Turns a Criterion --verbose log into one record per test event: "EVENT<TAB>suite/test<TAB>detail".
#
# EVENT is run (started), pass, fail, crash, skip, defer (skipped on the host with
# tests/support/tier.h's TIER_DEFER_TAG: the nested tier runs it) or disabled ("Test is
# disabled": a .disabled test, or one outside --filter). The name is in --filter's form.
BEGIN { tag = "[nested tier] " }
function name_of(line,    s) {
	s = substr(line, 8)
	if (!match(s, /^[A-Za-z0-9_]+::[A-Za-z0-9_]+/))
		return ""
	s = substr(s, 1, RLENGTH)
	sub(/::/, "/", s)
	return s
}
function detail_of(line,    i) {
	i = index(substr(line, 8), ": ")
	return i ? substr(line, 8 + i + 1) : ""
}
{ sub(/\r$/, "") }
/^\[RUN \] / { n = name_of($0); if (n != "") print "run\t" n "\t"; next }
/^\[PASS\] / { n = name_of($0); if (n != "") print "pass\t" n "\t"; next }
/^\[FAIL\] / {
	n = name_of($0)
	if (n != "") print ($0 ~ /: CRASH!$/ ? "crash\t" n "\tcrashed" : "fail\t" n "\tits assertions failed (above)")
	next
}
/^\[SKIP\] / {
	n = name_of($0)
	if (n == "") next
	d = detail_of($0)
	if (d == "Test is disabled") print "disabled\t" n "\t" d
	else if (index(d, tag) == 1) print "defer\t" n "\t" substr(d, length(tag) + 1)
	else print "skip\t" n "\t" d
}
