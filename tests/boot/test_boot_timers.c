/* Boot tests: guests that measure the RTC periodic rate and the PIT rate against RTC seconds. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests/boot/harness.h"

/* The guests wait for up to two RTC seconds; leave room for slow, emulating hosts. */
#define TIMER_TIMEOUT_S 40

static void run_rate_guest(const char *name)
{
	char kernel[PATH_MAX], pass[64], how[96];
	struct run_result r;
	cr_assert_eq(harness_guest_path(kernel, sizeof(kernel), name), 0,
		     "guest %s not built (make test builds it)", name);
	const char *args[] = {"run", "-m", "8", "-kernel", kernel, NULL};
	int err = harness_run_tinyvmm(args, NULL, TIMER_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));

	snprintf(pass, sizeof(pass), "PASS %s\n", name);
	cr_expect(strstr(r.out, pass) != NULL, "%s did not pass:\n%s", name, r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);
}

Test(boot_timers, rtc_periodic_1024hz_within_15_percent)
{
	TIER_REQUIRE(TIER_KVM);
	run_rate_guest("rtc_rate");
}

Test(boot_timers, pit_mode2_1000hz_within_15_percent)
{
	TIER_REQUIRE(TIER_KVM);
	run_rate_guest("pit_rate");
}
