/* make test's own counting: tests/criterion_results.awk and tests/tally.awk on made-up logs and
 * records. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/boot/harness.h"

/* The scripts live in the source tree: make test runs from its top ($TINYVMM_SRC if set). */
static void script(char *buf, size_t size, const char *name)
{
	const char *src = getenv("TINYVMM_SRC");
	snprintf(buf, size, "%s/tests/%s", src && *src ? src : ".", name);
	FILE *f = fopen(buf, "r");
	cr_assert_not_null(f, "%s not found: run from the source tree or set TINYVMM_SRC", buf);
	fclose(f);
}

/* Runs `awk -f SCRIPT` on `input`; the result's out holds its output. */
static void run_awk(const char *name, const char *input, struct run_result *r)
{
	char path[PATH_MAX], dir[256], in[PATH_MAX];
	script(path, sizeof(path), name);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	cr_assert_eq(harness_write_file(dir, "in", input, strlen(input)), 0);
	snprintf(in, sizeof(in), "%s/in", dir);
	const char *argv[] = {"/usr/bin/awk", "-f", path, in, NULL};
	cr_assert_eq(harness_run(argv, NULL, 20, r), 0);
	harness_rmdir(dir);
}

Test(tally, criterion_log_lines_become_records)
{
	struct run_result r;
	run_awk("criterion_results.awk",
		"[----] Criterion v2.4.1\n"
		"[RUN ] a::one\n"
		"[PASS] a::one: (0.01s)\n"
		"[FAIL] b::three: (0.00s)\n"
		"[FAIL] b::four: CRASH!\n"
		"[SKIP] c::five: Test is disabled\n"
		"[SKIP] c::six: [nested tier] needs KVM: no usable /dev/kvm here\n"
		"[SKIP] c::seven: no tier can run it\n"
		"[====] Synthesis: Tested: 3 | Passing: 1 | Failing: 2 | Crashing: 1 \n",
		&r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "run\ta/one\t\n"
				"pass\ta/one\t\n"
				"fail\tb/three\tits assertions failed (above)\n"
				"crash\tb/four\tcrashed\n"
				"disabled\tc/five\tTest is disabled\n"
				"defer\tc/six\tneeds KVM: no usable /dev/kvm here\n"
				"skip\tc/seven\tno tier can run it\n");
	harness_result_free(&r);
}

/* The last line of the tally's output. */
static const char *last_line(const struct run_result *r)
{
	const char *end = r->out + r->out_len;
	cr_assert(r->out_len > 1 && end[-1] == '\n', "no complete last line: %s", r->out);
	const char *p = end - 1;
	while (p > r->out && p[-1] != '\n')
		p--;
	return p;
}

Test(tally, a_deferred_test_counts_once_with_the_nested_result)
{
	struct run_result r;
	run_awk("tally.awk",
		"all\ta/one\nall\ta/two\nall\tb/three\n"
		"host\tpass\ta/one\t\n"
		"host\tdefer\ta/two\tneeds KVM\n"
		"host\tdefer\tb/three\tneeds root\n"
		"nested\trun\ta/two\t\n"
		"nested\tpass\ta/two\t\n"
		"nested\tdisabled\ta/one\tTest is disabled\n"
		"nested\tcrash\tb/three\tcrashed\n",
		&r);
	cr_expect_eq(r.status, 1, "a crash fails the run");
	cr_expect_str_eq(last_line(&r), "[====] Synthesis: Tested: 3 | Passing: 2 | Failing: 1 | "
					"Crashing: 1 | Skipped: 0\n");
	cr_expect(strstr(r.out, "b/three (nested tier): crashed") != NULL, "%s", r.out);
	harness_result_free(&r);
}

Test(tally, skips_are_counted_and_grouped_by_reason)
{
	struct run_result r;
	run_awk("tally.awk",
		"all\ta/one\nall\ta/two\nall\ta/three\nall\ta/four\n"
		"off\tthe nested tier is off\n"
		"host\tdefer\ta/one\tneeds KVM\n"
		"host\tdefer\ta/two\tneeds KVM\n"
		"host\tskip\ta/three\tneeds a floppy\n"
		"host\tpass\ta/four\t\n",
		&r);
	cr_expect_eq(r.status, 0, "skips alone do not fail the run");
	cr_expect(strstr(r.out, "  2 x needs KVM (the nested tier is off) (e.g. a/") != NULL, "%s",
		  r.out);
	cr_expect(strstr(r.out, "  1 x needs a floppy (e.g. a/three)") != NULL, "%s", r.out);
	cr_expect_str_eq(last_line(&r), "[====] Synthesis: Tested: 1 | Passing: 1 | Failing: 0 | "
					"Crashing: 0 | Skipped: 3\n");
	harness_result_free(&r);
}

Test(tally, lost_and_unreported_tests_fail)
{
	struct run_result r;
	run_awk("tally.awk",
		"all\ta/one\nall\ta/two\nall\ta/three\n"
		"host\tdefer\ta/one\tneeds KVM\n"
		"host\tdefer\ta/two\tneeds KVM\n"
		"lost\ta/one\tfroze twice before running it\n"
		"host\tpass\tz/not_listed\t\n",
		&r);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "a/one (nested tier): deferred to the nested tier, which froze "
				"twice before running it") != NULL,
		  "%s", r.out);
	cr_expect(strstr(r.out, "a/two (nested tier): deferred to the nested tier, which gave "
				"no result") != NULL,
		  "%s", r.out);
	cr_expect(strstr(r.out, "a/three (host tier): no result") != NULL, "%s", r.out);
	cr_expect_str_eq(last_line(&r), "[====] Synthesis: Tested: 3 | Passing: 0 | Failing: 3 | "
					"Crashing: 0 | Skipped: 0\n");
	harness_result_free(&r);
}
