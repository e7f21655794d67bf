/* Boot tests of tinyvmm's command line: bad input is refused with status 2; --help and --version.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "tests/boot/harness.h"

#define CLI_TIMEOUT_S 20

/* Status 2 with a one-line message on stderr (containing `needle` if set). */
static void expect_refused(const struct run_result *r, const char *needle)
{
	char how[96];
	cr_expect_eq(r->status, 2, "tinyvmm %s (want 2: bad input); stdout:\n%s\nstderr:\n%s",
		     harness_describe(r, how, sizeof(how)), r->out, r->err);
	cr_expect(r->err_len > 0, "no message on stderr");
	const char *nl = strchr(r->err, '\n');
	cr_expect(!nl || nl[1] == '\0', "stderr is more than one line:\n%s", r->err);
	if (needle)
		cr_expect(strstr(r->err, needle) != NULL, "stderr does not name %s:\n%s", needle,
			  r->err);
}

Test(boot_cli, kernel_that_does_not_fit_in_ram)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX];
	struct run_result r;
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "hello"), 0,
		     "guest hello not built (make test builds it)");
	/* 1 MiB of RAM ends where a multiboot kernel at 1 MiB starts. */
	const char *args[] = {"run", "-m", "1", "-kernel", kernel, NULL};
	int err = harness_run_tinyvmm(args, NULL, CLI_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	expect_refused(&r, NULL);
	/* the loader's reason, after the kernel's path: status 2 once KVM is open too */
	char want[PATH_MAX + 96];
	snprintf(want, sizeof(want),
		 "tinyvmm: %s: kernel, modules or initrd do not fit in guest RAM: ", kernel);
	cr_expect(!strncmp(r.err, want, strlen(want)), "stderr:\n%s\nwant it to start with:\n%s",
		  r.err, want);
	harness_result_free(&r);
}

Test(boot_cli, missing_kernel_file)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], kernel[PATH_MAX + 32];
	struct run_result r;
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	snprintf(kernel, sizeof(kernel), "%s/no-such-kernel", dir);
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, NULL};
	int err = harness_run_tinyvmm(args, NULL, CLI_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	expect_refused(&r, kernel);
	harness_result_free(&r);
}

Test(boot_cli, file_that_is_no_kernel)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], kernel[PATH_MAX + 32];
	uint8_t zeros[4096] = {0};
	struct run_result r;
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	int werr = harness_write_file(dir, "zeros", zeros, sizeof(zeros));
	snprintf(kernel, sizeof(kernel), "%s/zeros", dir);
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, NULL};
	int err = werr ? werr : harness_run_tinyvmm(args, NULL, CLI_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(werr, 0, "writing the file failed: %s", strerror(-werr));
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	expect_refused(&r, NULL);
	harness_result_free(&r);
}

/* Needs no KVM: only the command line parser. */
Test(boot_cli, help_and_version)
{
	char how[96];
	struct run_result r;
	const char *help[] = {"--help", NULL};
	int err = harness_run_tinyvmm(help, NULL, CLI_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
	cr_expect_eq(r.status, 0, "tinyvmm --help %s; stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.out, "-kernel") != NULL || strstr(r.err, "-kernel") != NULL,
		  "--help does not mention -kernel:\n%s%s", r.out, r.err);
	harness_result_free(&r);

	const char *version[] = {"--version", NULL};
	err = harness_run_tinyvmm(version, NULL, CLI_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	cr_expect_eq(r.status, 0, "tinyvmm --version %s; stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.out, "tinyvmm") != NULL || strstr(r.err, "tinyvmm") != NULL,
		  "--version does not print \"tinyvmm\":\n%s%s", r.out, r.err);
	harness_result_free(&r);
}
