/* Boot-test helpers for guests that run the shared apps: tinyvmm under -report file:, the reports
 * read back. */
#include "tests/boot/app_run.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

void app_build_file(char *buf, size_t size, const char *rel)
{
	int err = harness_build_path(buf, size, rel);
	cr_assert_eq(err, 0, "no path for %s: %s", rel, strerror(-err));
	FILE *f = fopen(buf, "rb");
	cr_assert(f != NULL, "%s missing (make guests / make images build it): %s", buf,
		  strerror(errno));
	fclose(f);
}

static void read_reports(struct app_run *run, const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f != NULL, "no report file %s: %s", path, strerror(errno));
	char line[128];
	while (fgets(line, sizeof(line), f) && run->nrep < APP_RUN_MAX_REPORTS) {
		struct report_line *l = &run->rep[run->nrep];
		if (sscanf(line, "report %lf %23s %u", &l->t, l->event, &l->value) == 3)
			run->nrep++;
	}
	fclose(f);
}

void app_run_tinyvmm(struct app_run *run, const char *const args[], unsigned timeout_s)
{
	memset(run, 0, sizeof(*run));
	cr_assert_eq(harness_tempdir(run->dir, sizeof(run->dir)), 0);
	char report[300], opt[310];
	snprintf(report, sizeof(report), "%s/report.txt", run->dir);
	snprintf(opt, sizeof(opt), "file:%s", report);
	const char *argv[24];
	unsigned n = 0;
	for (; args[n] && n < 20; n++)
		argv[n] = args[n];
	argv[n++] = "-report";
	argv[n++] = opt;
	argv[n] = NULL;
	int err = harness_run_tinyvmm(argv, NULL, timeout_s, &run->r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	read_reports(run, report);
}

void app_run_done(struct app_run *run)
{
	harness_result_free(&run->r);
	harness_rmdir(run->dir);
}

const struct report_line *app_find_report(const struct app_run *run, const char *event,
					  unsigned value)
{
	for (unsigned i = 0; i < run->nrep; i++)
		if (!strcmp(run->rep[i].event, event) && run->rep[i].value == value)
			return &run->rep[i];
	return NULL;
}

double app_lap_time(const struct app_run *run, unsigned k)
{
	const struct report_line *l = app_find_report(run, "lap", k);
	cr_assert(l != NULL, "no report of lap %u (%u reports)\n%s", k, run->nrep, run->r.out);
	return l->t;
}

void app_expect_status(const struct app_run *run, int status)
{
	char how[128];
	cr_assert_eq(run->r.status, status,
		     "tinyvmm %s, expected status %d\nstdout:\n%s\nstderr:\n%s",
		     harness_describe(&run->r, how, sizeof(how)), status, run->r.out, run->r.err);
}

void app_expect_out(const struct app_run *run, const char *needle)
{
	cr_assert(harness_out_has(&run->r, needle), "no '%s' in the output:\n%s\nstderr:\n%s",
		  needle, run->r.out, run->r.err);
}

void app_expect_pattern_b_laps(const struct app_run *run, double max_gap)
{
	cr_assert_eq(harness_out_count(&run->r, "fib(20) = 10946"), 3, "%s", run->r.out);
	cr_assert(app_find_report(run, "app-start", 2), "no app-start (pattern) report");
	cr_assert(app_find_report(run, "app-done", 3), "no app-done report");
	/* each lap is fib(20) (microseconds, in user mode) and a 2 s sleep */
	for (unsigned k = 2; k <= 3; k++) {
		double gap = app_lap_time(run, k) - app_lap_time(run, k - 1);
		cr_assert(gap > 1.96 && gap < max_gap, "lap %u came %.3f s after lap %u", k, gap,
			  k - 1);
	}
}
