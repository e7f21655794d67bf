/* Boot tests: a guest resetting the machine (keyboard controller, port 0x92), with and without
 * -no-reboot. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/boot/harness.h"

#define RESET_TIMEOUT_S 30
/* Long enough for a few boots of a tiny guest even under nested emulation. */
#define REBOOT_WATCH_S 3

/* With -no-reboot a reset is a clean end: status 0, no crash report, nothing after it. */
static void expect_clean_reset(const char *method, const char *announce)
{
	char how[96];
	struct run_result r;
	const char *extra[] = {"-m", "8", "-no-reboot", "-append", method, NULL};
	int err = harness_boot_guest("reset", extra, NULL, RESET_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run the reset guest (make test builds it): %s",
		     strerror(-err));

	cr_expect(harness_out_has(&r, "reset: guest started\n"), "guest never ran:\n%s", r.out);
	cr_expect(harness_out_has(&r, announce), "guest did not reach the %s reset:\n%s", method,
		  r.out);
	cr_expect(!harness_out_has(&r, "FAIL"), "guest kept running after the reset:\n%s", r.out);
	cr_expect_eq(harness_out_count(&r, "reset: guest started\n"), 1,
		     "the guest booted again despite -no-reboot:\n%s", r.out);
	cr_expect_eq(r.status, 0, "tinyvmm %s (want 0: reset with -no-reboot); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.err, "crash") == NULL, "a reset was reported as a crash:\n%s", r.err);
	harness_result_free(&r);
}

Test(boot_reset, kbc_command_fe_with_no_reboot_exits_0)
{
	TIER_REQUIRE(TIER_KVM);
	expect_clean_reset("kbc", "reset: keyboard controller command 0xFE\n");
}

Test(boot_reset, kbc_output_port_reset_line_low_exits_0)
{
	TIER_REQUIRE(TIER_KVM);
	expect_clean_reset("kbc-d1", "reset: keyboard controller output port 0xFC");
}

Test(boot_reset, port92_bit0_with_no_reboot_exits_0)
{
	TIER_REQUIRE(TIER_KVM);
	/* the guest first sets A20 through 0x92 with a read-modify-write, which must not reset */
	expect_clean_reset("port92", "reset: port 0x92 bit 0\n");
}

Test(boot_reset, without_no_reboot_a_reset_boots_the_guest_again)
{
	TIER_REQUIRE(TIER_KVM);
	char how[96];
	struct run_result r;
	const char *extra[] = {"-m", "8", "-append", "kbc", NULL};
	int err = harness_boot_guest("reset", extra, NULL, REBOOT_WATCH_S, &r);
	cr_assert_eq(err, 0, "could not run the reset guest (make test builds it): %s",
		     strerror(-err));

	/* It resets on every boot, so tinyvmm only ends when the harness kills it. */
	size_t boots = harness_out_count(&r, "reset: guest started\n");
	cr_expect(r.timed_out, "tinyvmm %s instead of rebooting the guest; stderr:\n%s",
		  harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(boots >= 2, "the guest booted %zu time(s) in %d s, want a reboot:\n%.2000s",
		  boots, REBOOT_WATCH_S, r.out);
	cr_expect(!harness_out_has(&r, "FAIL"), "guest kept running after a reset:\n%.2000s",
		  r.out);
	harness_result_free(&r);
}
