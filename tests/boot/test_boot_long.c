/* Boot tests: 64-bit entries (bzImage, ELF64) and the kvm_pvm instruction fixups. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "tests/boot/harness.h"

#define BOOT_TIMEOUT_S 30

/* Runs a guest that must PASS; `dir`, if set, is removed once the run is over. */
static void expect_pass(const char *name, const char *const args[], const char *dir)
{
	char pass[64], how[96];
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, BOOT_TIMEOUT_S, &r);
	if (dir)
		harness_rmdir(dir);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));

	snprintf(pass, sizeof(pass), "PASS %s\n", name);
	cr_expect(strstr(r.out, pass) != NULL, "%s did not pass:\n%s", name, r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);
}

Test(boot_long, bzimage_boot_params_with_initrd)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX], dir[PATH_MAX], initrd[PATH_MAX + 16];
	uint8_t data[HARNESS_INITRD_SIZE];
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "bzimage"), 0,
		     "guest bzimage not built (make test builds it)");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	harness_initrd_fill(data, sizeof(data));
	int werr = harness_write_file(dir, "initrd", data, sizeof(data));
	if (werr)
		harness_rmdir(dir);
	cr_assert_eq(werr, 0, "writing the initrd failed: %s", strerror(-werr));
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);

	const char *args[] = {"run",	 "-m",	    "16",      "-kernel", kernel,
			      "-append", "bz-test", "-initrd", initrd,	  NULL};
	expect_pass("bzimage", args, dir);
}

Test(boot_long, bzimage_without_initrd)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX];
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "bzimage"), 0,
		     "guest bzimage not built (make test builds it)");
	const char *args[] = {"run", "-m", "16", "-kernel", kernel, "-append", "bz-test", NULL};
	expect_pass("bzimage", args, NULL);
}

Test(boot_long, elf64_long_mode_entry_state)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX];
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "elf64"), 0,
		     "guest elf64 not built (make test builds it)");
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, "-append", "elf64-test", NULL};
	expect_pass("elf64", args, NULL);
}

Test(boot_long, fixups_fwait_int3_stac_clac)
{
	TIER_REQUIRE(TIER_KVM);
	char kernel[PATH_MAX];
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), "fixups"), 0,
		     "guest fixups not built (make test builds it)");
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, NULL};
	expect_pass("fixups", args, NULL);
}
