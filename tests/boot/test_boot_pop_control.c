/* Boot tests of `tinyvmm stop|pause|resume POP GUEST`: one guest stopped or parked while the others
 * run on. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

/*
 * The guests are pit_laps (tests/guests/timer_laps.inc) on a 100 Hz PIT: a LAP report (one
 * exit) every `ticks` interrupts, LAP 0 first, so a guest that runs L laps makes L + 1 LAP
 * reports and then leaves through debug-exit (status 1). Their laps and exits are what
 * `tinyvmm list POP` and the files show.
 */
#define TICKER_APP_4S	   "div=11932 ticks=25 laps=16" /* 16 laps of 0.25 s, then PASS */
#define TICKER_LAPS_4S	   17u				/* LAP 0 to LAP 16 */
#define TICKER_APP_FOREVER "div=11932 ticks=20 laps=0"	/* a lap every 0.2 s, never ends */

/* Waits until `guest` of `pop` has made at least `laps` LAP reports; its line in *g. */
static void wait_laps(const char *pop, const char *guest, unsigned laps, struct listed_guest *g)
{
	for (int i = 0; i < 300; i++) {
		pop_list_guest(pop, guest, g);
		if (g->laps >= laps)
			return;
		sleep_ms(100);
	}
	cr_assert_fail("%s never reached %u laps (%u, %s)", guest, laps, g->laps, g->state);
}

/* `tinyvmm VERB POP [GUEST]` succeeds and says `said`. */
static void control(const char *verb, const char *pop, const char *guest, const char *said)
{
	struct run_result r;
	const char *args[] = {verb, pop, guest, NULL};
	pop_tinyvmm(&r, args);
	pop_expect_status(&r, 0);
	cr_expect(strstr(r.out, said), "tinyvmm %s %s %s said:\n%s", verb, pop, guest ? guest : "",
		  r.out);
	harness_result_free(&r);
}

Test(boot_pop_control, stop_ends_one_guest_and_the_others_finish)
{
	TIER_REQUIRE(TIER_KVM);
	char ticker[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16], name[32];
	pop_guest(ticker, sizeof(ticker), "pit_laps");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(name, sizeof(name), "stop1_%ld", (long)getpid());
	struct bg_run b = {.args = {"pop", "-t", "l4", "-i", ticker, "-n", "3", "--app",
				    TICKER_APP_4S, "--name", name, "--results", results, NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	pop_wait_listed(&b, name);
	struct listed_guest g;
	wait_laps(name, "l4_2", 2, &g);
	control("stop", name, "l4_2", "l4_2: stopping");
	/* the others are still at it: they need 4 s of laps */
	for (int i = 0; i < 50; i++) {
		pop_list_guest(name, "l4_2", &g);
		if (!strcmp(g.state, "stopped"))
			break;
		sleep_ms(100);
	}
	cr_expect_str_eq(g.state, "stopped", "l4_2 did not stop");
	bg_join(&b);
	pop_expect_status(&b.r, 0);
	cr_expect(strstr(b.r.err, "3 guests: 3 booted, 0 failed, 3 finished"), "%s", b.r.err);

	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 3, "%u results rows", t.nrows);
	unsigned s = csv_find(&t, "name", "l4_2");
	cr_expect_str_eq(csv_get(&t, s, "end"), "stopped");
	cr_expect_str_eq(csv_get(&t, s, "message"), "stopped through the control socket");
	cr_expect_lt(csv_num(&t, s, "laps"), TICKER_LAPS_4S, "l4_2 ran all its laps anyway");
	cr_expect_str_eq(csv_get(&t, s, "app_end_ms"), "", "l4_2 reported its app done");
	const char *others[] = {"l4_1", "l4_3"};
	for (unsigned k = 0; k < 2; k++) {
		unsigned i = csv_find(&t, "name", others[k]);
		cr_expect_str_eq(csv_get(&t, i, "end"), "debug-exit", "%s", others[k]);
		cr_expect_str_eq(csv_get(&t, i, "exit_status"), "1", "%s did not pass", others[k]);
		cr_expect_eq(csv_num(&t, i, "laps"), TICKER_LAPS_4S, "%s", others[k]);
		cr_expect_neq(csv_get(&t, i, "app_end_ms")[0], '\0', "%s", others[k]);
		/* it went on after l4_2 had ended (end_ms is after each guest's own launch) */
		double end_other = csv_num(&t, i, "launched_ms") + csv_num(&t, i, "end_ms");
		double end_stopped = csv_num(&t, s, "launched_ms") + csv_num(&t, s, "end_ms");
		cr_expect_gt(end_other, end_stopped, "%s ended before the stopped guest",
			     others[k]);
	}
	csv_free(&t);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

/* The population line of `tinyvmm list`: its running and paused counts. */
static void list_counts(const char *pop, unsigned *running, unsigned *paused)
{
	struct run_result r;
	const char *args[] = {"list", NULL};
	pop_tinyvmm(&r, args);
	const char *at = strstr(r.out, pop);
	cr_assert(at, "%s is not listed:\n%s", pop, r.out);
	long pid;
	unsigned guests;
	cr_assert_eq(sscanf(at + strlen(pop), "%ld %u %u %u", &pid, &guests, running, paused), 4,
		     "%s", r.out);
	harness_result_free(&r);
}

/*
 * Pausing parks the vCPUs: a paused guest's laps and exits stand still while its neighbour's
 * go on; with every guest paused the statistics see no exits and no vCPU time at all; after
 * resume the laps go on.
 */
Test(boot_pop_control, pause_parks_the_vcpus_and_resume_goes_on)
{
	TIER_REQUIRE(TIER_KVM);
	char ticker[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], results[PATH_MAX + 16];
	char name[32];
	pop_guest(ticker, sizeof(ticker), "pit_laps");
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(name, sizeof(name), "pause_%ld", (long)getpid());
	struct bg_run b = {.args = {"pop", "-t", "l4", "-i", ticker, "-n", "2", "--app",
				    TICKER_APP_FOREVER, "--name", name, "--stats", stats,
				    "--interval", "0.25", "--results", results, NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	pop_wait_listed(&b, name);
	struct listed_guest a0, a1, b0, b1;
	wait_laps(name, "l4_1", 3, &a0);
	wait_laps(name, "l4_2", 3, &b0);

	/* one guest: it stands still, its neighbour does not */
	control("pause", name, "l4_1", "l4_1: paused");
	sleep_ms(300); /* the vCPU leaves KVM_RUN at the kick; give it time to park */
	pop_list_guest(name, "l4_1", &a0);
	pop_list_guest(name, "l4_2", &b0);
	sleep_ms(1500);
	pop_list_guest(name, "l4_1", &a1);
	pop_list_guest(name, "l4_2", &b1);
	cr_expect_str_eq(a1.state, "paused");
	cr_expect_eq(a1.laps, a0.laps, "paused l4_1 went from %u to %u laps", a0.laps, a1.laps);
	cr_expect_eq(a1.exits, a0.exits, "paused l4_1 went from %llu to %llu exits", a0.exits,
		     a1.exits);
	cr_expect_gt(b1.laps, b0.laps, "running l4_2 made no laps (%u)", b1.laps);
	cr_expect_gt(b1.exits, b0.exits, "running l4_2 made no exits");

	/* every guest: the population's figures stand still */
	control("pause", name, NULL, "paused: 1 guests");
	unsigned running, paused;
	list_counts(name, &running, &paused);
	cr_expect_eq(paused, 2, "tinyvmm list shows %u paused", paused);
	cr_expect_eq(running, 2, "paused guests still count as running: %u", running);
	sleep_ms(300);
	int64_t paused_from = wall_ms();
	sleep_ms(2000);
	int64_t paused_to = wall_ms();
	control("resume", name, NULL, "resumed: 2 guests");
	struct listed_guest a2;
	wait_laps(name, "l4_1", a1.laps + 2, &a2);
	cr_expect_str_eq(a2.state, "running");
	control("stop", name, NULL, "stopping 2 guests");
	bg_join(&b);
	pop_expect_status(&b.r, 0);

	struct csv_table t;
	csv_load(&t, stats);
	unsigned still = 0, busy = 0;
	for (unsigned i = 1; i < t.nrows; i++) {
		double from = csv_num(&t, i - 1, "timestamp_ms"),
		       to = csv_num(&t, i, "timestamp_ms");
		double cpu0 = csv_num(&t, i - 1, "vcpu_cpu_s"), cpu1 = csv_num(&t, i, "vcpu_cpu_s");
		if (to <= (double)paused_from - 300 && csv_num(&t, i, "exits_per_s") > 0 &&
		    cpu1 > cpu0)
			busy++; /* rows before any pause: the figures do move */
		if (from < (double)paused_from || to > (double)paused_to)
			continue;
		still++;
		cr_expect_eq(csv_num(&t, i, "guests_paused"), 2, "row %u", i + 1);
		cr_expect_eq(csv_num(&t, i, "vms_running"), 2, "row %u", i + 1);
		cr_expect_eq(csv_num(&t, i, "exits_per_s"), 0, "row %u: exits while paused", i + 1);
		cr_expect_eq(cpu1, cpu0, "row %u: vCPU time went from %.3f to %.3f s while paused",
			     i + 1, cpu0, cpu1);
		cr_expect_eq(csv_num(&t, i, "vcpu_cpu_pct"), 0, "row %u", i + 1);
	}
	cr_expect_geq(still, 4, "only %u statistics rows fell inside the 2 s of pause", still);
	cr_expect_gt(busy, 0, "no row before the pause showed exits and vCPU time");
	csv_free(&t);

	csv_load(&t, results);
	cr_assert_eq(t.nrows, 2);
	unsigned i = csv_find(&t, "name", "l4_1");
	cr_expect_str_eq(csv_get(&t, i, "end"), "stopped");
	cr_expect_gt(csv_num(&t, i, "laps"), a1.laps, "l4_1 made no laps after resume");
	csv_free(&t);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

/*
 * The status-2 errors only a running population can give: a second one under the same
 * name (refused before it opens KVM), and a request the population refuses.
 */
Test(boot_pop_control, errors_against_a_running_population)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], name[32], want[PATH_MAX + 160];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(name, sizeof(name), "dup_%ld", (long)getpid());
	struct bg_run b = {.args = {"pop", "-t", "l4", "-i", idle, "-n", "1", "--name", name, NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	pop_wait_listed(&b, name);

	struct run_result r;
	const char *again[] = {"pop", "-t", "l4", "-i", idle, "-n", "1", "--name", name, NULL};
	pop_tinyvmm(&r, again);
	pop_expect_status(&r, 2);
	snprintf(want, sizeof(want),
		 "tinyvmm pop: a population is already running with socket '%s/%s.sock'\n", dir,
		 name);
	cr_expect_str_eq(r.err, want, "stderr:\n%s", r.err);
	harness_result_free(&r);

	const char *nosuch[] = {"stop", name, "l4_1", "l4_99", NULL};
	pop_tinyvmm(&r, nosuch);
	pop_expect_status(&r, 2);
	cr_expect_str_eq(r.err,
			 "tinyvmm stop: stop: 1 of 2 guests could not be handled (first: "
			 "l4_99)\n",
			 "stderr:\n%s", r.err);
	cr_expect_str_eq(r.out, "l4_1: stopping\nl4_99: no such guest\n", "stdout:\n%s", r.out);
	harness_result_free(&r);
	bg_join(&b); /* l4_1 was its only guest: the population has ended */
	pop_expect_status(&b.r, 0);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}
