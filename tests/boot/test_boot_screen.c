/* Boot tests of the VGA text screen on the host: -screen live, and the screen printed when a signal
 * ends the VM. */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

#define SCREEN_TIMEOUT_S 120

/* Whether file `path` holds `needle` (the -report file, written as reports arrive). */
static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[256];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/*
 * screen_lines writes "screen line 1".."screen line 30" scrolling up the screen, reports
 * app-done, then halts with interrupts off: it runs until `sig` stops it.
 */
static void run_until_signal(const char *screen, int sig, struct bg_run *b, char *dir,
			     size_t dirsize)
{
	static char kernel[PATH_MAX], report[PATH_MAX + 16], rep_arg[PATH_MAX + 32];
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "screen_lines"), 0,
		     "guest screen_lines not built (make test builds it)");
	cr_assert_eq(harness_tempdir(dir, dirsize), 0);
	snprintf(report, sizeof(report), "%s/report", dir);
	snprintf(rep_arg, sizeof(rep_arg), "file:%s", report);
	const char *args[] = {"run",	 "-m",	 "8",	    "-kernel", kernel,
			      "-screen", screen, "-report", rep_arg,   NULL};
	memcpy(b->args, args, sizeof(args));
	b->timeout_s = SCREEN_TIMEOUT_S;
	bg_start(b);
	int pid = bg_pid(b);
	int waited = 0;
	while (!file_has(report, "app-done") && waited < (SCREEN_TIMEOUT_S - 10) * 1000) {
		sleep_ms(50);
		waited += 50;
	}
	cr_assert(file_has(report, "app-done"), "the guest never finished its lines");
	sleep_ms(300); /* a few live polls after the last line */
	cr_assert_eq(kill(pid, sig), 0);
	bg_join(b);
}

Test(boot_screen, live_copies_each_new_line_once_and_sigint_ends_the_vm_with_0)
{
	TIER_REQUIRE(TIER_KVM);
	struct bg_run b;
	char dir[256], how[96];
	run_until_signal("live", SIGINT, &b, dir, sizeof(dir));
	cr_expect_eq(b.r.status, 0, "tinyvmm %s; stderr:\n%s",
		     harness_describe(&b.r, how, sizeof(how)), b.r.err);
	cr_expect(strstr(b.r.err, "tinyvmm: vm 'screen_lines' stopped by SIGINT\n") != NULL, "%s",
		  b.r.err);
	/* stdout is a pipe: the screen's lines, each once, in order, between the serial lines */
	const char *at = b.r.out;
	for (unsigned k = 1; k <= 30; k++) {
		char line[32];
		snprintf(line, sizeof(line), "screen line %u\n", k);
		cr_expect_eq(harness_out_count(&b.r, line), 1, "'%.*s' copied %zu times:\n%s",
			     (int)strlen(line) - 1, line, harness_out_count(&b.r, line), b.r.out);
		const char *next = strstr(at, line);
		cr_expect_not_null(next, "'%s' out of order:\n%s", line, b.r.out);
		if (next)
			at = next;
	}
	/* live replaces the screen at exit */
	cr_expect(strstr(b.r.err, "text screen at exit") == NULL, "%s", b.r.err);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

Test(boot_screen, sigterm_still_prints_the_screen_at_exit)
{
	TIER_REQUIRE(TIER_KVM);
	struct bg_run b;
	char dir[256], how[96];
	run_until_signal("exit", SIGTERM, &b, dir, sizeof(dir));
	cr_expect_eq(b.r.status, 0, "tinyvmm %s; stderr:\n%s",
		     harness_describe(&b.r, how, sizeof(how)), b.r.err);
	cr_expect(strstr(b.r.err, "stopped by SIGTERM") != NULL, "%s", b.r.err);
	/* the last 25 lines, 6..30, are on the screen; 1..5 scrolled away */
	const char *screen = strstr(b.r.err, "text screen at exit:\n");
	cr_assert_not_null(screen, "no screen printed:\n%s", b.r.err);
	cr_expect(strstr(screen, "\nscreen line 6\nscreen line 7\n") != NULL, "%s", screen);
	cr_expect(strstr(screen, "screen line 29\nscreen line 30\n") != NULL, "%s", screen);
	cr_expect(strstr(screen, "screen line 5\n") == NULL, "%s", screen);
	cr_expect(strstr(b.r.out, "screen line") == NULL, "no live copy without -screen live");
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

/* tinyvmm pop --logs keeps each guest's last text screen beside its log. */
Test(boot_screen, pop_keeps_each_guests_last_screen_beside_its_log)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX], idle[PATH_MAX], dir[256], spec[PATH_MAX], how[96];
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "tables"), 0);
	cr_assert_eq(harness_guest_path(idle, sizeof(idle), "hello"), 0);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	/* two guests that write the screen, one that never does */
	char text[2 * PATH_MAX + 64];
	int n = snprintf(text, sizeof(text), "-t l4 -i %s -n 2\n-t l4 -i %s -n 1\n", kernel, idle);
	cr_assert_eq(harness_write_file(dir, "spec", text, (size_t)n), 0);
	snprintf(spec, sizeof(spec), "%s/spec", dir);
	const char *args[] = {"pop", "--spec", spec, "--logs", dir, NULL};
	struct run_result r;
	cr_assert_eq(harness_run_tinyvmm(args, NULL, SCREEN_TIMEOUT_S, &r), 0);
	cr_expect_eq(r.status, 0, "tinyvmm %s; stderr:\n%s", harness_describe(&r, how, sizeof(how)),
		     r.err);
	for (unsigned k = 1; k <= 2; k++) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof(path), "%s/l4_%u.screen", dir, k);
		FILE *f = fopen(path, "r");
		cr_assert_not_null(f, "%s missing", path);
		char buf[256] = {0};
		size_t got = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		cr_expect_str_eq(buf, "\n\nTINYVMM TEXT SCREEN OK\n", "%s: %zu bytes", path, got);
	}
	char none[PATH_MAX + 32];
	snprintf(none, sizeof(none), "%s/l4_3.screen", dir);
	cr_expect(access(none, F_OK) != 0, "a blank screen was kept: %s", none);
	harness_result_free(&r);
	harness_rmdir(dir);
}
