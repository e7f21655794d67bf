/* Boot tests of a population's monitoring outputs: --prom, --jsonl, tinyvmm stat, --number-from. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"
#include "tests/support/textcheck.h"

/*
 * Three idle guests numbered from 7: the Prometheus file parses strictly with the guests
 * running, every JSON line is one object, tinyvmm stat --once shows the l4 row, and the
 * results name l4_7 to l4_9.
 */
Test(boot_pop_metrics, prom_jsonl_stat_and_numbering_of_a_running_population, .timeout = 180)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], prom[PATH_MAX + 16], jsonl[PATH_MAX + 16];
	char results[PATH_MAX + 16], name[32], series[160];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(prom, sizeof(prom), "%s/p.prom", dir);
	snprintf(jsonl, sizeof(jsonl), "%s/p.jsonl", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(name, sizeof(name), "metrics_%ld", (long)getpid());
	struct bg_run b = {.args = {"pop",	  "-t",	    "l4",	 "-i",	    idle,
				    "-n",	  "3",	    "--name",	 name,	    "--number-from",
				    "l4=7",	  "--prom", prom,	 "--jsonl", jsonl,
				    "--interval", "0.2",    "--results", results,   NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	pop_wait_listed(&b, name);
	snprintf(series, sizeof(series), "tinyvmm_guests_running{population=\"%s\",type=\"l4\"}",
		 name);
	char *text = NULL;
	for (int i = 0; i < 300; i++) {
		free(text);
		text = pop_slurp(prom);
		if (text && textcheck_prom_value(text, series) == 3)
			break;
		sleep_ms(100);
	}
	cr_assert(text && textcheck_prom_value(text, series) == 3, "%s never reached 3 in:\n%s",
		  series, text);
	char why[256] = "";
	unsigned samples = 0;
	cr_expect_eq(textcheck_prom(text, &samples, why, sizeof(why)), 0, "%s\n%s", why, text);
	cr_expect_eq(samples, 12 + 11, "host gauges and one type's families: %u", samples);
	free(text);

	struct run_result r;
	const char *stat[] = {"stat", name, "--once", NULL};
	pop_tinyvmm(&r, stat);
	pop_expect_status(&r, 0);
	cr_expect(strstr(r.out, "TYPE   GUESTS RUNNING"), "%s", r.out);
	cr_expect(strstr(r.out, "\nl4          3       3 "), "%s", r.out);
	cr_expect(strstr(r.out, "\nall         3       3 "), "%s", r.out);
	harness_result_free(&r);

	const char *stop[] = {"stop", name, NULL};
	pop_tinyvmm(&r, stop);
	pop_expect_status(&r, 0);
	harness_result_free(&r);
	bg_join(&b);
	pop_expect_status(&b.r, 0);
	harness_result_free(&b.r);

	text = pop_slurp(jsonl);
	cr_assert(text, "no %s", jsonl);
	unsigned lines = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save), lines++)
		cr_expect_eq(textcheck_json(l, why, sizeof(why)), 0, "line %u: %s\n%s", lines + 1,
			     why, l);
	cr_expect_geq(lines, 2, "%u JSON lines", lines);
	free(text);
	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 3);
	csv_find(&t, "name", "l4_7");
	csv_find(&t, "name", "l4_8");
	csv_find(&t, "name", "l4_9");
	csv_free(&t);
	harness_rmdir(dir);
}
