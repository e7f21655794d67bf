/* Tests of the boot-test harness itself (no KVM): status, separate streams, timeout, signals, cwd,
 * caps. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/boot/harness.h"

static int run_sh(const char *script, const char *cwd, unsigned timeout_s, struct run_result *r)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	return harness_run(argv, cwd, timeout_s, r);
}

Test(boot_harness, status_and_separate_streams)
{
	struct run_result r;
	cr_assert_eq(run_sh("printf 'to out\\n'; printf 'to err' >&2; exit 3", NULL, 10, &r), 0);
	cr_expect_eq(r.status, 3);
	cr_expect_eq(r.signal, 0);
	cr_expect_eq(r.timed_out, 0);
	cr_expect_str_eq(r.out, "to out\n");
	cr_expect_eq(r.out_len, 7);
	cr_expect_str_eq(r.err, "to err");
	harness_result_free(&r);
}

Test(boot_harness, empty_output_is_an_empty_string)
{
	struct run_result r;
	cr_assert_eq(run_sh("exit 0", NULL, 10, &r), 0);
	cr_expect_eq(r.status, 0);
	cr_assert_not_null(r.out);
	cr_assert_not_null(r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "");
	harness_result_free(&r);
}

Test(boot_harness, hung_child_is_killed_at_the_deadline)
{
	struct run_result r;
	struct timespec t0, t1;
	char how[96];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(run_sh("echo started; exec sleep 30", NULL, 1, &r), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_eq(r.timed_out, 1);
	cr_expect_eq(r.status, -1, "a killed child has no exit status");
	cr_expect_str_eq(r.out, "started\n", "output before the timeout is kept");
	cr_expect(secs >= 0.9 && secs < 5.0, "took %.2f s for a 1 s timeout", secs);
	cr_expect(strstr(harness_describe(&r, how, sizeof(how)), "timed out") != NULL, "%s", how);
	harness_result_free(&r);
}

Test(boot_harness, child_that_closes_its_output_still_times_out)
{
	struct run_result r;
	cr_assert_eq(run_sh("exec sleep 30 >/dev/null 2>&1", NULL, 1, &r), 0);
	cr_expect_eq(r.timed_out, 1);
	harness_result_free(&r);
}

Test(boot_harness, death_by_signal_is_reported)
{
	struct run_result r;
	char how[96];
	cr_assert_eq(run_sh("kill -SEGV $$", NULL, 10, &r), 0);
	cr_expect_eq(r.signal, 11);
	cr_expect_eq(r.status, -1);
	cr_expect_eq(r.timed_out, 0);
	cr_expect(strstr(harness_describe(&r, how, sizeof(how)), "signal 11") != NULL, "%s", how);
	harness_result_free(&r);
}

Test(boot_harness, runs_in_the_given_directory)
{
	char dir[PATH_MAX], want[PATH_MAX + 2];
	struct run_result r;
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	int err = run_sh("pwd -P", dir, 10, &r);
	char *real = realpath(dir, NULL);
	harness_rmdir(dir);
	cr_assert_eq(err, 0);
	cr_assert_not_null(real);
	snprintf(want, sizeof(want), "%s\n", real);
	free(real);
	cr_expect_str_eq(r.out, want);
	harness_result_free(&r);
}

Test(boot_harness, output_beyond_the_cap_is_drained_not_kept)
{
	struct run_result r;
	/* 3 MiB: if the harness stopped reading at its cap the child would block on the pipe. */
	cr_assert_eq(run_sh("head -c 3145728 /dev/zero | tr '\\0' x", NULL, 20, &r), 0);
	cr_expect_eq(r.timed_out, 0, "the child blocked on a full pipe");
	cr_expect_eq(r.status, 0);
	cr_expect_eq(r.out_len, HARNESS_OUT_MAX);
	cr_expect_eq(strlen(r.out), HARNESS_OUT_MAX);
	harness_result_free(&r);
}

Test(boot_harness, missing_program_exits_127)
{
	struct run_result r;
	const char *argv[] = {"/nonexistent/tinyvmm", NULL};
	cr_assert_eq(harness_run(argv, NULL, 10, &r), 0);
	cr_expect_eq(r.status, 127);
	harness_result_free(&r);
}

Test(boot_harness, build_dir_from_environment)
{
	char dir[PATH_MAX], path[PATH_MAX], want[PATH_MAX + 16];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	char *real = realpath(dir, NULL);
	cr_assert_not_null(real);
	/* Each Criterion test runs in its own process: the variable does not leak. */
	setenv("TINYVMM_BUILD", dir, 1);
	int err = harness_build_path(path, sizeof(path), "tinyvmm");
	char guest[PATH_MAX];
	int guest_err = harness_guest_path(guest, sizeof(guest), "hello");
	harness_rmdir(dir);
	cr_assert_eq(err, 0);
	snprintf(want, sizeof(want), "%s/tinyvmm", real);
	free(real);
	cr_expect_str_eq(path, want);
	cr_expect_eq(guest_err, -ENOENT, "no guests were built in an empty build dir");
}

Test(boot_harness, guest_data_files_follow_the_guests_contract)
{
	uint8_t mod[16], initrd[40];
	harness_module_fill(mod, sizeof(mod), 'B');
	cr_expect_arr_eq(mod, "TVM-MODBBBBBBBBB", 16);
	harness_initrd_fill(initrd, sizeof(initrd));
	cr_expect_eq(initrd[0], 3);
	cr_expect_eq(initrd[1], 10);
	cr_expect_eq(initrd[36], (36 * 7 + 3) & 0xFF);
	cr_expect_eq(initrd[37], 6, "(37 * 7 + 3) = 262 wraps to 6");
}
