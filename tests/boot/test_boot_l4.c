/* Boot tests of the L4 guest (guests/l4): direct multiboot and GRUB floppy boot, every app, the
 * pager, bad modules; skipped without /dev/kvm. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/boot/app_run.h"

/* Apps that end (count=, laps=, context, ipc, fault) power the VM off: status 0. */
#define L4_TIMEOUT_S	 120
#define FLOPPY_TIMEOUT_S 90

/* Direct boot: tinyvmm run -m MEM -kernel kickstart -initrd "x86-kernel,sigma0,roottask ARGS". */
static void l4_direct(struct app_run *run, const char *mem, const char *roottask_args,
		      unsigned timeout_s)
{
	static char kick[256], kern[256], s0[256], root[256];
	app_build_file(kick, sizeof(kick), "guests/l4/kickstart");
	app_build_file(kern, sizeof(kern), "guests/l4/x86-kernel");
	app_build_file(s0, sizeof(s0), "guests/l4/sigma0");
	app_build_file(root, sizeof(root), "guests/l4/roottask");
	char mods[1200];
	snprintf(mods, sizeof(mods), "%s,%s,%s %s", kern, s0, root, roottask_args);
	const char *args[] = {"run", "-m", mem, "-kernel", kick, "-initrd", mods, NULL};
	app_run_tinyvmm(run, args, timeout_s);
}

Test(boot_l4, hello_lines_a_second_apart_by_direct_boot)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	l4_direct(&run, "2", "app=hello count=5", L4_TIMEOUT_S);
	app_expect_status(&run, 0);
	app_expect_out(&run, "L4/x86-64");
	app_expect_out(&run, "sigma0:");
	app_expect_out(&run, "Starting infinite loop\n");
	for (unsigned k = 1; k <= 5; k++) {
		char line[40];
		snprintf(line, sizeof(line), "Sleeping. Count %u\n", k);
		app_expect_out(&run, line);
	}
	cr_assert(app_find_report(&run, "kernel-up", 0), "no kernel-up report");
	cr_assert(app_find_report(&run, "app-start", 1), "no app-start (hello) report");
	cr_assert(app_find_report(&run, "app-done", 5), "no app-done report");
	/* drift-free: the mean period over four gaps is the period itself (±2 %) */
	double mean = (app_lap_time(&run, 5) - app_lap_time(&run, 1)) / 4;
	cr_assert(mean > 0.98 && mean < 1.02, "mean period %.4f s, expected 1 s ±2 %%", mean);
	for (unsigned k = 2; k <= 5; k++) {
		double gap = app_lap_time(&run, k) - app_lap_time(&run, k - 1);
		cr_assert(gap > 0.8 && gap < 1.2, "lap %u came %.3f s after lap %u", k, gap, k - 1);
	}
	app_run_done(&run);
}

Test(boot_l4, hello_from_the_grub_floppy_in_2_mib)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	app_build_file(img, sizeof(img), "images/l4.img");
	/* hello runs forever: the harness ends it once the time is up */
	const char *args[] = {"run", "-m", "2", "-fda", img, "-snapshot", NULL};
	struct app_run run;
	app_run_tinyvmm(&run, args, 45);
	cr_assert(run.r.timed_out, "hello ended by itself:\n%s\n%s", run.r.out, run.r.err);
	app_expect_out(&run, "Starting infinite loop\n");
	app_expect_out(&run, "Sleeping. Count 1\n");
	app_expect_out(&run, "Sleeping. Count 3\n");
	double mean = (app_lap_time(&run, 3) - app_lap_time(&run, 1)) / 2;
	cr_assert(mean > 0.98 && mean < 1.02, "mean period %.4f s, expected 1 s ±2 %%", mean);
	app_run_done(&run);
}

Test(boot_l4, pattern_computes_fib_and_sleeps_what_it_should)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	l4_direct(&run, "2", "app=pattern pattern=B n=20 sleep=2s laps=3", L4_TIMEOUT_S);
	app_expect_status(&run, 0);
	app_expect_pattern_b_laps(&run, 2.3);
	app_run_done(&run);
}

Test(boot_l4, context_sleeps_then_runs_its_laps)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	l4_direct(&run, "2", "app=context sleep=2s laps=3 n=20", L4_TIMEOUT_S);
	app_expect_status(&run, 0);
	app_expect_out(&run, "fib(20) = 10946");
	const struct report_line *start = app_find_report(&run, "app-start", 3);
	cr_assert(start != NULL, "no app-start (context) report\n%s", run.r.out);
	double first = app_lap_time(&run, 1) - start->t;
	cr_assert(first > 1.96 && first < 2.3, "first lap %.3f s after the start, slept 2 s",
		  first);
	app_lap_time(&run, 3);
	cr_assert(app_find_report(&run, "app-done", 3), "no app-done report");
	app_run_done(&run);
}

Test(boot_l4, ipc_ping_pong_between_two_address_spaces)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	l4_direct(&run, "2", "app=ipc rounds=2000", L4_TIMEOUT_S);
	app_expect_status(&run, 0);
	app_expect_out(&run, "ipc: 2000 round trips in ");
	cr_assert(app_find_report(&run, "app-done", 0) || app_find_report(&run, "app-done", 1) ||
		      app_find_report(&run, "app-done", 2000),
		  "no app-done report\n%s", run.r.out);
	app_run_done(&run);
}

Test(boot_l4, sigma0_serves_fresh_memory_and_a_rogue_thread_stops_alone)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	l4_direct(&run, "2", "app=fault pages=32", L4_TIMEOUT_S);
	app_expect_status(&run, 0);
	app_expect_out(&run, "l4: thread 33 stopped");
	app_expect_out(&run, "fault: PASS");
	cr_assert(app_find_report(&run, "fault", 33), "no fault report for thread 33\n%s",
		  run.r.out);
	app_run_done(&run);
}

Test(boot_l4, bad_app_parameters_are_refused_by_the_app)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	l4_direct(&run, "2", "app=pattern pattern=Q", L4_TIMEOUT_S);
	app_expect_out(&run, "apps: ");
	cr_assert(app_find_report(&run, "app-error", 0), "no app-error report\n%s", run.r.out);
	app_run_done(&run);
}

Test(boot_l4, kickstart_refuses_a_module_that_is_no_elf)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[256], kick[256], kern[256], root[256], bad[300];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	cr_assert_eq(harness_write_file(dir, "sigma0.txt", "not an ELF file\n", 16), 0);
	snprintf(bad, sizeof(bad), "%s/sigma0.txt", dir);
	app_build_file(kick, sizeof(kick), "guests/l4/kickstart");
	app_build_file(kern, sizeof(kern), "guests/l4/x86-kernel");
	app_build_file(root, sizeof(root), "guests/l4/roottask");
	char mods[900];
	snprintf(mods, sizeof(mods), "%s,%s,%s app=hello", kern, bad, root);
	const char *args[] = {"run", "-m", "2", "-kernel", kick, "-initrd", mods, NULL};
	struct run_result r;
	cr_assert_eq(harness_run_tinyvmm(args, NULL, 30, &r), 0);
	cr_assert(harness_out_has(&r, "kickstart: "), "no kickstart error:\n%s\n%s", r.out, r.err);
	cr_assert(harness_out_has(&r, "sigma0"), "the error does not name the module:\n%s", r.out);
	cr_assert(!harness_out_has(&r, "L4/x86-64"), "the kernel started anyway:\n%s", r.out);
	harness_result_free(&r);
	harness_rmdir(dir);
}
