/* Boot test of SIGINT to `tinyvmm run`: the VM stops at once, status 0, its output whole. */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

/*
 * SIGINT stops the VM: tinyvmm run says so and ends with status 0 at once (cli/run_watch.c).
 * The report lines and the serial file are written as they happen, so everything up to the
 * signal is there, in whole lines.
 */
Test(boot_run_signals, sigint_ends_run_at_once_with_its_output_whole)
{
	TIER_REQUIRE(TIER_KVM);
	char ticker[PATH_MAX], dir[PATH_MAX], report[PATH_MAX + 16], serial[PATH_MAX + 16];
	char ropt[PATH_MAX + 32], sopt[PATH_MAX + 32], marker[48];
	pop_guest(ticker, sizeof(ticker), "pit_laps");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	snprintf(report, sizeof(report), "%s/report.txt", dir);
	snprintf(serial, sizeof(serial), "%s/serial.txt", dir);
	snprintf(ropt, sizeof(ropt), "file:%s", report);
	snprintf(sopt, sizeof(sopt), "file:%s", serial);
	snprintf(marker, sizeof(marker), "sigint-%ld", (long)getpid());
	struct bg_run b = {.args = {"run", "-m", "8", "-kernel", ticker, "-name", marker, "-app",
				    "div=11932 ticks=20 laps=0", "-report", ropt, "-serial", sopt,
				    NULL},
			   .timeout_s = 60};
	bg_start(&b);
	long pid = bg_pid(&b);
	unsigned laps = 0;
	for (int i = 0; i < 300 && laps < 3; i++) {
		sleep_ms(100);
		char *text = pop_slurp(report);
		laps = 0;
		for (const char *p = text; p && (p = strstr(p, " lap ")); p++)
			laps++;
		free(text);
	}
	cr_assert_geq(laps, 3, "the guest reported %u laps", laps);
	int64_t t0 = wall_ms();
	cr_assert_eq(kill((pid_t)pid, SIGINT), 0);
	bg_join(&b);
	int64_t took = wall_ms() - t0;
	cr_expect(b.r.signal == 0 && b.r.status == 0 && !b.r.timed_out,
		  "tinyvmm run did not stop the VM and exit 0 (status %d, signal %d%s): %s",
		  b.r.status, b.r.signal, b.r.timed_out ? ", timed out" : "", b.r.err);
	char said[96];
	snprintf(said, sizeof(said), "tinyvmm: vm '%s' stopped by SIGINT\n", marker);
	cr_expect(strstr(b.r.err, said) != NULL, "stderr:\n%s", b.r.err);
	cr_expect_lt(took, 5000, "SIGINT took %lld ms to end it", (long long)took);

	/* the reports: whole lines, kernel-up then laps 0, 1, 2 ... in order */
	char *text = pop_slurp(report);
	cr_assert(text);
	size_t len = strlen(text);
	cr_expect(len > 0 && text[len - 1] == '\n', "the last report line is cut:\n%s", text);
	unsigned next = 0, lines = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
		double t;
		char event[24];
		unsigned value;
		cr_assert_eq(sscanf(line, "report %lf %23s %u", &t, event, &value), 3, "'%s'",
			     line);
		if (lines == 0)
			cr_expect_str_eq(event, "kernel-up");
		else
			cr_expect(!strcmp(event, "lap") && value == next++, "line %u: %s",
				  lines + 1, line);
	}
	cr_expect_geq(next, 3);
	free(text);
	text = pop_slurp(serial);
	cr_expect_str_eq(text, "pit_laps: divisor 11932, 20 interrupts a lap, laps 0\n");
	free(text);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}
