/* Boot-test helpers for guests that run the shared apps: tinyvmm under -report file:, the reports
 * read back. */
#ifndef TINYVMM_TESTS_BOOT_APP_RUN_H
#define TINYVMM_TESTS_BOOT_APP_RUN_H

#include "tests/boot/harness.h"

/*
 * Every check of time uses the host timestamps tinyvmm puts on the guest's reports
 * (abi/report_abi.h), never the guest's own clock.
 */
struct report_line {
	double t;
	char event[24];
	unsigned value;
};

#define APP_RUN_MAX_REPORTS 64

struct app_run {
	struct run_result r;
	struct report_line rep[APP_RUN_MAX_REPORTS];
	unsigned nrep;
	char dir[256];
};

/* $TINYVMM_BUILD/rel into buf, asserting the file exists (make guests / make images build it). */
void app_build_file(char *buf, size_t size, const char *rel);

/* Runs tinyvmm with `args` (NULL-terminated, at most 20) plus -report into a temp dir. */
void app_run_tinyvmm(struct app_run *run, const char *const args[], unsigned timeout_s);
void app_run_done(struct app_run *run);

/* The first report of `event` with `value`, or NULL. */
const struct report_line *app_find_report(const struct app_run *run, const char *event,
					  unsigned value);
/* Lap k's host time, asserting it was reported. */
double app_lap_time(const struct app_run *run, unsigned k);

void app_expect_status(const struct app_run *run, int status);

/*
 * The shared pattern check of every guest: "app=pattern pattern=B n=20 sleep=2s laps=3"
 * ran to its end: three fib(20) lines, APP_START(pattern), APP_DONE(3), and laps 2 and 3
 * each 2 s (at least 1.96 s, less than `max_gap` s) after the one before, by host time.
 */
void app_expect_pattern_b_laps(const struct app_run *run, double max_gap);
void app_expect_out(const struct app_run *run, const char *needle);

#endif
