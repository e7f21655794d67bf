/* Boot tests of the 64-bit entries not covered elsewhere: a flat image at -load-addr, a
 * vmlinux-shaped ELF. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/boot/harness.h"

#define ENTRY_TIMEOUT_S 30

static void expect_pass(const char *guest, const char *const extra[])
{
	char pass[64], how[96];
	struct run_result r;
	int err = harness_boot_guest(guest, extra, NULL, ENTRY_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run guest %s (make test builds it): %s", guest,
		     strerror(-err));
	snprintf(pass, sizeof(pass), "PASS %s\n", guest);
	cr_expect(harness_out_has(&r, pass), "%s did not pass:\n%s", guest, r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);
}

Test(boot_entry, flat_image_entered_in_long_mode_at_load_addr)
{
	TIER_REQUIRE(TIER_KVM);
	const char *extra[] = {"-m", "8", "-load-addr", "0x200000", "-append", "flat-test", NULL};
	expect_pass("flat64", extra);
}

/* The loader must refuse, not write past RAM: 8 MiB of RAM ends below 256 MiB. */
Test(boot_entry, flat_image_load_addr_beyond_ram_is_refused)
{
	TIER_REQUIRE(TIER_KVM);
	char how[96];
	struct run_result r;
	const char *extra[] = {"-m", "8", "-load-addr", "0x10000000", NULL};
	int err = harness_boot_guest("flat64", extra, NULL, ENTRY_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run guest flat64 (make test builds it): %s",
		     strerror(-err));
	cr_expect_eq(r.status, 2, "tinyvmm %s (want 2: does not fit); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	cr_expect(strstr(r.err, "RAM") != NULL, "stderr does not say the image misses RAM:\n%s",
		  r.err);
	cr_expect(!harness_out_has(&r, "flat64"), "the guest ran:\n%s", r.out);
	harness_result_free(&r);
}

Test(boot_entry, vmlinux_gets_the_zero_page_and_its_cmdline)
{
	TIER_REQUIRE(TIER_KVM);
	/* the kernel is loaded at 16 MiB, as a real vmlinux asks */
	const char *extra[] = {"-m", "32", "-append", "vmlinux-test", NULL};
	expect_pass("vmlinux", extra);
}
