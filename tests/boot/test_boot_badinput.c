/* Boot-tier tests of bad input on tinyvmm's command line; all are refused before /dev/kvm is
 * opened. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/boot/harness.h"

/*
 * None of these needs KVM: tinyvmm checks options, RAM size and every file before it opens
 * /dev/kvm. Each message is checked for the real reason, because a host without /dev/kvm
 * would also end with status 2.
 */
#define BAD_TIMEOUT_S 20

static void run_args(const char *const args[], struct run_result *r)
{
	int err = harness_run_tinyvmm(args, NULL, BAD_TIMEOUT_S, r);
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
}

/* Status 2, one line on stderr naming `needle`, nothing on stdout. */
static void expect_refused(const struct run_result *r, const char *needle)
{
	char how[96];
	cr_expect_eq(r->status, 2, "tinyvmm %s (want 2: bad input); stdout:\n%s\nstderr:\n%s",
		     harness_describe(r, how, sizeof(how)), r->out, r->err);
	const char *nl = strchr(r->err, '\n');
	cr_expect(r->err_len > 0 && (!nl || nl[1] == '\0'),
		  "stderr is not one line of explanation:\n%s", r->err);
	cr_expect(strstr(r->err, needle) != NULL, "stderr does not mention '%s':\n%s", needle,
		  r->err);
	cr_expect(strstr(r->err, "/dev/kvm") == NULL, "refused for KVM, not for the input:\n%s",
		  r->err);
	cr_expect_eq(r->out_len, 0, "something reached stdout:\n%s", r->out);
}

/* Guest path for `name`; a test that needs one fails if it was not built. */
static void guest(char *buf, size_t size, const char *name)
{
	int err = harness_guest_path(buf, size, name);
	cr_assert_eq(err, 0, "guest %s not built (make test builds it): %s", name, strerror(-err));
}

Test(boot_badinput, ram_size_zero)
{
	char kernel[PATH_MAX];
	struct run_result r;
	guest(kernel, sizeof(kernel), "hello");
	const char *args[] = {"run", "-m", "0", "-kernel", kernel, NULL};
	run_args(args, &r);
	expect_refused(&r, "-m");
	harness_result_free(&r);
}

Test(boot_badinput, ram_size_with_unknown_suffix)
{
	char kernel[PATH_MAX];
	struct run_result r;
	guest(kernel, sizeof(kernel), "hello");
	const char *args[] = {"run", "-m", "12Q", "-kernel", kernel, NULL};
	run_args(args, &r);
	expect_refused(&r, "12Q");
	harness_result_free(&r);
}

Test(boot_badinput, ram_size_that_overflows)
{
	char kernel[PATH_MAX];
	struct run_result r;
	guest(kernel, sizeof(kernel), "hello");
	/* 2^64 MiB: the shift to bytes must not wrap to a small size */
	const char *args[] = {"run", "-m", "18446744073709551615G", "-kernel", kernel, NULL};
	run_args(args, &r);
	expect_refused(&r, "-m");
	harness_result_free(&r);
}

Test(boot_badinput, kernel_is_a_directory)
{
	char dir[PATH_MAX];
	struct run_result r;
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	const char *args[] = {"run", "-m", "8", "-kernel", dir, NULL};
	int err = harness_run_tinyvmm(args, NULL, BAD_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
	expect_refused(&r, "is a directory");
	cr_expect(strstr(r.err, dir) != NULL, "stderr does not name the directory:\n%s", r.err);
	harness_result_free(&r);
}

Test(boot_badinput, missing_module_file_is_named)
{
	char kernel[PATH_MAX], dir[PATH_MAX], missing[PATH_MAX + 32], list[2 * PATH_MAX + 64];
	struct run_result r;
	guest(kernel, sizeof(kernel), "mbinfo");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	uint8_t mod[64] = {0};
	int werr = harness_write_file(dir, "present", mod, sizeof(mod));
	snprintf(missing, sizeof(missing), "%s/absent-module", dir);
	snprintf(list, sizeof(list), "%s/present alpha,%s beta", dir, missing);
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, "-initrd", list, NULL};
	int err = werr ? werr : harness_run_tinyvmm(args, NULL, BAD_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(werr, 0, "writing the module failed: %s", strerror(-werr));
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
	/* the file's path, not the whole list entry with its arguments */
	expect_refused(&r, missing);
	cr_expect(strstr(r.err, "beta") == NULL,
		  "the module's arguments were taken as its path:\n%s", r.err);
	harness_result_free(&r);
}

Test(boot_badinput, bzimage_with_two_initrds)
{
	char kernel[PATH_MAX], dir[PATH_MAX], list[2 * PATH_MAX + 32];
	uint8_t data[HARNESS_INITRD_SIZE];
	struct run_result r;
	guest(kernel, sizeof(kernel), "bzimage");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	harness_initrd_fill(data, sizeof(data));
	int werr = harness_write_file(dir, "initrd1", data, sizeof(data));
	if (!werr)
		werr = harness_write_file(dir, "initrd2", data, sizeof(data));
	snprintf(list, sizeof(list), "%s/initrd1,%s/initrd2", dir, dir);
	const char *args[] = {"run", "-m", "16", "-kernel", kernel, "-initrd", list, NULL};
	int err = werr ? werr : harness_run_tinyvmm(args, NULL, BAD_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(werr, 0, "writing the initrds failed: %s", strerror(-werr));
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
	expect_refused(&r, "initrd");
	harness_result_free(&r);
}

Test(boot_badinput, smp_zero)
{
	char kernel[PATH_MAX];
	struct run_result r;
	guest(kernel, sizeof(kernel), "hello");
	const char *args[] = {"run", "-m", "8", "-smp", "0", "-kernel", kernel, NULL};
	run_args(args, &r);
	expect_refused(&r, "-smp");
	harness_result_free(&r);
}

Test(boot_badinput, unknown_option)
{
	char kernel[PATH_MAX];
	struct run_result r;
	guest(kernel, sizeof(kernel), "hello");
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, "-frobnicate", "yes", NULL};
	run_args(args, &r);
	expect_refused(&r, "-frobnicate");
	harness_result_free(&r);
}

Test(boot_badinput, load_addr_not_page_aligned)
{
	char kernel[PATH_MAX];
	struct run_result r;
	guest(kernel, sizeof(kernel), "flat64");
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, "-load-addr", "0x200010", NULL};
	run_args(args, &r);
	expect_refused(&r, "-load-addr");
	harness_result_free(&r);
}
