/* Boot tests: where COM1 output goes with -serial file:PATH and -serial none. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests/boot/harness.h"

#define SERIAL_TIMEOUT_S 30
#define HELLO_LINES	 "Hello from a tinyvmm guest\nPASS hello\n"

/* Reads at most size - 1 bytes of `path` into buf, NUL-terminated; -1 if it cannot be read. */
static long read_small_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

Test(boot_serial, file_destination_gets_the_output_and_stdout_none)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], path[PATH_MAX + 32], arg[PATH_MAX + 64], how[96], log[4096];
	struct run_result r;
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	snprintf(path, sizeof(path), "%s/com1.log", dir);
	snprintf(arg, sizeof(arg), "file:%s", path);
	const char *extra[] = {"-m", "8", "-serial", arg, NULL};
	int err = harness_boot_guest("hello", extra, NULL, SERIAL_TIMEOUT_S, &r);
	long n = err ? -1 : read_small_file(path, log, sizeof(log));
	harness_rmdir(dir);
	cr_assert_eq(err, 0, "could not run guest hello (make test builds it): %s", strerror(-err));

	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(n >= 0, "tinyvmm did not create %s", path);
	cr_expect(n >= 0 && strcmp(log, HELLO_LINES) == 0,
		  "the file does not hold exactly the guest's output:\n%s", n >= 0 ? log : "");
	cr_expect_eq(r.out_len, 0, "guest output also went to stdout:\n%s", r.out);
	cr_expect(strstr(r.err, "Hello") == NULL, "guest output went to stderr:\n%s", r.err);
	harness_result_free(&r);
}

Test(boot_serial, file_destination_in_a_missing_directory_is_refused)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], arg[PATH_MAX + 32], how[96];
	struct run_result r;
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	snprintf(arg, sizeof(arg), "file:%s/no-such-dir/com1.log", dir);
	const char *extra[] = {"-m", "8", "-serial", arg, NULL};
	int err = harness_boot_guest("hello", extra, NULL, SERIAL_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(err, 0, "could not run guest hello (make test builds it): %s", strerror(-err));

	cr_expect_eq(r.status, 2, "tinyvmm %s (want 2: bad input); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.err, "no-such-dir/com1.log") != NULL,
		  "stderr does not name the serial file:\n%s", r.err);
	cr_expect(!harness_out_has(&r, "Hello"), "the guest ran anyway:\n%s", r.out);
	harness_result_free(&r);
}

Test(boot_serial, none_discards_the_output_and_keeps_the_status)
{
	TIER_REQUIRE(TIER_KVM);
	char how[96];
	struct run_result r;
	const char *extra[] = {"-m", "8", "-serial", "none", NULL};
	int err = harness_boot_guest("hello", extra, NULL, SERIAL_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run guest hello (make test builds it): %s", strerror(-err));

	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1: the guest passed unheard); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect_eq(r.out_len, 0, "guest output reached stdout:\n%s", r.out);
	cr_expect(strstr(r.err, "Hello") == NULL && strstr(r.err, "PASS") == NULL,
		  "guest output reached stderr:\n%s", r.err);
	harness_result_free(&r);
}
