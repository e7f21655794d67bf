/* Boot test of `tinyvmm pop --logs DIR --log-cap SIZE`: each log is cut exactly at the cap and the
 * results count the rest. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/boot/pop_run.h"

#define LOG_CAP 3000 /* bytes: --log-cap 3000B */

/* What `tinyvmm run -kernel GUEST` prints on COM1: the reference for its logs. */
static struct run_result reference(const char *guest)
{
	struct run_result r;
	const char *extra[] = {"-m", "4", NULL};
	int err = harness_boot_guest(guest, extra, NULL, 60, &r);
	cr_assert_eq(err, 0, "could not run %s (make test builds it)", guest);
	pop_expect_status(&r, 1);
	return r;
}

/* The log of `name` is the first min(cap, all) bytes of `ref`; its row counts the rest. */
static void expect_log(const char *dir, const struct csv_table *t, const char *name,
		       const struct run_result *ref)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	FILE *f = fopen(path, "rb");
	cr_assert(f, "no log %s", path);
	char *log = malloc(ref->out_len + 1);
	cr_assert(log);
	size_t n = fread(log, 1, ref->out_len + 1, f);
	fclose(f);
	size_t want = ref->out_len < LOG_CAP ? ref->out_len : LOG_CAP;
	cr_expect_eq(n, want, "%s.log holds %zu bytes, want %zu (output %zu, cap %d)", name, n,
		     want, ref->out_len, LOG_CAP);
	cr_expect(!memcmp(log, ref->out, n < want ? n : want),
		  "%s.log is not the start of the guest's output", name);
	free(log);
	unsigned i = csv_find(t, "name", name);
	cr_expect_eq(csv_num(t, i, "serial_bytes"), ref->out_len, "%s", name);
	cr_expect_eq(csv_num(t, i, "serial_dropped"), ref->out_len - want, "%s", name);
}

/* flood prints over 10,000 bytes, hello far fewer than the cap: both groups in one spec. */
Test(boot_pop_logs, log_cap_cuts_each_log_exactly_and_counts_the_rest)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result flood = reference("flood"), hello = reference("hello");
	cr_assert_gt(flood.out_len, 3 * LOG_CAP, "flood printed only %zu bytes", flood.out_len);
	cr_assert_lt(hello.out_len, LOG_CAP, "hello printed %zu bytes", hello.out_len);
	char fpath[PATH_MAX], hpath[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX + 16];
	char results[PATH_MAX + 16], *text = NULL;
	pop_guest(fpath, sizeof(fpath), "flood");
	pop_guest(hpath, sizeof(hpath), "hello");
	pop_control_dir(dir, sizeof(dir));
	snprintf(spec, sizeof(spec), "%s/p.spec", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	cr_assert_gt(
	    asprintf(&text, "-t l4 -i %s -n 2 -m 4\n-t l4 -i %s -n 1 -m 4\n", fpath, hpath), 0);
	cr_assert_eq(harness_write_file(dir, "p.spec", text, strlen(text)), 0);
	free(text);
	const char *args[] = {"pop",	   "--spec", spec,	  "--logs", dir,
			      "--log-cap", "3000B",  "--results", results,  NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 0);

	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 3);
	expect_log(dir, &t, "l4_1", &flood);
	expect_log(dir, &t, "l4_2", &flood);
	expect_log(dir, &t, "l4_3", &hello);
	csv_free(&t);
	harness_result_free(&r);
	harness_result_free(&flood);
	harness_result_free(&hello);
	harness_rmdir(dir);
}
