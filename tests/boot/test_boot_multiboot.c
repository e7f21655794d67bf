/* Boot tests: multiboot v1 guests (hello, mbinfo, triple) under tinyvmm; skipped without /dev/kvm.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "tests/boot/harness.h"

#define BOOT_TIMEOUT_S 30

Test(boot_multiboot, hello_prints_and_passes)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX], how[96];
	struct run_result r;
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "hello"), 0,
		     "guest hello not built (make test builds it)");
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, NULL};
	int err = harness_run_tinyvmm(args, NULL, BOOT_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));

	cr_expect(strstr(r.out, "Hello from a tinyvmm guest\n") != NULL,
		  "no greeting on stdout:\n%s", r.out);
	cr_expect(strstr(r.out, "PASS hello\n") != NULL, "no PASS line on stdout:\n%s", r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1: debug-exit 0); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	harness_result_free(&r);
}

Test(boot_multiboot, mbinfo_cmdline_modules_mmap)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX], dir[PATH_MAX], how[96];
	uint8_t a[HARNESS_MOD_A_SIZE], b[HARNESS_MOD_B_SIZE], c[HARNESS_MOD_C_SIZE];
	struct run_result r;
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "mbinfo"), 0,
		     "guest mbinfo not built (make test builds it)");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	harness_module_fill(a, sizeof(a), 'A');
	harness_module_fill(b, sizeof(b), 'B');
	harness_module_fill(c, sizeof(c), 'C');
	int werr = harness_write_file(dir, "mod-a", a, sizeof(a));
	if (!werr)
		werr = harness_write_file(dir, "mod-b", b, sizeof(b));
	if (!werr)
		werr = harness_write_file(dir, "mod-c", c, sizeof(c));

	/* Run inside the temp dir so each module string is exactly what the guest expects. */
	const char *args[] = {"run",
			      "-m",
			      "8",
			      "-kernel",
			      kernel,
			      "-append",
			      "mbinfo-test key=value",
			      "-initrd",
			      "mod-a alpha,mod-b,mod-c gamma delta",
			      NULL};
	int err = werr ? werr : harness_run_tinyvmm(args, dir, BOOT_TIMEOUT_S, &r);
	harness_rmdir(dir);
	cr_assert_eq(werr, 0, "writing the module files failed: %s", strerror(-werr));
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));

	cr_expect(strstr(r.out, "PASS mbinfo\n") != NULL, "guest did not pass:\n%s", r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);
}

Test(boot_multiboot, triple_fault_ends_the_vm_as_a_crash)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX], how[96];
	struct run_result r;
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "triple"), 0,
		     "guest triple not built (make test builds it)");
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, NULL};
	int err = harness_run_tinyvmm(args, NULL, BOOT_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));

	/* A clean exit with the crash status: no signal, no hang, no debug-exit. */
	cr_expect(!r.timed_out && r.signal == 0, "tinyvmm %s",
		  harness_describe(&r, how, sizeof(how)));
	cr_expect(strstr(r.out, "triple: loading an empty IDT") != NULL, "guest never ran:\n%s",
		  r.out);
	cr_expect(strstr(r.out, "FAIL") == NULL, "guest survived the fault:\n%s", r.out);
	cr_expect_eq(r.status, 4, "tinyvmm %s (want 4: guest crash); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.err, "triple fault") != NULL,
		  "stderr does not say \"triple fault\":\n%s", r.err);
	harness_result_free(&r);
}
